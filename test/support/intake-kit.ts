/**
 * Shared pieces of the intake's integration tests: a worker whose Kafka
 * consumer is instrumented before it starts, crash fixtures run as child
 * processes, and waits that end on an observed condition (with a deadline
 * that names what was awaited, so a hang reads as a failure, not a timeout).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { createIntake, type IntakeCounts, type IntakeService } from '../../src/intake/index.js';
import type { ConsumedRecord } from '../../src/platform/kafka/transactional-batch-consumer.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { createOutboxRelay, type OutboxRelay } from '../../src/outbox/index.js';
import { intakeConfig, type IntakeTopics, type ReceivedRecord } from './intake-harness.js';
import { kafkaBrokers, onCleanup, randomName, testKafka } from './test-context.js';

export const STATUS_SOURCE = '/flowthrough/test';

/**
 * A Kafka client whose consumers long-poll for at most 100 ms (kafkajs waits
 * 5 s): stopping a consumer waits for its fetch in flight, and an idle one
 * would hold every test's cleanup for 5 s. Nothing else about them changes.
 */
export function quickKafka(): Kafka {
  const kafka = testKafka();
  const consumerFor = kafka.consumer.bind(kafka);
  kafka.consumer = (config) => consumerFor({ maxWaitTimeInMs: 100, ...config });
  return kafka;
}

/** Rejects with a message naming `what` when `promise` has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls a database condition (nothing announces it) until it holds. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function count(pool: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(sql, params);
  return rows[0]?.n ?? Number.NaN;
}

/** The ce_ids in the outbox, in order (a row may hold several: src/outbox/status-row-events.ts); `rows` limits the rows read. */
export async function outboxEventIds(pool: pg.Pool, condition = 'TRUE', params: unknown[] = [], rows?: number): Promise<string[]> {
  const limit = rows === undefined ? '' : `LIMIT ${Number(rows)}`;
  const { rows: found } = await pool.query<{ event_id: string }>(
    `SELECT e.event_id FROM (SELECT id, event_ids FROM outbox WHERE ${condition} ORDER BY id ${limit}) o
       CROSS JOIN LATERAL unnest(o.event_ids) WITH ORDINALITY AS e(event_id, position)
      ORDER BY o.id, e.position`,
    params,
  );
  return found.map((r) => r.event_id);
}

/** Every outbox row has been published and marked. */
export function outboxDrained(pool: pg.Pool, timeoutMs = 30_000): Promise<void> {
  return eventually(
    async () => (await count(pool, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) === 0,
    'the outbox to drain',
    timeoutMs,
  );
}

/** Records a topic holds: the sum of its partitions' high watermarks (test topics are fresh, so the low ones are 0). */
export async function topicSize(topic: string, kafka: Kafka = testKafka()): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** A received record with its key as bytes too (the harness' collector keeps it as text only). */
export interface RawRecord extends ReceivedRecord {
  readonly rawKey: Buffer | null;
}

/** Like the harness' collect(), keeping each key's bytes. */
export async function collectRaw(topic: string) {
  const received: RawRecord[] = [];
  const waiters = new Set<() => void>();
  const consumer = quickKafka().consumer({ groupId: randomName('collector') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const rawKey = message.key === null ? null : Buffer.from(message.key);
      received.push({
        key: rawKey?.toString() ?? null,
        rawKey,
        value: message.value,
        headers: message.headers ?? {},
        partition,
        offset: message.offset,
      });
      for (const check of [...waiters]) check();
    },
  });
  onCleanup(() => consumer.disconnect());
  return {
    received,
    waitFor(check: (all: readonly RawRecord[]) => boolean): Promise<void> {
      return new Promise((resolve) => {
        const attempt = (): void => {
          if (!check(received)) return;
          waiters.delete(attempt);
          resolve();
        };
        waiters.add(attempt);
        attempt();
      });
    },
  };
}

interface Collector {
  readonly received: readonly unknown[];
  waitFor(check: (all: readonly unknown[]) => boolean): Promise<void>;
}

/**
 * Once nothing more is being written to the topic: waits until the collector
 * holds every record the topic has, so "not there" and "not there yet" differ.
 */
export async function caughtUp(collector: Collector, topic: string, timeoutMs = 30_000): Promise<number> {
  const size = await topicSize(topic);
  await within(
    collector.waitFor((all) => all.length >= size),
    timeoutMs,
    `${size} records of ${topic} to be collected`,
  );
  return size;
}

export function tally(values: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

export interface Batch {
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
}

export interface TestWorker {
  readonly intake: IntakeService;
  readonly relay: OutboxRelay | undefined;
  readonly groupId: string;
  /** Batches kafkajs handed to the intake, in order. */
  readonly batches: Batch[];
  /**
   * What the intake applied, counted inside each chunk's transaction (records
   * skipped as already applied do not count; a transaction that failed after
   * applying would).
   */
  readonly counts: IntakeCounts;
  /** Times the consumer joined its group: more than one means it went through a rebalance. */
  readonly joins: () => number;
  /** Partitions assigned at the last join. */
  readonly assigned: () => number[];
  /** Resolves once the intake has committed offsets (partition → next offset) to Kafka, now or earlier. */
  committed(targets: ReadonlyMap<number, bigint>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An intake (and, unless `relay: false`, an outbox relay) in this process,
 * built by their factories from intakeConfig() and instrumented before it
 * starts; stopped when the test (or the file) ends.
 */
export async function startWorker(
  pool: pg.Pool,
  topics: IntakeTopics,
  options: {
    groupId: string;
    relay?: boolean;
    chunkSize?: number;
    kafka?: Kafka;
    onChunk?: (counts: IntakeCounts) => void;
    afterDatabaseCommit?: (records: readonly ConsumedRecord[]) => Promise<void> | void;
  },
): Promise<TestWorker> {
  const kafka = options.kafka ?? quickKafka();
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const counts: IntakeCounts = { accepted: 0, duplicates: 0, rejected: 0, numbers: 0 };
  const config = intakeConfig(topics, options.groupId, {
    STATUS_EVENT_SOURCE: STATUS_SOURCE,
    ...(options.chunkSize === undefined ? {} : { INTAKE_CHUNK_SIZE: String(options.chunkSize) }),
  });
  const relay = options.relay === false ? undefined : createOutboxRelay(config, { kafka, pool, logger });
  const intake = createIntake(
    config,
    { kafka, pool, logger },
    {
      onChunk: (c) => {
        counts.accepted += c.accepted;
        counts.duplicates += c.duplicates;
        counts.rejected += c.rejected;
        counts.numbers += c.numbers;
        options.onChunk?.(c);
      },
      ...(options.afterDatabaseCommit ? { afterDatabaseCommit: options.afterDatabaseCommit } : {}),
    },
  );
  const kc = intake.consumer.kafkaConsumer;
  const batches: Batch[] = [];
  let joins = 0;
  let assigned: number[] = [];
  kc.on(kc.events.START_BATCH_PROCESS, ({ payload }) =>
    batches.push({ partition: payload.partition, firstOffset: payload.firstOffset, lastOffset: payload.lastOffset }),
  );
  kc.on(kc.events.GROUP_JOIN, ({ payload }) => {
    joins += 1;
    assigned = Object.values(payload.memberAssignment).flat();
  });
  const reached = new Map<number, bigint>();
  const commitWaiters = new Set<() => void>();
  kc.on(kc.events.COMMIT_OFFSETS, ({ payload }) => {
    for (const t of payload.topics) {
      if (t.topic !== topics.orders) continue;
      for (const p of t.partitions) reached.set(Number(p.partition), BigInt(p.offset));
    }
    for (const check of [...commitWaiters]) check();
  });
  const committed = (targets: ReadonlyMap<number, bigint>): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (![...targets].every(([partition, offset]) => (reached.get(partition) ?? -1n) >= offset)) return;
        commitWaiters.delete(check);
        resolve();
      };
      commitWaiters.add(check);
      check();
    });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await intake.stop();
    await relay?.stop();
  };
  onCleanup(stop);
  if (relay) await relay.start();
  await intake.start();
  return { intake, relay, groupId: options.groupId, batches, counts, joins: () => joins, assigned: () => assigned, committed, stop };
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs a fixture script (test/support/fixtures/*.ts) in its own Node process and
 * resolves with how it ended. A child still running after `timeoutMs` is
 * terminated and the promise rejects, so a crash point never reached fails.
 */
export async function runFixture(script: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ChildExit> {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', script], {
    env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    const [code, signal] = await within(exited, timeoutMs, `${script} to reach its crash point`);
    return { code, signal };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
