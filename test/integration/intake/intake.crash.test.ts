import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Message } from 'kafkajs';
import { connectedProducer, createTestDatabase, onCleanup, randomName, testKafka } from '../../support/test-context.js';
import {
  accountItem,
  collect,
  intakeTopics,
  numbersItem,
  ocNumber,
  orderRecord,
  statusEvents,
  type IntakeTopics,
} from '../../support/intake-harness.js';
import {
  caughtUp,
  count,
  outboxDrained,
  outboxEventIds,
  quickKafka,
  runFixture,
  startWorker,
  tally,
  within,
} from '../../support/intake-kit.js';

/**
 * The real IntakeService SIGKILLed in a child process (test/support/fixtures/crash-intake.ts)
 * on either side of its PostgreSQL commit, then restarted here in the same group:
 * every order takes effect exactly once and is announced exactly once.
 */

const CRASH_INTAKE = fileURLToPath(new URL('../../support/fixtures/crash-intake.ts', import.meta.url));

const { pool, url } = await createTestDatabase();
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const admin = kafka.admin();
await admin.connect();
onCleanup(() => admin.disconnect());

/** Three orders of two accounts: each announces acknowledged, then inProgress or completed. */
function ordersFor(prefix: string): { messages: Message[]; orderIds: string[]; numbers: string[] } {
  const a = `${prefix}-a`;
  const b = `${prefix}-b`;
  const base = prefix === 'after' ? '+1425550' : '+1425551';
  const numbers = [`${base}0001`, `${base}0002`, `${base}0003`, `${base}0004`];
  const orderIds = [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`];
  const messages = [
    orderRecord({
      orderId: orderIds[0]!,
      account: a,
      requestedAt: '2026-11-29T10:00:00Z',
      items: [accountItem(a), numbersItem([ocNumber(numbers[0]!), ocNumber(numbers[1]!)])],
    }),
    orderRecord({ orderId: orderIds[1]!, account: a, requestedAt: '2026-11-29T10:01:00Z', items: [numbersItem([ocNumber(numbers[2]!)])] }),
    orderRecord({
      orderId: orderIds[2]!,
      account: b,
      requestedAt: '2026-11-29T10:02:00Z',
      items: [accountItem(b, { sync: false }), numbersItem([ocNumber(numbers[3]!)])],
    }),
  ];
  return { messages, orderIds, numbers };
}

async function groupOffset(groupId: string, topic: string): Promise<string | undefined> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return entry?.partitions.find((p) => p.partition === 0)?.offset;
}

function crash(point: 'after-db-commit' | 'in-transaction', topics: IntakeTopics, groupId: string) {
  return runFixture(CRASH_INTAKE, {
    CRASH_POINT: point,
    TEST_DATABASE_URL: url,
    TEST_GROUP: groupId,
    TEST_ORDERS_TOPIC: topics.orders,
    TEST_STATUS_TOPIC: topics.status,
    TEST_DEAD_LETTER_TOPIC: topics.deadLetter,
  });
}

/** What the orders changed, with the row versions a second write would move. */
async function snapshot(orderIds: readonly string[], numbers: readonly string[]): Promise<unknown> {
  const orders = await pool.query(
    `SELECT order_id, state, status_sequence, updated_at::text FROM orders WHERE order_id = ANY($1) ORDER BY order_id`,
    [orderIds],
  );
  const items = await pool.query(`SELECT order_id, item_id, state FROM order_items WHERE order_id = ANY($1) ORDER BY order_id, item_id`, [
    orderIds,
  ]);
  const work = await pool.query(
    `SELECT order_id, telephone_number, operation FROM order_item_numbers WHERE order_id = ANY($1) ORDER BY order_id, telephone_number`,
    [orderIds],
  );
  const nums = await pool.query(
    `SELECT telephone_number, account_name, last_order_id, updated_at::text FROM numbers WHERE telephone_number = ANY($1) ORDER BY telephone_number`,
    [numbers],
  );
  const accounts = await pool.query(
    `SELECT name, last_order_id, updated_at::text FROM accounts WHERE last_order_id = ANY($1) ORDER BY name`,
    [orderIds],
  );
  return { orders: orders.rows, items: items.rows, work: work.rows, numbers: nums.rows, accounts: accounts.rows };
}

/** Each expected ce_id exactly once, in the outbox and on the status topic (read to its end). */
async function assertAnnouncedOnce(
  orderIds: readonly string[],
  status: Awaited<ReturnType<typeof collect>>,
  statusTopic: string,
): Promise<void> {
  const expected = new Map<string, number>(orderIds.flatMap((id) => [[`${id}:1`, 1] as const, [`${id}:2`, 1] as const]));
  await within(
    status.waitFor((all) => statusEvents(all).filter((e) => expected.has(e.id)).length >= expected.size),
    30_000,
    'every status event',
  );
  await outboxDrained(pool);
  await caughtUp(status, statusTopic);
  assert.deepEqual(tally(await outboxEventIds(pool, 'order_id = ANY($1)', [orderIds])), expected, 'each status event once in the outbox');
  assert.deepEqual(tally(statusEvents(status.received).map((e) => e.id)), expected, 'each status event once on the topic');
  const states = await pool.query<{ order_id: string; state: string }>('SELECT order_id, state FROM orders WHERE order_id = ANY($1)', [
    orderIds,
  ]);
  for (const { order_id, state } of states.rows) {
    const last = statusEvents(status.received)
      .filter((e) => e.data.orderId === order_id)
      .at(-1);
    assert.equal(last?.data.state, state, `${order_id}: the last event tells the order's state`);
  }
  assert.equal(
    await count(pool, 'SELECT count(*)::int AS n FROM dead_letters WHERE order_id = ANY($1)', [orderIds]),
    0,
    'no redelivered order was refused as a conflict',
  );
}

describe('the intake killed around its PostgreSQL commit', () => {
  it('killed after the database commit, before the offset commit: the redelivered orders have no second effect', async () => {
    const topics = await intakeTopics(1);
    const groupId = randomName('intake');
    const status = await collect(topics.status, quickKafka());
    const { messages, orderIds, numbers } = ordersFor('after');
    // One send: one record batch, so the child applies all three in its first (and fatal) chunk.
    await producer.send({ topic: topics.orders, messages });

    const exit = await crash('after-db-commit', topics, groupId);
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(
      await count(pool, 'SELECT count(*)::int AS n FROM orders WHERE order_id = ANY($1)', [orderIds]),
      3,
      'committed to PostgreSQL before the crash',
    );
    assert.equal((await outboxEventIds(pool, 'order_id = ANY($1)', [orderIds])).length, 6, 'with their status events');
    assert.equal(await groupOffset(groupId, topics.orders), '-1', 'no offset reached Kafka');
    const before = await snapshot(orderIds, numbers);

    const worker = await startWorker(pool, topics, { groupId });
    await within(worker.committed(new Map([[0, 3n]])), 30_000, 'the restarted intake to commit offset 3');
    assert.equal(worker.batches[0]?.firstOffset, '0', 'the orders were delivered again');
    assert.deepEqual(
      worker.counts,
      { accepted: 0, duplicates: 0, rejected: 0, numbers: 0 },
      'and recognised as applied: nothing was applied again',
    );
    assert.equal(await groupOffset(groupId, topics.orders), '3');

    await assertAnnouncedOnce(orderIds, status, topics.status);
    assert.deepEqual(await snapshot(orderIds, numbers), before, 'orders, items, numbers and accounts unchanged');
  });

  it('killed inside the transaction, before the database commit: the order is applied once on redelivery', async () => {
    const topics = await intakeTopics(1);
    const groupId = randomName('intake');
    const status = await collect(topics.status, quickKafka());
    const { messages, orderIds, numbers } = ordersFor('inside');
    await producer.send({ topic: topics.orders, messages });

    const exit = await crash('in-transaction', topics, groupId);
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(
      await count(pool, 'SELECT count(*)::int AS n FROM orders WHERE order_id = ANY($1)', [orderIds]),
      0,
      'the transaction died with the process',
    );
    assert.equal(await count(pool, 'SELECT count(*)::int AS n FROM outbox WHERE order_id = ANY($1)', [orderIds]), 0);
    assert.equal(await count(pool, 'SELECT count(*)::int AS n FROM numbers WHERE telephone_number = ANY($1)', [numbers]), 0);
    assert.equal(await groupOffset(groupId, topics.orders), '-1');

    const worker = await startWorker(pool, topics, { groupId });
    await within(worker.committed(new Map([[0, 3n]])), 30_000, 'the restarted intake to commit offset 3');
    assert.equal(worker.batches[0]?.firstOffset, '0', 'the orders were delivered again');
    assert.equal(worker.counts.accepted, 3, 'and applied, this time');
    assert.equal(worker.counts.duplicates, 0);

    await assertAnnouncedOnce(orderIds, status, topics.status);
    const { rows } = await pool.query<{ order_id: string; state: string }>(
      'SELECT order_id, state FROM orders WHERE order_id = ANY($1) ORDER BY order_id',
      [orderIds],
    );
    assert.deepEqual(rows, [
      { order_id: 'inside-1', state: 'inProgress' },
      { order_id: 'inside-2', state: 'inProgress' },
      { order_id: 'inside-3', state: 'completed' },
    ]);
    assert.equal(await count(pool, 'SELECT count(*)::int AS n FROM numbers WHERE telephone_number = ANY($1)', [numbers]), 4);
  });
});
