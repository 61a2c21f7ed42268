import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dlqCommand } from '../../../src/app/cli/commands/dlq-command.js';
import { createOrderValidator } from '../../../src/contracts/order-validator.js';
import { KafkaReplaySink, replayDeadLetters, type ReplayMessage, type ReplaySink } from '../../../src/ops/index.js';
import {
  accountItem,
  collect,
  headerText,
  intakeTopics,
  numbersItem,
  ocNumber,
  orderRecord,
  startIntake,
  statusEvents,
} from '../../support/intake-harness.js';
import { connectedProducer, onCleanup, testConfig, testKafka } from '../../support/test-context.js';
import { captureIo, createOpsDatabase } from '../../support/ops.js';

const { url, pool } = await createOpsDatabase();
const topics = await intakeTopics();
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const status = await collect(topics.status);
const orders = await collect(topics.orders);
await startIntake(pool, topics);
const config = testConfig({ DATABASE_URL: url, ORDERS_TOPIC: topics.orders });
const validator = createOrderValidator();

const sink = new KafkaReplaySink(kafka, topics.orders);
await sink.connect();
onCleanup(() => sink.disconnect());

const isFinal = (state: string) => ['rejected', 'completed', 'failed', 'partial'].includes(state);

/** Orders for an account that does not exist yet: each dead-lettered as account_not_found; then the account is created. */
async function rejectedBatch(account: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${account}-${i}`);
  await producer.send({
    topic: topics.orders,
    messages: ids.map((orderId, i) =>
      orderRecord({
        orderId,
        account,
        items: [numbersItem([ocNumber(`+1${String(account.length * 7919 + 4_000).slice(0, 4)}55${String(i).padStart(4, '0')}`)])],
      }),
    ),
  });
  await status.waitFor((all) => ids.every((id) => statusEvents(all).some((e) => e.data.orderId === id && e.data.state === 'rejected')));
  await producer.send({
    topic: topics.orders,
    messages: [orderRecord({ orderId: `${account}-account`, account, items: [accountItem(account, { sync: false })] })],
  });
  await status.waitFor((all) => statusEvents(all).some((e) => e.data.orderId === `${account}-account` && isFinal(e.data.state)));
  const { rows } = await pool.query<{ id: string }>('SELECT id::text AS id FROM dead_letters WHERE account_name = $1 ORDER BY id', [
    account,
  ]);
  assert.equal(rows.length, count);
  return rows.map((r) => r.id);
}

function copies(id: string): number {
  return orders.received.filter((r) => headerText(r.headers, 'flowthrough-replay-of') === id).length;
}

async function allCompletedOnce(account: string, count: number): Promise<void> {
  const ids = Array.from({ length: count }, (_, i) => `${account}-${i}`);
  await status.waitFor((all) => ids.every((id) => statusEvents(all).some((e) => e.data.orderId === id && e.data.state === 'completed')));
  // A marker order after the copies: once it is through, every copy before it was processed.
  await producer.send({
    topic: topics.orders,
    messages: [
      orderRecord({
        orderId: `${account}-marker`,
        account,
        requestedAt: '2026-11-29T11:00:00Z',
        items: [accountItem(account, { sync: false })],
      }),
    ],
  });
  await status.waitFor((all) => statusEvents(all).some((e) => e.data.orderId === `${account}-marker` && isFinal(e.data.state)));
  for (const id of ids) {
    const states = statusEvents(status.received)
      .filter((e) => e.data.orderId === id)
      .map((e) => e.data.state);
    assert.deepEqual(states, ['rejected', 'acknowledged', 'completed'], id);
  }
}

function statusOf(ids: readonly string[]) {
  return pool.query<{ id: string; status: string; attempt: number }>(
    `SELECT d.id::text AS id, r.status, r.attempt FROM dead_letters d
       JOIN LATERAL (SELECT status, attempt FROM dead_letter_replays WHERE dead_letter_id = d.id ORDER BY attempt DESC LIMIT 1) r ON true
      WHERE d.id = ANY($1::bigint[]) ORDER BY d.id`,
    [ids],
  );
}

describe('an interrupted replay', () => {
  it('continues where a broker failure stopped it: every record exactly once', async () => {
    const ids = await rejectedBatch('brokerfail', 10);
    let sent = 0;
    const failing: ReplaySink = {
      publish: async (messages: readonly ReplayMessage[]) => {
        if (sent + messages.length > 4) throw new Error('injected: broker unavailable');
        sent += messages.length;
        return sink.publish(messages);
      },
    };
    const first = await replayDeadLetters({
      pool,
      validator,
      filter: { account: 'brokerfail' },
      targetTopic: topics.orders,
      replayedBy: 'test',
      sink: failing,
      batchSize: 2,
    });
    assert.equal(first.counts.replayed, 4);
    assert.equal(first.counts.failed, 2, 'the batch the broker refused');
    assert.match(first.aborted ?? '', /injected: broker unavailable/);
    const failed = (await statusOf(ids)).rows.filter((r) => r.status === 'failed');
    assert.equal(failed.length, 2);

    const second = await dlqCommand(['replay', '--account', 'brokerfail'], config, captureIo());
    assert.equal(second, 0);
    await orders.waitFor(() => ids.every((id) => copies(id) >= 1));
    await allCompletedOnce('brokerfail', 10);
    assert.deepEqual(
      ids.map(copies),
      ids.map(() => 1),
      'each record on the topic exactly once',
    );
    const after = (await statusOf(ids)).rows;
    assert.ok(after.every((r) => r.status === 'replayed'));
    assert.deepEqual(
      after
        .filter((r) => r.attempt === 2)
        .map((r) => r.id)
        .sort(),
      failed.map((r) => r.id).sort(),
      'the failed ones took a second attempt',
    );
  });

  it('after a crash between the broker ack and the mark, shows the record as replaying and produces it again (at least once); the intake applies it once', async () => {
    const ids = await rejectedBatch('crashco', 6);
    let batches = 0;
    await assert.rejects(
      replayDeadLetters({
        pool,
        validator,
        filter: { account: 'crashco' },
        targetTopic: topics.orders,
        replayedBy: 'test',
        sink,
        batchSize: 2,
        afterPublish: () => {
          if (++batches === 2) throw new Error('injected crash');
        },
      }),
      /injected crash/,
    );
    const rows = (await statusOf(ids)).rows;
    assert.deepEqual(
      rows.map((r) => r.status),
      ['replayed', 'replayed', 'replaying', 'replaying'],
    );
    const io = captureIo();
    await dlqCommand(['list', '--status', 'replaying', '--json'], config, io);
    assert.equal((JSON.parse(io.out()) as { total: number }).total, 2);

    const rerun = captureIo();
    assert.equal(await dlqCommand(['replay', '--account', 'crashco'], config, rerun), 0);
    assert.match(rerun.out(), /again: an earlier run was interrupted after marking it/);
    await orders.waitFor(() => ids.every((id) => copies(id) >= 1));
    assert.deepEqual(ids.map(copies), [1, 1, 2, 2, 1, 1]);
    await allCompletedOnce('crashco', 6);
    assert.ok((await statusOf(ids)).rows.every((r) => r.status === 'replayed' && r.attempt === 1));
  });

  it('killed mid-replay (SIGKILL), a re-run replays each remaining record: none lost, none twice except one caught in flight', async () => {
    const ids = await rejectedBatch('killco', 12);
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=TimeoutNegativeWarning',
        '--import',
        'tsx',
        fileURLToPath(new URL('../../support/fixtures/ops/replay-child.ts', import.meta.url)),
        url,
        topics.orders,
        'replay',
        '--account',
        'killco',
        '--rate',
        '10',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    onCleanup(async () => void child.kill('SIGKILL'));
    await orders.waitFor(() => ids.filter((id) => copies(id) >= 1).length >= 4);
    child.kill('SIGKILL');
    await exited;
    const atKill = (await statusOf(ids)).rows;
    const inFlight = atKill.filter((r) => r.status === 'replaying').map((r) => r.id);
    assert.ok(inFlight.length <= 1, 'one record at a time at this rate');
    assert.ok(atKill.length < ids.length, 'killed half-way');

    assert.equal(await dlqCommand(['replay', '--account', 'killco'], config, captureIo()), 0);
    await orders.waitFor(() => ids.every((id) => copies(id) >= 1));
    await allCompletedOnce('killco', 12);
    for (const id of ids) assert.equal(copies(id), inFlight.includes(id) && copies(id) === 2 ? 2 : 1, `dead letter #${id}`);
  });
});
