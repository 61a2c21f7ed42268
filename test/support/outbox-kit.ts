/**
 * Shared pieces of the outbox relay's integration tests: a relay whose hooks
 * are observed (parking announces itself, so tests await it), rows written
 * the way the intake writes them, and a topic's records in log order.
 */
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { StatusEventData } from '../../src/core/status/status-data.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import {
  createOutboxRelay,
  INSERT_OUTBOX,
  StatusEventRows,
  type OutboxRelay,
  type OutboxRelayHooks,
  type ParkedOutboxRow,
  type StatusRowEvent,
} from '../../src/outbox/index.js';
import { textHeadersToStored } from '../../src/platform/kafka/record-headers.js';
import { onCleanup, randomName, testConfig, testKafka } from './test-context.js';
import type { RawRecord } from './intake-kit.js';

export const STATUS_SOURCE = '/flowthrough/test';

export interface ObservedRelay {
  readonly relay: OutboxRelay;
  /** Every row the relay parked, in order. */
  readonly parked: ParkedOutboxRow[];
  /** Records published, as counted by the onPublished hook. */
  readonly published: () => number;
  /** Resolves once `count` rows have been parked since the relay started. */
  parkedCount(count: number): Promise<void>;
}

/**
 * A started relay (stopped when the file ends), built by its factory, with
 * quick retries: the settings a test wants to see parking in (then `env`);
 * `hooks` hear what the relay reports too.
 */
export async function startRelay(pool: pg.Pool, hooks: OutboxRelayHooks = {}, env: Record<string, string> = {}): Promise<ObservedRelay> {
  const parked: ParkedOutboxRow[] = [];
  const waiters = new Set<() => void>();
  let published = 0;
  const config = testConfig({
    STATUS_EVENT_SOURCE: STATUS_SOURCE,
    OUTBOX_BATCH_SIZE: '1000',
    OUTBOX_POLL_INTERVAL_MS: '50',
    OUTBOX_RETENTION_HOURS: '24',
    OUTBOX_MAX_ATTEMPTS: '3',
    OUTBOX_RETRY_BASE_MS: '20',
    OUTBOX_RETRY_CAP_MS: '100',
    ...env,
  });
  const relay = createOutboxRelay(
    config,
    { kafka: testKafka(), pool, logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) },
    {
      ...hooks,
      onPublished: (n) => {
        published += n;
        hooks.onPublished?.(n);
      },
      onParked: (rows) => {
        parked.push(...rows);
        hooks.onParked?.(rows);
        for (const check of [...waiters]) check();
      },
    },
  );
  onCleanup(() => relay.stop());
  await relay.start();
  return {
    relay,
    parked,
    published: () => published,
    parkedCount: (count) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (parked.length < count) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Status rows written as the intake and the reconciler write them. */
export async function insertStatusEvents(pool: pg.Pool, topic: string, sequences: ReadonlyArray<readonly StatusRowEvent[]>): Promise<void> {
  const rows = new StatusEventRows(topic);
  for (const events of sequences) rows.addSequence(events);
  const client = await pool.connect();
  try {
    await rows.insert(client);
  } finally {
    client.release();
  }
}

/** Raw records (dead-letter copies) written with INSERT_OUTBOX, exactly as the intake calls it. */
export async function insertRawRecords(
  pool: pg.Pool,
  topic: string,
  records: ReadonlyArray<{ key: string; value: Buffer; headers: Record<string, string>; orderId?: string }>,
): Promise<string[]> {
  await pool.query(INSERT_OUTBOX, [
    records.map(() => topic),
    records.map((r) => Buffer.from(r.key)),
    records.map((r) => r.value),
    records.map((r) => JSON.stringify(textHeadersToStored(r.headers))),
    records.map(() => null),
    records.map((r) => r.orderId ?? null),
  ]);
  const { rows } = await pool.query<{ id: string }>('SELECT id::text AS id FROM outbox WHERE topic = $1 ORDER BY outbox.id', [topic]);
  return rows.map((r) => r.id);
}

export function statusData(orderId: string, state: string, account: string | null = 'acct-1'): StatusEventData {
  return {
    orderId,
    account,
    state,
    previousState: null,
    occurredAt: '2026-11-29T10:00:00.000Z',
    attempts: 0,
    items: [],
  } as unknown as StatusEventData;
}

/** A header's first value as text. */
export function header(record: RawRecord, name: string): string | undefined {
  const v = record.headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

/** Records in the order a subscriber of each partition reads them: by partition, then offset. */
export function inLogOrder<T extends { partition: number; offset: string }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** Creates a topic with the given config entries (deleted when the file ends). */
export async function createTopicWithConfig(
  prefix: string,
  partitions: number,
  configEntries: Array<{ name: string; value: string }>,
  kafka: Kafka = testKafka(),
): Promise<string> {
  const topic = randomName(prefix).replaceAll('_', '.');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }], waitForLeaders: true });
  onCleanup(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  return topic;
}
