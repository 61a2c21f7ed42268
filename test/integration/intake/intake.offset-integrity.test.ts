import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { createIntake, type IntakeService } from '../../../src/intake/index.js';
import type { StopReason } from '../../../src/platform/kafka/transactional-batch-consumer.js';
import { runCli } from '../../support/run-cli.js';
import { accountItem, intakeConfig, intakeTopics, orderRecord, type IntakeTopics } from '../../support/intake-harness.js';
import { capturingLogger, connectedProducer, createTestDatabase, kafkaBrokers, onCleanup, randomName } from '../../support/test-context.js';
import { count, eventually, quickKafka, STATUS_SOURCE, within } from '../../support/intake-kit.js';

/**
 * Issue #10 on the real intake: after the orders topic is recreated (what
 * "stack down" + "stack up" did, and a recreated topic in production does),
 * PostgreSQL's stored offsets belong to the old log. An order published then
 * is neither applied nor skipped silently: the partition stops, readiness
 * names it, one error line says what to run; "flowthrough offsets reset"
 * resumes it and the order is applied. A plain restart raises no alarm.
 */

const { pool, url } = await createTestDatabase();
const kafka = quickKafka();
const producer = await connectedProducer(kafka);
const admin: Admin = kafka.admin();
await admin.connect();
onCleanup(() => admin.disconnect());

interface Intake {
  readonly intake: IntakeService;
  readonly lines: string[];
  stopped(partition: number): Promise<StopReason>;
  stop(): Promise<void>;
}

async function startIntake(topics: IntakeTopics, groupId: string): Promise<Intake> {
  const { logger, lines } = capturingLogger({ level: 'info' });
  const stops = new Map<number, StopReason>();
  const waiters = new Set<() => void>();
  const intake = createIntake(
    intakeConfig(topics, groupId, { STATUS_EVENT_SOURCE: STATUS_SOURCE, INTAKE_PARTITIONS_CONCURRENTLY: '2' }),
    { kafka, pool, logger },
    {
      onPartitionStopped: (partition, reason) => {
        stops.set(partition, reason);
        for (const w of [...waiters]) w();
      },
    },
    { resetPollMs: 200 },
  );
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await intake.stop();
  };
  onCleanup(stop);
  await intake.start();
  return {
    intake,
    lines,
    stop,
    stopped: (partition) =>
      within(
        new Promise<StopReason>((resolve) => {
          const attempt = (): void => {
            const reason = stops.get(partition);
            if (reason === undefined) return;
            waiters.delete(attempt);
            resolve(reason);
          };
          waiters.add(attempt);
          attempt();
        }),
        30_000,
        `partition ${partition} to be stopped`,
      ),
  };
}

function order(orderId: string, partition: number) {
  const account = `${orderId}-account`;
  return { ...orderRecord({ orderId, account, items: [accountItem(account, { sync: false })] }), partition };
}

const orderApplied = (orderId: string): Promise<void> =>
  eventually(
    async () => (await count(pool, 'SELECT count(*)::int AS n FROM orders WHERE order_id = $1', [orderId])) === 1,
    `order ${orderId} to be applied`,
  );

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

function offsetsCli(args: string[], topics: IntakeTopics, groupId: string) {
  return runCli(['offsets', ...args], {
    DATABASE_URL: url,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_GROUP_ID: groupId,
    ORDERS_TOPIC: topics.orders,
    LOG_LEVEL: 'error',
  });
}

describe('offsets never skip silently', () => {
  it('a recreated orders topic: the order is not skipped; the partition stops loudly until "offsets reset --to earliest", then the order is applied', async () => {
    const topics = await intakeTopics(2);
    const groupId = randomName('intake');
    const suffix = randomName('o');
    await producer.send({ topic: topics.orders, messages: [order(`before-${suffix}`, 0), order(`other-${suffix}`, 1)] });
    const first = await startIntake(topics, groupId);
    await orderApplied(`before-${suffix}`);
    await orderApplied(`other-${suffix}`);
    await first.stop();

    // The broker comes back as a new cluster, or someone recreates the topic: offsets start at 0 again.
    await recreate(topics.orders, 2);
    const after = `after-${suffix}`;
    await producer.send({ topic: topics.orders, messages: [order(after, 0)] });
    const second = await startIntake(topics, groupId);
    // Partition 0's stored offset is 1 and the new log's record 0 is another record; partition 1's
    // stored offset 1 is past its new, empty log (checked at assignment, before any record comes).
    assert.equal(await second.stopped(0), 'different_record');
    assert.equal(await second.stopped(1), 'beyond_log_end');
    const health = second.intake.health();
    assert.equal(health.ready, false);
    assert.match(health.detail ?? '', new RegExp(`partition 0 of ${topics.orders.replaceAll('.', '\\.')} stopped \\(different_record\\)`));
    assert.equal(await count(pool, 'SELECT count(*)::int AS n FROM orders WHERE order_id = $1', [after]), 0, 'not applied');
    assert.equal(await count(pool, 'SELECT count(*)::int AS n FROM dead_letters WHERE order_id = $1', [after]), 0, 'not dead-lettered');
    const errors = second.lines.filter((l) => l.includes('"level":50'));
    assert.equal(errors.length, 2, `one error line per stopped partition:\n${errors.join('\n')}`);
    assert.match(
      errors.find((l) => l.includes('"partition":0')) ?? '',
      /not the one applied there: the topic was recreated.*fix: flowthrough offsets reset --partition 0 --to earliest/,
    );

    const show = await offsetsCli(['show', '--json'], topics, groupId);
    assert.equal(show.code, 3, show.stderr);
    const report = JSON.parse(show.stdout) as {
      partitions: Array<{ partition: number; stored: number; logEnd: number; problem: { code: string; stopped: boolean } | null }>;
    };
    assert.deepEqual(
      report.partitions.map((p) => [p.partition, p.stored, p.logEnd, p.problem?.code ?? null, p.problem?.stopped ?? null]),
      [
        [0, 1, 1, 'different_record', true],
        [1, 1, 0, 'beyond_log_end', true],
      ],
    );

    const reset = await offsetsCli(['reset', '--to', 'earliest', '--yes'], topics, groupId);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /partition/);
    await orderApplied(after);
    await eventually(async () => second.intake.health().ready, 'the intake to be ready again', 10_000);
    assert.equal(await count(pool, 'SELECT count(*)::int AS n FROM dead_letters WHERE order_id = $1', [after]), 0);
    await second.stop();

    // A plain restart afterwards: no alarm, the next order flows.
    const third = await startIntake(topics, groupId);
    const later = `later-${suffix}`;
    await producer.send({ topic: topics.orders, messages: [order(later, 0), order(`later-other-${suffix}`, 1)] });
    await orderApplied(later);
    await orderApplied(`later-other-${suffix}`);
    assert.equal(third.intake.health().ready, true);
    assert.deepEqual(
      third.lines.filter((l) => l.includes('"level":50')),
      [],
    );
    await third.stop();
  });

  it('a stored offset beyond the log end (set by hand) stops the partition; readiness names it', async () => {
    const topics = await intakeTopics(1);
    const groupId = randomName('intake');
    const first = `first-${randomName('o')}`;
    await producer.send({ topic: topics.orders, messages: [order(first, 0)] });
    const worker = await startIntake(topics, groupId);
    await orderApplied(first);
    await worker.stop();
    await pool.query('UPDATE consumer_offsets SET next_offset = 100 WHERE group_id = $1 AND topic = $2', [groupId, topics.orders]);

    const again = await startIntake(topics, groupId);
    assert.equal(await again.stopped(0), 'beyond_log_end');
    assert.match(
      again.intake.health().detail ?? '',
      /partition 0 of .* stopped \(beyond_log_end\): stored offset 100 is beyond the log end 1/,
    );
    const next = `next-${randomName('o')}`;
    await producer.send({ topic: topics.orders, messages: [order(next, 0)] });
    const { rows } = await pool.query<{ next_offset: string }>(
      'SELECT next_offset::text AS next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2',
      [groupId, topics.orders],
    );
    assert.equal(rows[0]?.next_offset, '100', 'nothing moved');
    await again.stop();
  });
});
