import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Admin, Consumer, Kafka, Message } from 'kafkajs';
import { offsetsCommand } from '../../../src/app/cli/commands/offsets-command.js';
import { commitAsEmptyGroup } from '../../../src/platform/kafka/offset-admin.js';
import { TransactionalBatchConsumer, type StopReason } from '../../../src/platform/kafka/transactional-batch-consumer.js';
import { capturingLogger, createTestDatabase, createTopics, onCleanup, randomName, testConfig } from '../../support/test-context.js';
import { eventually, quickKafka, within } from '../../support/intake-kit.js';

/**
 * The consumer's offset checks on the real broker: a stored offset outside
 * the log, or a log that is not the one the offset belongs to, stops that
 * partition (nothing applied, nothing skipped, readiness false, one error
 * line, the hook) and the others go on; an operator's reset resumes it. And
 * what must not stop it: restarts, transactions, aborted records.
 */

const { pool, url } = await createTestDatabase();
await pool.query('CREATE TABLE plumbing_effects (topic text, partition int, "offset" bigint, value text)');
const kafka: Kafka = quickKafka();
const admin: Admin = kafka.admin();
const producer = kafka.producer();
await Promise.all([admin.connect(), producer.connect()]);
after(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

interface Running {
  readonly consumer: TransactionalBatchConsumer;
  readonly stops: Array<{ partition: number; reason: StopReason }>;
  readonly lines: string[];
  /** Resolves once the consumer has committed `offset` (or more) on the partition to Kafka. */
  committed(partition: number, offset: number): Promise<void>;
  /** Resolves with the first stop of the partition. */
  stopped(partition: number): Promise<StopReason>;
  stop(): Promise<void>;
}

async function start(topic: string, groupId: string): Promise<Running> {
  const { logger, lines } = capturingLogger({ level: 'debug' });
  /** What kafkajs did, for the message of a wait that times out. */
  const trail: string[] = [];
  const stops: Running['stops'] = [];
  const waiters = new Set<() => void>();
  const reached = new Map<number, number>();
  const consumer = new TransactionalBatchConsumer({
    kafka,
    pool,
    logger,
    groupId,
    topic,
    resetPollMs: 200,
    apply: async (client, records) => {
      for (const r of records) {
        await client.query('INSERT INTO plumbing_effects (topic, partition, "offset", value) VALUES ($1, $2, $3, $4)', [
          r.topic,
          r.partition,
          r.offset,
          r.message.value?.toString() ?? null,
        ]);
      }
    },
    onPartitionStopped: (partition, reason) => {
      stops.push({ partition, reason });
      for (const w of [...waiters]) w();
    },
  });
  const kc: Consumer = consumer.kafkaConsumer;
  kc.on(kc.events.GROUP_JOIN, ({ payload }) => trail.push(`join ${JSON.stringify(payload.memberAssignment)}`));
  kc.on(kc.events.END_BATCH_PROCESS, ({ payload }) =>
    trail.push(`batch p${payload.partition} first=${payload.firstOffset} last=${payload.lastOffset} size=${payload.batchSize}`),
  );
  kc.on(kc.events.COMMIT_OFFSETS, ({ payload }) => {
    for (const t of payload.topics) if (t.topic === topic) for (const p of t.partitions) reached.set(Number(p.partition), Number(p.offset));
    for (const w of [...waiters]) w();
  });
  const until = <T>(check: () => T | undefined, what: string): Promise<T> =>
    within(
      new Promise<T>((resolve) => {
        const attempt = (): void => {
          const value = check();
          if (value === undefined) return;
          waiters.delete(attempt);
          resolve(value);
        };
        waiters.add(attempt);
        attempt();
      }),
      30_000,
      what,
    ).catch((error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\nkafkajs: ${trail.slice(-30).join('; ')}\nlog:\n${lines.slice(-30).join('\n')}`,
      );
    });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await consumer.stop();
  };
  onCleanup(stop);
  await consumer.start();
  return {
    consumer,
    stops,
    lines,
    committed: (partition, offset) =>
      until(
        () => ((reached.get(partition) ?? -1) >= offset ? true : undefined),
        `a commit of offset ${offset} on partition ${partition}`,
      ).then(() => undefined),
    stopped: (partition) => until(() => stops.find((s) => s.partition === partition)?.reason, `partition ${partition} to be stopped`),
    stop,
  };
}

async function effects(topic: string): Promise<Array<{ partition: number; offset: string; value: string }>> {
  const { rows } = await pool.query<{ partition: number; offset: string; value: string }>(
    'SELECT partition, "offset"::text AS "offset", value FROM plumbing_effects e WHERE topic = $1 ORDER BY partition, e."offset"',
    [topic],
  );
  return rows;
}

async function storedRow(groupId: string, topic: string, partition: number) {
  const { rows } = await pool.query<{ next_offset: string; stopped_reason: string | null; reset_pending: boolean }>(
    'SELECT next_offset::text AS next_offset, stopped_reason, reset_pending FROM consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3',
    [groupId, topic, partition],
  );
  return rows[0];
}

async function kafkaCommitted(groupId: string, topic: string, partition: number): Promise<string | undefined> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return entry?.partitions.find((p) => p.partition === partition)?.offset;
}

/** Deletes the topic and creates it again under the same name (Kafka deletes asynchronously: wait until it is gone). */
async function recreate(topic: string, partitions: number): Promise<void> {
  await admin.deleteTopics({ topics: [topic] });
  await eventually(async () => !(await admin.listTopics()).includes(topic), `${topic} to be deleted`);
  await eventually(async () => {
    try {
      return await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    } catch {
      return false; // still being deleted on the broker
    }
  }, `${topic} to be created again`);
}

const values = (prefix: string, n: number, partition = 0): Message[] =>
  Array.from({ length: n }, (_, i) => ({ value: `${prefix}-${i}`, partition }));

/** flowthrough offsets … in this process, as the operator would run it for this group and topic. */
async function offsetsCli(args: string[], groupId: string, topic: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const config = testConfig({ DATABASE_URL: url, KAFKA_GROUP_ID: groupId, ORDERS_TOPIC: topic });
  const code = await offsetsCommand(args, config, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    user: 'test-operator',
  });
  return { code, stdout, stderr };
}

describe('a stored offset outside the log, or another log, stops that partition loudly', () => {
  it('a recreated topic: the partition whose offset is past the new log stops, the other goes on; the stop survives a restart; a reset resumes it', async () => {
    const [topic] = await createTopics(['integrity.recreated'], 2);
    const groupId = randomName('group');
    await producer.send({ topic: topic!, messages: values('old', 3, 0) });
    const first = await start(topic!, groupId);
    await first.committed(0, 3);
    await first.stop();

    await recreate(topic!, 2);
    await producer.send({ topic: topic!, messages: [...values('new', 1, 0), ...values('new', 1, 1)] });
    const second = await start(topic!, groupId);
    assert.equal(await second.stopped(0), 'beyond_log_end');
    await second.committed(1, 1);

    assert.deepEqual(
      (await effects(topic!)).map((e) => `${e.partition}:${e.offset}:${e.value}`),
      ['0:0:old-0', '0:1:old-1', '0:2:old-2', '1:0:new-0'],
      'partition 1 applied its record; nothing of partition 0 was applied',
    );
    const row = await storedRow(groupId, topic!, 0);
    assert.equal(row?.next_offset, '3', 'nothing skipped: the stored offset did not move');
    assert.equal(row?.stopped_reason, 'beyond_log_end');
    const health = second.consumer.health();
    assert.equal(health.ready, false);
    assert.match(health.detail ?? '', /partition 0 of .* stopped \(beyond_log_end\)/);
    assert.deepEqual(
      health.stopped.map((s) => s.partition),
      [0],
    );
    const errors = second.lines.filter((l) => l.includes('"level":50'));
    assert.equal(errors.length, 1, `one error line:\n${errors.join('\n')}`);
    assert.match(
      errors[0] ?? '',
      /partition 0 of .* stopped: stored offset 3 is beyond the log end 1.*flowthrough offsets reset --partition 0 --to earliest/,
    );
    await second.stop();

    // A restart does not lift it.
    const third = await start(topic!, groupId);
    assert.equal(await third.stopped(0), 'beyond_log_end');
    assert.match(third.lines.find((l) => l.includes('"level":50')) ?? '', /stays stopped/);
    assert.equal(third.consumer.health().ready, false);

    // The operator decides: from the start of the new log. The running consumer polls, seeks, resumes.
    const reset = await offsetsCli(['reset', '--to', 'earliest', '--partition', '0', '--yes'], groupId, topic!);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /Kafka's committed offsets left as they are: group .* is Stable with 1 member/);
    await third.committed(0, 1);
    assert.deepEqual(
      (await effects(topic!))
        .filter((e) => e.partition === 0)
        .map((e) => e.value)
        .sort(),
      ['new-0', 'old-0', 'old-1', 'old-2'],
    );
    assert.equal(third.consumer.health().ready, true);
    assert.deepEqual(await storedRow(groupId, topic!, 0), { next_offset: '1', stopped_reason: null, reset_pending: false });
    await third.stop();
  });

  it('a recreated topic that already grew past the stored offset: the record at offset-1 differs, the partition stops', async () => {
    const [topic] = await createTopics(['integrity.grown'], 1);
    const groupId = randomName('group');
    await producer.send({ topic: topic!, messages: values('old', 3) });
    const first = await start(topic!, groupId);
    await first.committed(0, 3);
    await first.stop();

    await recreate(topic!, 1);
    await producer.send({ topic: topic!, messages: values('new', 5) });
    const second = await start(topic!, groupId);
    assert.equal(await second.stopped(0), 'different_record');
    assert.deepEqual(
      (await effects(topic!)).map((e) => e.value),
      ['old-0', 'old-1', 'old-2'],
      'none of the new records applied or skipped',
    );
    assert.equal((await storedRow(groupId, topic!, 0))?.next_offset, '3');
    assert.notEqual(await kafkaCommitted(groupId, topic!, 0), '5', 'no commit past the new records');
    assert.match(second.consumer.health().detail ?? '', /different_record.*recreated/);
    await second.stop();
  });

  it('a stored offset beyond the log end (set by hand) stops the partition at assignment, before any record comes', async () => {
    const [topic] = await createTopics(['integrity.beyond'], 1);
    const groupId = randomName('group');
    await producer.send({ topic: topic!, messages: values('a', 2) });
    const first = await start(topic!, groupId);
    await first.committed(0, 2);
    await first.stop();
    await pool.query('UPDATE consumer_offsets SET next_offset = 50 WHERE group_id = $1 AND topic = $2', [groupId, topic]);

    const second = await start(topic!, groupId);
    assert.equal(await second.stopped(0), 'beyond_log_end');
    await producer.send({ topic: topic!, messages: values('b', 1) });
    assert.equal((await storedRow(groupId, topic!, 0))?.next_offset, '50');
    assert.equal((await effects(topic!)).length, 2);
    await second.stop();
  });

  it('a stored offset below the log start (records deleted before they were applied) stops the partition', async () => {
    const [topic] = await createTopics(['integrity.retention'], 1);
    const groupId = randomName('group');
    await producer.send({ topic: topic!, messages: values('a', 2) });
    const first = await start(topic!, groupId);
    await first.committed(0, 2);
    await first.stop();
    await producer.send({ topic: topic!, messages: values('b', 4) });
    // Retention, by hand: offsets 0…3 are gone, so b-0 and b-1 were never applied.
    await admin.fetchTopicMetadata({ topics: [topic!] }); // kafkajs looks the leader up in metadata it may not have loaded yet
    await admin.deleteTopicRecords({ topic: topic!, partitions: [{ partition: 0, offset: '4' }] });

    const second = await start(topic!, groupId);
    assert.equal(await second.stopped(0), 'below_log_start');
    assert.equal((await storedRow(groupId, topic!, 0))?.next_offset, '2');
    assert.deepEqual(
      (await effects(topic!)).map((e) => e.value),
      ['a-0', 'a-1'],
    );
    await second.stop();
  });

  it("Kafka's committed offset ahead of PostgreSQL's stops the partition instead of skipping", async () => {
    const [topic] = await createTopics(['integrity.ahead'], 1);
    const groupId = randomName('group');
    await producer.send({ topic: topic!, messages: values('a', 2) });
    const first = await start(topic!, groupId);
    await first.committed(0, 2);
    await first.stop();
    await producer.send({ topic: topic!, messages: values('b', 4) });
    assert.ok(await commitAsEmptyGroup(kafka, admin, groupId, topic!, new Map([[0, 5n]])));

    const second = await start(topic!, groupId);
    assert.equal(await second.stopped(0), 'kafka_offset_ahead');
    assert.deepEqual(
      (await effects(topic!)).map((e) => e.value),
      ['a-0', 'a-1'],
    );
    assert.match(second.consumer.health().detail ?? '', /committed offset 5 .* ahead of the stored offset 2/);
    await second.stop();
  });
});

describe('what must not stop a partition', () => {
  it('restarts, transactions (markers between records) and aborted records: everything applied once, no stop', async () => {
    const [topic] = await createTopics(['integrity.transactions'], 1);
    const groupId = randomName('group');
    const tx = kafka.producer({ transactionalId: randomName('tx'), idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    try {
      /** Sends two records in a transaction; resolves with the offset after them. */
      const send = async (prefix: string, commit: boolean): Promise<number> => {
        const t = await tx.transaction();
        const [sent] = await t.send({ topic: topic!, messages: values(prefix, 2) });
        await (commit ? t.commit() : t.abort());
        return Number(sent?.baseOffset) + 2;
      };
      // 0-1 t1, 2 marker, 3-4 aborted t2, 5 marker, 6-7 t3, 8 marker, 9-10 t4, then the plain record and
      // t4's marker in either order: the broker writes a commit marker after the commit has returned, and
      // only the transactional producer waits for it. So the waits take the offsets the broker gave.
      const afterT1 = await send('t1', true);
      const first = await start(topic!, groupId);
      await first.committed(0, afterT1);
      // kafkajs' position is now past the marker (3), the stored offset 2: explained, not a gap.
      await send('t2', false);
      const afterT3 = await send('t3', true);
      await first.committed(0, afterT3);
      await first.stop();
      assert.deepEqual(first.stops, []);
      assert.deepEqual(
        first.lines.filter((l) => l.includes('reading partition')),
        [],
        'no seek was needed: the position was explained',
      );

      await send('t4', true);
      const [plain] = await producer.send({ topic: topic!, messages: values('plain', 1) });
      const second = await start(topic!, groupId);
      await second.committed(0, Number(plain?.baseOffset) + 1);
      assert.deepEqual(second.stops, []);
      assert.equal(second.consumer.health().ready, true);
      await second.stop();
    } finally {
      await tx.disconnect();
    }
    assert.deepEqual(
      (await effects(topic!)).map((e) => e.value),
      ['t1-0', 't1-1', 't3-0', 't3-1', 't4-0', 't4-1', 'plain-0'],
    );
  });
});
