import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { outboxCommand } from '../../../src/app/cli/commands/outbox-command.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { WorkerMetrics } from '../../../src/app/metrics/index.js';
import type { OpsIo } from '../../../src/ops/index.js';
import { createTestDatabase, createTopics, onCleanup, testConfig, testKafka } from '../../support/test-context.js';
import { parseExposition, sampleValue } from '../../support/scrape.js';
import { caughtUp, collectRaw, count, eventually, tally, within, type RawRecord } from '../../support/intake-kit.js';
import { createTopicWithConfig, header, inLogOrder, insertRawRecords, startRelay } from '../../support/outbox-kit.js';

/**
 * One row the broker refuses (a dead-letter copy larger than its topic's
 * max.message.bytes) is retried OUTBOX_MAX_ATTEMPTS times and parked; every
 * other row, on every partition, is published exactly once (acknowledged
 * chunks are never sent again), in per-key order, the rows of its own key
 * after it is parked. `flowthrough outbox retry` un-parks it: parked again
 * while the cause remains, published once the topic takes it. A topic the
 * broker cannot serve at all counts against no row.
 */

const { pool, url } = await createTestDatabase();
const config = testConfig({ DATABASE_URL: url });
const MAX_ATTEMPTS = 3;
const KEYS = Array.from({ length: 8 }, (_, i) => `account-${i}`);
const PER_KEY = 6;
const LARGE = { key: 'account-3', seq: 2 };

function bufferIo(): { io: OpsIo; out: () => string } {
  const chunks: string[] = [];
  const sink = { write: (s: string) => chunks.push(s) };
  return { io: { stdout: sink, stderr: sink }, out: () => chunks.join('') };
}

function failingAdmin(): Admin {
  const fail = () => Promise.reject(new Error('not used'));
  return { fetchTopicOffsets: fail, fetchOffsets: fail } as unknown as Admin;
}

/** The row a record was written from: key/seq, carried in a header. */
const rowOf = (r: RawRecord): string => header(r, 'row') ?? '?';

describe('a row the broker refuses', () => {
  it('is parked after OUTBOX_MAX_ATTEMPTS; every other row is published once, in per-key order; outbox retry re-parks it, then publishes it once the topic takes it', async () => {
    // The stand-in dead-letter topic takes records of up to 20,000 bytes.
    const topic = await createTopicWithConfig('dlt.small', 3, [{ name: 'max.message.bytes', value: '20000' }]);
    const collector = await collectRaw(topic);
    const records: Array<{ key: string; value: Buffer; headers: Record<string, string>; orderId: string }> = [];
    for (let seq = 0; seq < PER_KEY; seq++) {
      for (const key of KEYS) {
        const large = key === LARGE.key && seq === LARGE.seq;
        const value = Buffer.from(JSON.stringify({ key, seq, pad: 'x'.repeat(large ? 30_000 : 700) }));
        records.push({
          key,
          value,
          headers: { row: `${key}/${seq}`, 'kafka_dlt-exception-message': 'test' },
          orderId: `${key}-order-${seq}`,
        });
      }
    }
    const ids = await insertRawRecords(pool, topic, records);
    const largeId = ids[LARGE.seq * KEYS.length + KEYS.indexOf(LARGE.key)] as string;

    const metrics = new WorkerMetrics({
      pool,
      admin: failingAdmin(),
      logger: createLogger({ level: 'silent' }),
      ordersTopic: 'unused',
      groupId: 'unused',
      databaseCacheMs: 0,
    });
    const relay = await startRelay(pool, { onParked: metrics.onParked, onPublished: metrics.onPublished });
    await within(relay.parkedCount(1), 60_000, 'the large row to be parked');
    const others = records.length - 1;
    await within(
      collector.waitFor((all) => all.length >= others),
      60_000,
      `${others} records`,
    );
    await eventually(
      async () => (await count(pool, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) === 1,
      'every other row to be marked',
    );
    assert.equal(await caughtUp(collector, topic), others, 'no record twice: acknowledged chunks are never sent again');

    // Exactly once each, the large one not at all.
    const seen = tally(collector.received.map(rowOf));
    assert.equal(seen.size, others);
    assert.ok(
      [...seen.values()].every((n) => n === 1),
      'each row exactly once',
    );
    assert.equal(seen.get(`${LARGE.key}/${LARGE.seq}`), undefined);

    // Per key: one partition, kafkajs' own choice for the key, and its rows in order.
    const probe = testKafka().producer();
    await probe.connect();
    onCleanup(() => probe.disconnect());
    const [probeTopic] = (await createTopics(['probe'], 3)) as [string];
    for (const key of KEYS) {
      const mine = inLogOrder(collector.received.filter((r) => r.key === key));
      assert.equal(new Set(mine.map((r) => r.partition)).size, 1, `${key}: one partition`);
      const [meta] = await probe.send({ topic: probeTopic, messages: [{ key, value: 'probe' }] });
      assert.equal(mine[0]?.partition, meta?.partition, `${key}: the partition the producer's default partitioner picks`);
      const seqs = mine.map((r) => Number(rowOf(r).split('/')[1]));
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        `${key}: in order`,
      );
      assert.equal(seqs.length, key === LARGE.key ? PER_KEY - 1 : PER_KEY);
    }

    // The parked row: its attempts, its error, the hook and the metrics.
    const {
      rows: [row],
    } = await pool.query<{ attempts: number; last_error: string; parked_at: Date | null }>(
      'SELECT attempts, last_error, parked_at FROM outbox WHERE id = $1',
      [largeId],
    );
    assert.equal(row?.attempts, MAX_ATTEMPTS);
    assert.match(row?.last_error ?? '', /MESSAGE_TOO_LARGE/);
    assert.ok(row?.parked_at instanceof Date);
    assert.deepEqual(
      relay.parked.map((p) => [p.id, p.topic, p.orderId, p.attempts]),
      [[largeId, topic, `${LARGE.key}-order-${LARGE.seq}`, MAX_ATTEMPTS]],
    );
    let samples = parseExposition(await metrics.registry.metrics());
    assert.equal(sampleValue(samples, 'flowthrough_outbox_parked_total'), 1);
    assert.equal(sampleValue(samples, 'flowthrough_outbox_parked'), 1);
    assert.equal(sampleValue(samples, 'flowthrough_outbox_published_total'), others);
    assert.equal(sampleValue(samples, 'flowthrough_outbox_oldest_unpublished_age_seconds'), 0, 'a parked row is not relay lag');

    // The operator's view.
    const listed = bufferIo();
    assert.equal(await outboxCommand(['list', '--parked', '--json'], config, listed.io), 0);
    const list = JSON.parse(listed.out()) as {
      parked: number;
      rows: Array<{ id: string; key: string; attempts: number; lastError: string; parkedAt: string | null }>;
    };
    assert.equal(list.parked, 1);
    assert.deepEqual(
      list.rows.map((r) => [r.id, r.key, r.attempts, r.parkedAt !== null]),
      [[largeId, LARGE.key, MAX_ATTEMPTS, true]],
    );
    const text = bufferIo();
    assert.equal(await outboxCommand(['list', '--parked'], config, text.io), 0);
    assert.match(text.out(), /1 unpublished row\(s\): 1 parked/);

    // Retried without fixing the cause: all its attempts again, parked again.
    const dry = bufferIo();
    assert.equal(await outboxCommand(['retry', '--all-parked', '--dry-run'], config, dry.io), 0);
    assert.match(dry.out(), /would retry 1 row\(s\); nothing changed/);
    assert.equal(
      (await pool.query('SELECT 1 FROM outbox WHERE id = $1 AND parked_at IS NOT NULL', [largeId])).rowCount,
      1,
      'a dry run changes nothing',
    );
    const retried = bufferIo();
    assert.equal(await outboxCommand(['retry', largeId], config, retried.io), 0);
    assert.match(retried.out(), new RegExp(`#${largeId}  retried`));
    await within(relay.parkedCount(2), 60_000, 'the row to be parked again');
    assert.equal(relay.parked[1]?.attempts, MAX_ATTEMPTS, 'attempts counted from 0 again');

    // The topic takes larger records now: retried, it is published, once, after the rows its key published meanwhile.
    const admin = testKafka().admin();
    await admin.connect();
    onCleanup(() => admin.disconnect());
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2 /* TOPIC */, name: topic, configEntries: [{ name: 'max.message.bytes', value: '1048576' }] }],
    });
    const fixed = bufferIo();
    assert.equal(await outboxCommand(['retry', '--all-parked', '--json'], config, fixed.io), 0);
    assert.equal((JSON.parse(fixed.out()) as { retried: number }).retried, 1);
    await within(
      collector.waitFor((all) => all.some((r) => rowOf(r) === `${LARGE.key}/${LARGE.seq}`)),
      60_000,
      'the large record',
    );
    await eventually(
      async () => (await count(pool, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) === 0,
      'the outbox to drain',
    );
    assert.equal(await caughtUp(collector, topic), records.length);
    const largeKey = inLogOrder(collector.received.filter((r) => r.key === LARGE.key)).map((r) => Number(rowOf(r).split('/')[1]));
    assert.deepEqual(largeKey, [0, 1, 3, 4, 5, 2], 'published late, so out of order for its key (docs/OPERATIONS.md)');
    samples = parseExposition(await metrics.registry.metrics());
    assert.equal(sampleValue(samples, 'flowthrough_outbox_parked'), 0);
    assert.equal(sampleValue(samples, 'flowthrough_outbox_parked_total'), 2);

    const again = bufferIo();
    assert.equal(await outboxCommand(['retry', largeId, '999999'], config, again.io), 1, 'an id that does not exist fails the command');
    assert.match(again.out(), new RegExp(`#${largeId}  already published`));
    assert.match(again.out(), /#999999 {2}not found/);
  });

  it('waits, counting nothing against its rows, while the broker cannot take a topic; the other topics flow', async () => {
    const [good] = (await createTopics(['good'], 3)) as [string];
    const missing = `missing.${Date.now()}`;
    const collector = await collectRaw(good);
    const missingIds = await insertRawRecords(pool, missing, [{ key: 'k', value: Buffer.from('waits'), headers: { row: 'missing/0' } }]);
    await insertRawRecords(
      pool,
      good,
      Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`v${i}`), headers: { row: `good/${i}` } })),
    );
    const relay = await startRelay(pool);
    await within(
      collector.waitFor((all) => all.length >= 5),
      60_000,
      'the good topic to flow',
    );
    await eventually(
      async () => (await count(pool, 'SELECT count(*)::int AS n FROM outbox WHERE topic = $1 AND published_at IS NULL', [good])) === 0,
      'the good rows to be marked',
    );
    const { rows } = await pool.query<{ attempts: number; parked_at: Date | null; published_at: Date | null }>(
      'SELECT attempts, parked_at, published_at FROM outbox WHERE id = $1',
      [missingIds[0]],
    );
    assert.deepEqual(rows[0], { attempts: 0, parked_at: null, published_at: null }, 'no attempt counted, not parked');
    assert.equal(relay.parked.length, 0);

    // The topic appears: its row goes out.
    const admin = testKafka().admin();
    await admin.connect();
    onCleanup(async () => {
      await admin.deleteTopics({ topics: [missing] }).catch(() => undefined);
      await admin.disconnect();
    });
    await admin.createTopics({ topics: [{ topic: missing, numPartitions: 1 }], waitForLeaders: true });
    await eventually(
      async () => (await count(pool, 'SELECT count(*)::int AS n FROM outbox WHERE topic = $1 AND published_at IS NULL', [missing])) === 0,
      'the waiting row to be published',
      60_000,
    );
  });
});
