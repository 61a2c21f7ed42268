import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Message } from 'kafkajs';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createOutboxRelay } from '../../../src/outbox/index.js';
import { createTestDatabase, onCleanup, randomName, testConfig, testKafka } from '../../support/test-context.js';
import { accountItem, collect, intakeTopics, numbersItem, ocNumber, orderRecord, statusEvents } from '../../support/intake-harness.js';
import {
  caughtUp,
  count,
  eventually,
  outboxDrained,
  outboxEventIds,
  quickKafka,
  runFixture,
  startWorker,
  STATUS_SOURCE,
  tally,
  topicSize,
} from '../../support/intake-kit.js';

/**
 * The outbox relay SIGKILLed in a child process (test/support/fixtures/crash-relay.ts)
 * after Kafka acknowledged a batch and before the rows were marked published:
 * a new relay publishes them again. Subscribers see each status event at least
 * once and at most twice, and the last event of each order tells its state.
 */

const CRASH_RELAY = fileURLToPath(new URL('../../support/fixtures/crash-relay.ts', import.meta.url));
const BATCH = 15;

const { pool, url } = await createTestDatabase();
const topics = await intakeTopics(3);
const producer = testKafka().producer();
await producer.connect();
onCleanup(() => producer.disconnect());
const status = await collect(topics.status, quickKafka());

/** Ten accounts, two orders each; even accounts sync to Operator Connect (inProgress), odd ones complete at once. */
function orders(): { messages: Message[]; orderIds: string[] } {
  const messages: Message[] = [];
  const orderIds: string[] = [];
  for (let i = 0; i < 10; i++) {
    const account = `relay-crash-${i}`;
    const number = (n: number) => ocNumber(`+1425888${String(i * 10 + n).padStart(4, '0')}`);
    messages.push(
      orderRecord({
        orderId: `rc-${i}-1`,
        account,
        requestedAt: '2026-11-29T10:00:00Z',
        items: [accountItem(account, { sync: i % 2 === 0 }), numbersItem([number(1)])],
      }),
    );
    messages.push(orderRecord({ orderId: `rc-${i}-2`, account, requestedAt: '2026-11-29T10:01:00Z', items: [numbersItem([number(2)])] }));
    orderIds.push(`rc-${i}-1`, `rc-${i}-2`);
  }
  return { messages, orderIds };
}

describe('the outbox relay killed between publishing and marking', () => {
  it('republishes on restart: every status event at least once, at most twice, the states right', async () => {
    const { messages, orderIds } = orders();
    await producer.send({ topic: topics.orders, messages });
    // The intake alone (no relay) fills the outbox: 2 status events per order.
    const intake = await startWorker(pool, topics, { groupId: randomName('intake'), relay: false });
    await eventually(
      async () => (await count(pool, 'SELECT count(*)::int AS n FROM orders')) === orderIds.length,
      'the intake to accept every order',
    );
    await intake.stop();
    assert.equal((await outboxEventIds(pool, 'published_at IS NULL')).length, 2 * orderIds.length);
    // The relay claims rows; a row may carry several events.
    const firstBatch = await outboxEventIds(pool, 'TRUE', [], BATCH);

    const exit = await runFixture(CRASH_RELAY, { TEST_DATABASE_URL: url, RELAY_BATCH_SIZE: String(BATCH) });
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(await topicSize(topics.status), firstBatch.length, 'the batch reached Kafka before the crash');
    assert.equal((await outboxEventIds(pool, 'published_at IS NULL')).length, 2 * orderIds.length, 'but none of its rows was marked');

    const config = testConfig({
      OUTBOX_BATCH_SIZE: '1000',
      OUTBOX_POLL_INTERVAL_MS: '200',
      OUTBOX_RETENTION_HOURS: '24',
      STATUS_EVENT_SOURCE: STATUS_SOURCE,
    });
    const relay = createOutboxRelay(config, {
      kafka: testKafka(),
      pool,
      logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    onCleanup(() => relay.stop());
    await relay.start();
    await outboxDrained(pool);
    assert.equal(await caughtUp(status, topics.status), firstBatch.length + 2 * orderIds.length, 'the crashed batch again, then the rest');

    const events = statusEvents(status.received);
    const seen = tally(events.map((e) => e.id));
    const expected = orderIds.flatMap((id) => [`${id}:1`, `${id}:2`]);
    assert.deepEqual([...seen.keys()].sort(), [...expected].sort(), 'every status event at least once, and no other');
    const twice = [...seen].filter(([, n]) => n === 2).map(([id]) => id);
    assert.deepEqual(twice.sort(), [...firstBatch].sort(), 'exactly the crashed batch twice');
    assert.ok(
      [...seen.values()].every((n) => n <= 2),
      'none more than twice',
    );

    // A subscriber reads each partition in offset order; all events of an order share its key (the account).
    const inOrder = status.received
      .map((r, i) => ({ r, e: events[i]! }))
      .sort((x, y) => x.r.partition - y.r.partition || Number(BigInt(x.r.offset) - BigInt(y.r.offset)));
    const { rows: states } = await pool.query<{ order_id: string; state: string }>('SELECT order_id, state FROM orders ORDER BY order_id');
    assert.equal(states.length, orderIds.length);
    for (const { order_id, state } of states) {
      const mine = inOrder.filter(({ e }) => e.data.orderId === order_id).map(({ e }) => e);
      assert.equal(mine.at(-1)?.data.state, state, `${order_id}: the last event reports the order's state`);
      const firstSeen = [...new Set(mine.map((e) => e.id))];
      assert.deepEqual(firstSeen, [`${order_id}:1`, `${order_id}:2`], `${order_id}: de-duplicated on ce_id, acknowledged comes first`);
      assert.equal(mine[0]?.data.state, 'acknowledged');
    }
    assert.deepEqual(new Set(states.map((s) => s.state)), new Set(['inProgress', 'completed']), 'both outcomes are covered');
  });
});
