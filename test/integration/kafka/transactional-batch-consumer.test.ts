import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { Consumer } from 'kafkajs';
import { TransactionalBatchConsumer, type ConsumedRecord } from '../../../src/platform/kafka/transactional-batch-consumer.js';
import { createTestDatabase, createTopics, kafkaBrokers, randomName, silentLogger, testKafka } from '../../support/test-context.js';

const CRASH_CONSUMER = fileURLToPath(new URL('../../support/fixtures/crash-consumer.ts', import.meta.url));

interface Batch {
  readonly firstOffset: string;
  readonly lastOffset: string;
}

/** Resolves with the first commit of this group that reaches `offset` on the partition. */
function committed(consumer: Consumer, topic: string, offset: string): Promise<void> {
  return new Promise((resolve) => {
    const remove = consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
      const hit = payload.topics.some((t) => t.topic === topic && t.partitions.some((p) => p.offset === offset));
      if (hit) {
        remove();
        resolve();
      }
    });
  });
}

async function runCrashingConsumer(env: Record<string, string>): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', CRASH_CONSUMER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return signal;
}

// Module scope: cleanup registered here runs when the file ends (inside a before() hook it would run right after that hook).
const { pool, url } = await createTestDatabase();
await pool.query('CREATE TABLE plumbing_effects (topic text, partition int, "offset" bigint, value text)');
const kafka = testKafka();
const producer = kafka.producer();
const admin = kafka.admin();
await producer.connect();
await admin.connect();
after(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

describe('offsets are committed only after the PostgreSQL transaction', () => {
  async function groupOffset(groupId: string, topic: string): Promise<string | undefined> {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry?.partitions.find((p) => p.partition === 0)?.offset;
  }

  async function effects(topic: string): Promise<Array<{ offset: string; value: string }>> {
    const { rows } = await pool.query<{ offset: string; value: string }>(
      'SELECT "offset"::text AS "offset", value FROM plumbing_effects WHERE topic = $1 ORDER BY "offset"',
      [topic],
    );
    return rows;
  }

  /** Consumes in this process until the group's committed offset reaches `untilOffset`; returns the batches it was handed. */
  async function consumeUntilCommitted(
    topic: string,
    groupId: string,
    untilOffset: string,
  ): Promise<{ batches: Batch[]; applied: ConsumedRecord[] }> {
    const batches: Batch[] = [];
    const applied: ConsumedRecord[] = [];
    const consumer = new TransactionalBatchConsumer({
      kafka,
      pool,
      logger: silentLogger(),
      groupId,
      topic,
      apply: async (client, records) => {
        applied.push(...records);
        for (const r of records) {
          await client.query('INSERT INTO plumbing_effects (topic, partition, "offset", value) VALUES ($1, $2, $3, $4)', [
            r.topic,
            r.partition,
            r.offset,
            r.message.value?.toString() ?? null,
          ]);
        }
      },
    });
    const kc = consumer.kafkaConsumer;
    kc.on(kc.events.START_BATCH_PROCESS, ({ payload }) =>
      batches.push({ firstOffset: payload.firstOffset, lastOffset: payload.lastOffset }),
    );
    const done = committed(kc, topic, untilOffset);
    await consumer.start();
    await done;
    await consumer.stop();
    return { batches, applied };
  }

  it('applies a record and commits its offset after the database commit', async () => {
    const [topic] = await createTopics(['plumbing.happy'], 1);
    const groupId = randomName('group');
    await producer.send({ topic: topic!, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    const { applied } = await consumeUntilCommitted(topic!, groupId, '3');
    assert.deepEqual(
      applied.map((r) => r.offset),
      ['0', '1', '2'],
    );
    assert.deepEqual(await effects(topic!), [
      { offset: '0', value: 'a' },
      { offset: '1', value: 'b' },
      { offset: '2', value: 'c' },
    ]);
    assert.equal(await groupOffset(groupId, topic!), '3');
    const { rows } = await pool.query('SELECT next_offset::text AS n FROM consumer_offsets WHERE group_id = $1 AND topic = $2', [
      groupId,
      topic,
    ]);
    assert.equal(rows[0].n, '3');
  });

  it('a consumer killed after the database commit and before the offset commit sees the record again; it applies once', async () => {
    const [topic] = await createTopics(['plumbing.crash.after'], 1);
    const groupId = randomName('group');
    const [meta] = await producer.send({ topic: topic!, messages: [{ value: 'order-1' }] });
    const offset = meta?.baseOffset ?? '0';

    const signal = await runCrashingConsumer({
      CRASH_POINT: 'after-db-commit',
      TEST_DATABASE_URL: url,
      TEST_TOPIC: topic!,
      TEST_GROUP: groupId,
      KAFKA_BROKERS: kafkaBrokers().join(','),
    });
    assert.equal(signal, 'SIGKILL');
    assert.deepEqual(await effects(topic!), [{ offset, value: 'order-1' }], 'the effect was committed before the crash');
    assert.equal(await groupOffset(groupId, topic!), '-1', 'no offset was committed to Kafka');

    const next = (BigInt(offset) + 1n).toString();
    const { batches, applied } = await consumeUntilCommitted(topic!, groupId, next);
    assert.equal(batches[0]?.firstOffset, offset, 'the record was delivered again');
    assert.deepEqual(applied, [], 'the redelivered record was recognised and not applied again');
    assert.equal((await effects(topic!)).length, 1);
    assert.equal(await groupOffset(groupId, topic!), next);
  });

  it('a consumer killed before the database commit leaves no effect; the record is applied on redelivery', async () => {
    const [topic] = await createTopics(['plumbing.crash.before'], 1);
    const groupId = randomName('group');
    const [meta] = await producer.send({ topic: topic!, messages: [{ value: 'order-2' }] });
    const offset = meta?.baseOffset ?? '0';

    const signal = await runCrashingConsumer({
      CRASH_POINT: 'before-db-commit',
      TEST_DATABASE_URL: url,
      TEST_TOPIC: topic!,
      TEST_GROUP: groupId,
      KAFKA_BROKERS: kafkaBrokers().join(','),
    });
    assert.equal(signal, 'SIGKILL');
    assert.deepEqual(await effects(topic!), [], 'the transaction died with the process');
    assert.equal(await groupOffset(groupId, topic!), '-1');

    const next = (BigInt(offset) + 1n).toString();
    const { batches, applied } = await consumeUntilCommitted(topic!, groupId, next);
    assert.equal(batches[0]?.firstOffset, offset);
    assert.deepEqual(
      applied.map((r) => r.offset),
      [offset],
    );
    assert.deepEqual(await effects(topic!), [{ offset, value: 'order-2' }]);
    assert.equal(await groupOffset(groupId, topic!), next);
  });
});
