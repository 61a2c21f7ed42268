import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from 'kafkajs';
import { createTestDatabase, onCleanup, openPool, randomName, testKafka } from '../../support/test-context.js';
import { accountItem, collect, intakeTopics, numbersItem, ocNumber, orderRecord, statusEvents } from '../../support/intake-harness.js';
import {
  caughtUp,
  count,
  eventually,
  outboxDrained,
  outboxEventIds,
  quickKafka,
  startWorker,
  tally,
  within,
} from '../../support/intake-kit.js';

/**
 * Two workers (intake + outbox relay each, their own pools) in one consumer
 * group; the second joins while orders are flowing, so the partitions move
 * between them mid-stream. Every order still takes effect once and every
 * status event is published once.
 */

const ORDERS = 300;
const { pool, url } = await createTestDatabase();
const topics = await intakeTopics(3);
const producer = testKafka().producer();
await producer.connect();
onCleanup(() => producer.disconnect());
const status = await collect(topics.status, quickKafka());
const admin = testKafka().admin();
await admin.connect();
onCleanup(() => admin.disconnect());

const orderId = (i: number): string => `tw-${String(i).padStart(3, '0')}`;

/** One account per order (keys spread over the partitions), one Operator Connect number: acknowledged, then inProgress. */
function order(i: number): Message {
  const account = `tw-account-${i}`;
  return orderRecord({
    orderId: orderId(i),
    account,
    items: [accountItem(account), numbersItem([ocNumber(`+1425777${String(i).padStart(4, '0')}`)])],
  });
}

async function groupState(groupId: string): Promise<string | undefined> {
  const { groups } = await admin.describeGroups([groupId]);
  return groups[0]?.state;
}

async function send(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 10) {
    const messages = Array.from({ length: Math.min(10, to - i) }, (_, k) => order(i + k));
    await producer.send({ topic: topics.orders, messages });
  }
}

describe('two intake workers in one group', () => {
  it('share the partitions through a mid-stream rebalance: each order once, each status event once', async () => {
    const groupId = randomName('intake');
    const poolA = openPool(url);
    onCleanup(() => poolA.end());
    const poolB = openPool(url);
    onCleanup(() => poolB.end());

    await send(0, 100);
    // The first worker stops in the middle of its first batch, after committing a chunk
    // to PostgreSQL and before committing its offset to Kafka, until the second worker
    // has asked to join: the rebalance then happens while it holds unfinished work.
    let paused = (): void => undefined;
    const inFirstBatch = new Promise<void>((resolve) => (paused = resolve));
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const a = await startWorker(poolA, topics, {
      groupId,
      chunkSize: 10,
      afterDatabaseCommit: async () => {
        if (!first) return;
        first = false;
        paused();
        await released;
      },
    });
    await within(inFirstBatch, 30_000, 'the first worker to commit a chunk');

    const joining = startWorker(poolB, topics, { groupId, chunkSize: 10 });
    await send(100, 200);
    await eventually(async () => (await groupState(groupId)) === 'PreparingRebalance', 'the second worker to start a rebalance', 30_000);
    release();
    const b = await within(joining, 60_000, 'the second worker to join');
    await send(200, ORDERS);

    const expected = new Map<string, number>(
      Array.from({ length: ORDERS }, (_, i) => [[`${orderId(i)}:1`, 1] as const, [`${orderId(i)}:2`, 1] as const]).flat(),
    );
    await within(
      status.waitFor((all) => new Set(statusEvents(all).map((e) => e.id)).size >= expected.size),
      60_000,
      `${expected.size} status events`,
    );
    await outboxDrained(pool);
    await caughtUp(status, topics.status);

    assert.ok(a.joins() >= 2, `the first worker went through a rebalance (joined ${a.joins()} times)`);
    assert.ok(
      b.assigned().length > 0 && a.assigned().length > 0,
      `both hold partitions: ${JSON.stringify({ a: a.assigned(), b: b.assigned() })}`,
    );
    assert.ok(
      b.batches.length > 0 && b.batches.every((batch) => BigInt(batch.firstOffset) > 0n),
      `the second worker went on where the first had left off: ${JSON.stringify(b.batches)}`,
    );
    assert.ok(a.counts.accepted > 0 && b.counts.accepted > 0, `both applied orders: ${JSON.stringify({ a: a.counts, b: b.counts })}`);
    assert.equal(a.counts.accepted + b.counts.accepted, ORDERS, 'no order was accepted twice');

    const { rows } = await pool.query<{ order_id: string }>('SELECT order_id FROM orders ORDER BY order_id');
    assert.deepEqual(
      rows.map((r) => r.order_id),
      Array.from({ length: ORDERS }, (_, i) => orderId(i)),
      'one orders row per order',
    );
    assert.equal(await count(pool, 'SELECT count(*)::int AS n FROM numbers'), ORDERS);
    assert.equal(await count(pool, 'SELECT count(*)::int AS n FROM dead_letters'), 0);
    assert.deepEqual(tally(await outboxEventIds(pool)), expected, 'each status event once in the outbox');
    const published = tally(statusEvents(status.received).map((e) => e.id));
    const twice = [...published].filter(([, n]) => n > 1).map(([id]) => id);
    assert.deepEqual(twice, [], 'no status event published twice');
    assert.deepEqual(published, expected, 'every status event published');
  });
});
