import { readdirSync, readFileSync } from 'node:fs';
import type { Consumer, IHeaders, Kafka, Message } from 'kafkajs';
import type pg from 'pg';
import { parseStatusEvent, RESEND_REJECTED_EVENT_TYPE, STATUS_EVENT_TYPE, type StatusEvent } from '../../src/core/status/index.js';
import { createIntake } from '../../src/intake/index.js';
import { createOutboxRelay } from '../../src/outbox/index.js';
import type { Config } from '../../src/platform/config/load-config.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { createTopics, onCleanup, randomName, testConfig, testKafka } from './test-context.js';

export interface ExampleRecord {
  readonly file: string;
  readonly headers: Record<string, string>;
  readonly key: string;
  readonly value: Record<string, unknown>;
}

export function readExamples(): ExampleRecord[] {
  const dir = new URL('../../examples/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Omit<ExampleRecord, 'file'>) }));
}

export function toMessage(record: { headers: Record<string, string>; key: string | null; value: unknown }): Message {
  return {
    key: record.key,
    headers: record.headers,
    value: typeof record.value === 'string' ? record.value : JSON.stringify(record.value),
  };
}

/** A binary-mode order record for tests. */
export function orderRecord(
  data: { orderId: string; account: string; requestedAt?: string; items: unknown[] },
  extraHeaders: Record<string, string> = {},
): Message {
  return {
    key: data.account,
    headers: {
      ce_specversion: '1.0',
      ce_id: randomName('ce'),
      ce_source: '/bss/test',
      ce_type: 'io.flowthrough.order.v1',
      'content-type': 'application/json',
      ...extraHeaders,
    },
    value: JSON.stringify({ requestedAt: '2026-11-29T10:00:00Z', ...data }),
  };
}

export const TENANT = '3f2b6c1e-8d4a-4e7b-9c5d-1a2b3c4d5e6f';

export function accountItem(name: string, options: { sync?: boolean; tenant?: string } = {}): Record<string, unknown> {
  return {
    id: 'account',
    action: 'upsert',
    resource: 'account',
    account: {
      name,
      serviceDetails: {
        teamsTenantId: options.tenant ?? TENANT,
        teamsOperatorConnect: { enabled: true, syncEnabled: options.sync ?? true },
        teamsDirectRouting: { enabled: true, syncEnabled: false },
      },
    },
  };
}

export function ocNumber(telephoneNumber: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    telephoneNumber,
    serviceDetails: {
      teamsOperatorConnect: {
        enabled: true,
        configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] },
      },
    },
    ...extra,
  };
}

export function numbersItem(numbers: unknown[], id = 'numbers'): Record<string, unknown> {
  return { id, action: 'upsert', resource: 'numbers', numbers };
}

export interface IntakeTopics {
  readonly orders: string;
  readonly deadLetter: string;
  readonly status: string;
}

export async function intakeTopics(partitions = 3): Promise<IntakeTopics> {
  const [orders, deadLetter, status] = await createTopics(['orders', 'orders.dlt', 'status'], partitions);
  return { orders: orders!, deadLetter: deadLetter!, status: status! };
}

/**
 * The Config (through the real loader) of an intake and a relay on these
 * topics in this group: the harnesses' settings (ce_source /flowthrough/test,
 * chunks of 500, 3 partitions at once, relay batches of 1000 and a 200 ms
 * poll), then `overrides`.
 */
export function intakeConfig(topics: IntakeTopics, groupId: string, overrides: Record<string, string> = {}): Config {
  return testConfig({
    ORDERS_TOPIC: topics.orders,
    DEAD_LETTER_TOPIC: topics.deadLetter,
    STATUS_TOPIC: topics.status,
    KAFKA_GROUP_ID: groupId,
    STATUS_EVENT_SOURCE: '/flowthrough/test',
    INTAKE_CHUNK_SIZE: '500',
    INTAKE_PARTITIONS_CONCURRENTLY: '3',
    OUTBOX_BATCH_SIZE: '1000',
    OUTBOX_POLL_INTERVAL_MS: '200',
    OUTBOX_RETENTION_HOURS: '24',
    ...overrides,
  });
}

/** Starts an intake and a relay in this process, built by their factories (settings: intakeConfig, then `overrides`); both stop when the test file ends. */
export async function startIntake(
  pool: pg.Pool,
  topics: IntakeTopics,
  options: { groupId?: string; kafka?: Kafka; chunkSize?: number; overrides?: Record<string, string> } = {},
) {
  const kafka = options.kafka ?? testKafka();
  const groupId = options.groupId ?? randomName('intake');
  // TEST_LOG_LEVEL=debug shows the worker's own logs while a test is being debugged.
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const config = intakeConfig(topics, groupId, {
    ...(options.chunkSize === undefined ? {} : { INTAKE_CHUNK_SIZE: String(options.chunkSize) }),
    ...options.overrides,
  });
  const relay = createOutboxRelay(config, { kafka, pool, logger });
  const intake = createIntake(config, { kafka, pool, logger });
  await relay.start();
  await intake.start();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await intake.stop();
    await relay.stop();
  };
  onCleanup(stop);
  return { intake, relay, groupId, stop };
}

export interface ReceivedRecord {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly partition: number;
  readonly offset: string;
}

/** Collects every record of a topic; waitFor() resolves once a predicate over all received holds. */
export async function collect(topic: string, kafka: Kafka = testKafka()) {
  const received: ReceivedRecord[] = [];
  const waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  const consumer: Consumer = kafka.consumer({ groupId: randomName('collector') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      received.push({
        key: message.key?.toString() ?? null,
        value: message.value,
        headers: message.headers ?? {},
        partition,
        offset: message.offset,
      });
      for (const w of [...waiters]) if (w.check()) waiters.splice(waiters.indexOf(w), 1), w.resolve();
    },
  });
  onCleanup(() => consumer.disconnect());
  return {
    received,
    waitFor(check: (all: readonly ReceivedRecord[]) => boolean): Promise<void> {
      return new Promise((resolve) => {
        if (check(received)) resolve();
        else waiters.push({ check: () => check(received), resolve });
      });
    },
  };
}

/** The lifecycle events (io.flowthrough.order.status.v1) among the records of a status topic. */
export function statusEvents(records: readonly ReceivedRecord[]): StatusEvent[] {
  return records.filter((r) => headerText(r.headers, 'ce_type') === STATUS_EVENT_TYPE).map((r) => parseStatusEvent(r.headers, r.value));
}

/** Rejections of records that reused an accepted order's orderId (io.flowthrough.order.resend-rejected.v1): their data. */
export function resendRejections(records: readonly ReceivedRecord[]): Array<{ id: string | undefined; data: StatusEvent['data'] }> {
  return records
    .filter((r) => headerText(r.headers, 'ce_type') === RESEND_REJECTED_EVENT_TYPE)
    .map((r) => ({ id: headerText(r.headers, 'ce_id'), data: JSON.parse(r.value?.toString() ?? 'null') as StatusEvent['data'] }));
}

export function headerText(headers: IHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}
