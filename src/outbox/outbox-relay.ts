import { setTimeout as delay } from 'node:timers/promises';
import { type Admin, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { NotificationListener } from '../platform/db/notification-listener.js';
import { withTransaction } from '../platform/db/pool.js';
import { TransientError } from '../core/errors.js';
import type { Logger } from '../platform/logging/logger.js';
import type { ComponentHealth, WorkerService } from '../contracts/worker-service.js';
import { backoffDelay, DEFAULT_OUTBOX_RETRY, parksAfter, type OutboxRetryPolicy } from './outbox-backoff.js';
import { fitStatusRecords, recordsOf, type OutboxRow } from './outbox-records.js';
import { OUTBOX_CHANNEL } from './outbox-sql.js';
import { PartitionPublisher, type BrokerFailure, type PlannedRow, type RowFailure } from './partition-publisher.js';
import { partitionQueues, recordBytes, type PartitionQueue } from './publish-plan.js';
import { CLAIM, MARK, PRUNE, RECORD_FAILURES, RELAY_LOCK_KEY, TRY_LOCK } from './relay-sql.js';
import { describeSendFailure } from './send-failure.js';
import { TopicPartitions } from './topic-partitions.js';

export const DEFAULT_OUTBOX_MAX_BATCH_BYTES = 1_048_576;

export interface OutboxRelayOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly logger: Logger;
  /** Rows claimed per cycle (OUTBOX_BATCH_SIZE). */
  readonly batchSize: number;
  /** Longest wait between looks when no notification arrives. */
  readonly pollIntervalMs: number;
  readonly retentionHours: number;
  /** ce_source of status events whose headers the relay derives. */
  readonly statusSource: string;
  /** Record bytes per produce request of one partition (OUTBOX_MAX_BATCH_BYTES, default 1 MiB); a larger row goes alone. */
  readonly maxBatchBytes?: number;
  /** Refused attempts before a row is parked (OUTBOX_MAX_ATTEMPTS, default 5). */
  readonly maxAttempts?: number;
  /** First backoff ceiling, doubling per failure, of a refused row and of a cycle the broker failed (OUTBOX_RETRY_BASE_MS, default 1000). */
  readonly retryBaseMs?: number;
  /** Largest backoff (OUTBOX_RETRY_CAP_MS, default 30000). */
  readonly retryCapMs?: number;
  /**
   * Largest status event value (STATUS_EVENT_MAX_BYTES). The writers already
   * summarise a larger event's per-number results (a row written under a
   * higher limit is summarised on the way out); one still larger (items by
   * the thousand) is parked at once with an error that says so, never sent.
   * Absent: no limit.
   */
  readonly statusEventMaxBytes?: number;
  /** How long topic metadata (partition count, leaders) is reused (default 5 minutes, as kafkajs' metadataMaxAge). */
  readonly metadataMaxAgeMs?: number;
  /** Fault injection for crash tests: runs after Kafka acknowledged, before the rows are marked. */
  readonly afterPublish?: (ids: readonly string[]) => Promise<void> | void;
  /** Records published (a status row may hold several). */
  readonly onPublished?: (count: number) => void;
  /** Rows parked in one cycle (after OUTBOX_MAX_ATTEMPTS, or at once when they cannot be decoded). */
  readonly onParked?: (rows: readonly ParkedOutboxRow[]) => void;
}

/** A row the relay stopped trying: `flowthrough outbox retry` un-parks it. */
export interface ParkedOutboxRow {
  readonly id: string;
  readonly topic: string;
  readonly orderId: string | null;
  readonly eventIds: readonly string[];
  readonly attempts: number;
  readonly error: string;
}

interface CycleOutcome {
  readonly claimed: number;
  readonly publishedRows: number;
  readonly records: number;
  readonly failures: number;
  readonly brokerFailures: readonly BrokerFailure[];
}

interface RecordedFailure {
  id: string;
  topic: string;
  order_id: string | null;
  event_ids: string[] | null;
  attempts: number;
  last_error: string;
  next_attempt_at: Date;
  parked_at: Date | null;
}

/**
 * Publishes outbox rows to Kafka with the idempotent producer and marks them
 * published in the transaction that claimed them. Several relays may run: a
 * transaction-scoped advisory lock lets one publish at a time, so no row goes
 * out twice concurrently and per-key order holds.
 *
 * A cycle claims the oldest rows that are due, computes each record's
 * partition (kafkajs' default partitioner, so keys keep their partitions) and
 * sends each (topic, partition) on its own, in id order, in chunks of at most
 * maxBatchBytes; partitions go concurrently. Exactly the rows whose chunk was
 * acknowledged are marked, so a partition that fails never makes another's
 * rows go out twice. A chunk the broker refuses is narrowed to the row that
 * fails (its rows sent one by one, those before it published); that row is
 * retried with a capped backoff, the rows of its key waiting behind it, and
 * parked after maxAttempts: then everything behind it flows. A failure of the
 * broker itself stops that partition for the cycle, counts against no row,
 * and the relay retries with a capped backoff.
 *
 * A crash between publishing and marking republishes those rows (same
 * ce_id): at least once, never lost.
 */
export class OutboxRelay implements WorkerService {
  readonly name = 'outbox-relay';
  private readonly options: OutboxRelayOptions;
  private readonly policy: OutboxRetryPolicy;
  private readonly producer: Producer;
  private readonly publisher: PartitionPublisher;
  private readonly admin: Admin;
  private readonly partitions: TopicPartitions;
  private readonly listener: NotificationListener;
  private running = false;
  /** Consecutive failed cycles, and why the last one failed: the relay's readiness. */
  private failedCycles = 0;
  private lastFailure: string | null = null;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** False while backing off after a failed cycle: notifications do not cut the wait short. */
  private wakeOnNotify = true;
  private lastPrune = 0;
  private notified = false;

  constructor(options: OutboxRelayOptions) {
    this.options = options;
    this.policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_OUTBOX_RETRY.maxAttempts,
      baseMs: options.retryBaseMs ?? DEFAULT_OUTBOX_RETRY.baseMs,
      capMs: options.retryCapMs ?? DEFAULT_OUTBOX_RETRY.capMs,
    };
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Unused (every send names its partition, topic-partitions.ts); named so kafkajs has no default to warn about.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.publisher = new PartitionPublisher(this.producer, options.maxBatchBytes ?? DEFAULT_OUTBOX_MAX_BATCH_BYTES);
    this.admin = options.kafka.admin();
    this.partitions = new TopicPartitions(this.admin, options.metadataMaxAgeMs);
    this.listener = new NotificationListener({
      pool: options.pool,
      channel: OUTBOX_CHANNEL,
      logger: options.logger,
      onNotification: () => this.notify(),
      // Rows committed while the connection was down announced themselves to nobody.
      onReconnected: () => this.notify(),
    });
  }

  private notify(): void {
    this.notified = true;
    if (this.wakeOnNotify) this.wake?.();
  }

  /** Ready when it listens for new rows and its last cycle published (or had nothing to publish). */
  health(): ComponentHealth {
    if (!this.running) return { ready: false, detail: 'not running' };
    if (!this.listener.listening)
      return { ready: false, detail: `PostgreSQL LISTEN connection down: ${this.listener.lastProblem ?? 'reconnecting'}` };
    if (this.failedCycles > 0)
      return { ready: false, detail: `${this.failedCycles} failed cycle(s); last: ${this.lastFailure ?? 'unknown'}` };
    return { ready: true };
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.admin.connect();
    await this.listener.start();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener.stop();
    await this.admin.disconnect();
    await this.producer.disconnect();
  }

  /**
   * Publishes until nothing is due (or another relay holds the lock); returns
   * the rows published. Throws a TransientError when the broker failed some
   * partition: the rows it did take are marked, the others wait.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const cycle = await this.publishBatch();
      if (cycle === null) return total;
      total += cycle.publishedRows;
      if (cycle.brokerFailures.length > 0) throw brokerError(cycle.brokerFailures);
      if (cycle.claimed < this.options.batchSize) return total;
      if (cycle.publishedRows === 0 && cycle.failures === 0) return total;
    }
  }

  private async run(): Promise<void> {
    const { logger, pollIntervalMs } = this.options;
    while (this.running) {
      this.notified = false;
      let wait = pollIntervalMs;
      try {
        await this.drain();
        await this.pruneNowAndThen();
        this.failedCycles = 0;
        this.lastFailure = null;
        this.wakeOnNotify = true;
      } catch (error) {
        this.failedCycles += 1;
        const failedCycles = this.failedCycles;
        this.lastFailure = error instanceof Error ? error.message : String(error);
        wait = backoffDelay(this.policy, failedCycles);
        this.wakeOnNotify = false;
        if (error instanceof TransientError) {
          logger.warn(
            { err: error.cause, ...error.context, failedCycles, retryInMs: wait },
            `${error.message}; nothing counts against the rows, retrying in ${wait} ms`,
          );
        } else {
          logger.error({ err: error, failedCycles, retryInMs: wait }, `outbox relay cycle failed; retrying in ${wait} ms`);
        }
      }
      if (!this.running) break;
      if (this.wakeOnNotify && this.notified) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One claim-publish-mark cycle, or null when another relay holds the lock. */
  private async publishBatch(): Promise<CycleOutcome | null> {
    let parked: RecordedFailure[] = [];
    let recorded: RecordedFailure[] = [];
    const parkedNow = new Map<string, Unpublishable>();
    const outcome = await withTransaction(this.options.pool, async (client): Promise<CycleOutcome | null> => {
      const { rows: lock } = await client.query<{ locked: boolean }>(TRY_LOCK, [RELAY_LOCK_KEY]);
      if (!lock[0]?.locked) return null;
      const { rows } = await client.query<OutboxRow>(CLAIM, [this.options.batchSize]);
      if (rows.length === 0) return { claimed: 0, publishedRows: 0, records: 0, failures: 0, brokerFailures: [] };

      const { planned, unpublishable, brokerFailures } = await this.plan(rows);
      const queues = partitionQueues(planned);
      const settled = await Promise.allSettled(queues.map((queue) => this.publisher.publish(queue, () => this.running)));
      const acked: PlannedRow[] = [];
      const failures: RowFailure[] = [...unpublishable];
      settled.forEach((s, i) => {
        if (s.status === 'rejected') {
          // publishPartition does not throw; should it, its rows simply wait.
          const queue = queues[i] as PartitionQueue<PlannedRow>;
          brokerFailures.push({ topic: queue.topic, partition: queue.partition, error: s.reason });
          return;
        }
        acked.push(...s.value.acked);
        if (s.value.refused) failures.push(s.value.refused);
        if (s.value.brokerFailure) brokerFailures.push(s.value.brokerFailure);
      });
      for (const f of brokerFailures) this.partitions.invalidate(f.topic);

      if (acked.length > 0) {
        const ids = acked.map((p) => p.row.id);
        await this.options.afterPublish?.(ids);
        await client.query(MARK, [ids]);
      }
      for (const f of unpublishable) parkedNow.set(f.row.id, f.why);
      if (failures.length > 0) {
        recorded = (await client.query<RecordedFailure>(RECORD_FAILURES, this.failureParameters(failures))).rows;
        parked = recorded.filter((r) => r.parked_at !== null);
      }
      return {
        claimed: rows.length,
        publishedRows: acked.length,
        records: acked.reduce((n, p) => n + p.messages.length, 0),
        failures: failures.length,
        brokerFailures,
      };
    });
    if (outcome === null) {
      await delay(50);
      return null;
    }
    if (outcome.records > 0) this.options.onPublished?.(outcome.records);
    this.report(recorded, parkedNow);
    if (parked.length > 0) {
      this.options.onParked?.(
        parked.map((r) => ({
          id: r.id,
          topic: r.topic,
          orderId: r.order_id,
          eventIds: r.event_ids ?? [],
          attempts: r.attempts,
          error: r.last_error,
        })),
      );
    }
    return outcome;
  }

  /** The claimed rows' records and partitions; rows that cannot be published (undecodable, too large), and topics whose metadata cannot be read, aside. */
  private async plan(
    rows: readonly OutboxRow[],
  ): Promise<{ planned: PlannedRow[]; unpublishable: UnpublishableRow[]; brokerFailures: BrokerFailure[] }> {
    const unpublishable: UnpublishableRow[] = [];
    const decoded: Array<{ row: OutboxRow; messages: Message[] }> = [];
    const maxEventBytes = this.options.statusEventMaxBytes ?? Number.POSITIVE_INFINITY;
    for (const row of rows) {
      let messages: Message[];
      try {
        messages = recordsOf(row, this.options.statusSource);
      } catch (error) {
        unpublishable.push({ row, partition: null, error: describeSendFailure(error), parkNow: true, why: 'undecodable' });
        continue;
      }
      const fitted = fitStatusRecords(row, messages, maxEventBytes);
      if ('tooLarge' in fitted) {
        const error = `status_event_too_large: a status event of ${fitted.tooLarge} bytes exceeds STATUS_EVENT_MAX_BYTES (${maxEventBytes}) even with its per-number results summarised`;
        unpublishable.push({ row, partition: null, error, parkNow: true, why: 'oversized' });
        continue;
      }
      decoded.push({ row, messages: fitted.messages });
    }
    const topics = await this.partitions.lookup(decoded.map((d) => d.row.topic));
    const brokerFailures: BrokerFailure[] = [];
    for (const [topic, lookup] of topics) if (!lookup.ok) brokerFailures.push({ topic, partition: null, error: lookup.error });
    const planned: PlannedRow[] = [];
    for (const { row, messages } of decoded) {
      const lookup = topics.get(row.topic);
      if (!lookup?.ok) continue;
      const partition = this.partitions.partitionOf(row.topic, lookup.partitions, row.message_key);
      planned.push({
        row,
        topic: row.topic,
        partition,
        messages: messages.map((m) => ({ ...m, partition })),
        bytes: messages.reduce((n, m) => n + recordBytes(m.key ?? null, m.value, m.headers ?? {}), 0),
      });
    }
    return { planned, unpublishable, brokerFailures };
  }

  private failureParameters(failures: readonly RowFailure[]): unknown[] {
    const attempts = failures.map((f) => f.row.attempts + 1);
    return [
      failures.map((f) => f.row.id),
      failures.map((f) => f.error),
      failures.map((f, i) => (f.parkNow ? 0 : backoffDelay(this.policy, attempts[i] as number))),
      failures.map((f, i) => f.parkNow || parksAfter(this.policy, attempts[i] as number)),
    ];
  }

  /** One line per refused row: a warning while it is retried, an error that says what to do once it is parked. */
  private report(recorded: readonly RecordedFailure[], parkedNow: ReadonlyMap<string, Unpublishable>): void {
    const { logger } = this.options;
    for (const r of recorded) {
      const context = {
        outboxId: r.id,
        topic: r.topic,
        orderId: r.order_id,
        eventIds: r.event_ids,
        attempts: r.attempts,
        error: r.last_error,
      };
      if (parkedNow.get(r.id) === 'oversized') {
        logger.error(
          context,
          `outbox row ${r.id} parked: ${r.last_error}, so it was not sent; the rows behind it are published without it; ` +
            `see "flowthrough outbox list --parked"; raise STATUS_EVENT_MAX_BYTES (below the status topic's max.message.bytes) and restart, then "flowthrough outbox retry ${r.id}"`,
        );
      } else if (parkedNow.has(r.id)) {
        logger.error(
          context,
          `outbox row ${r.id} parked: it cannot be decoded as stored (${r.last_error}), so no retry can publish it; the rows behind it are published without it; ` +
            `see "flowthrough outbox list --parked" and report it (a row written by hand, by another version, or a bug)`,
        );
      } else if (r.parked_at === null) {
        logger.warn(
          { ...context, maxAttempts: this.policy.maxAttempts, nextAttemptAt: r.next_attempt_at.toISOString() },
          `outbox row ${r.id} refused by Kafka (attempt ${r.attempts} of ${this.policy.maxAttempts}): ${r.last_error}; retrying at ${r.next_attempt_at.toISOString()}, the rows of its key wait behind it`,
        );
      } else {
        logger.error(
          context,
          `outbox row ${r.id} parked after ${r.attempts} refused attempt(s) (${r.last_error}): the relay skips it and the rows behind it are published without it; ` +
            `see "flowthrough outbox list --parked", fix the cause (a record too large: the topic's max.message.bytes), then "flowthrough outbox retry ${r.id}"`,
        );
      }
    }
  }

  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    const result = await this.options.pool.query(PRUNE, [this.options.retentionHours]);
    if (result.rowCount) this.options.logger.info({ pruned: result.rowCount }, 'pruned published outbox rows');
  }
}

/** Why a row was parked before any send: it does not decode, or a status event in it is over STATUS_EVENT_MAX_BYTES. */
type Unpublishable = 'undecodable' | 'oversized';

interface UnpublishableRow extends RowFailure {
  readonly why: Unpublishable;
}

/** The broker failed these partitions: one error naming them and the first cause. */
function brokerError(failures: readonly BrokerFailure[]): TransientError {
  const where = [...new Set(failures.map((f) => (f.partition === null ? f.topic : `${f.topic}[${f.partition}]`)))].join(', ');
  return new TransientError(
    'outbox_broker_failed',
    `outbox relay: Kafka did not take the records for ${where} (${describeSendFailure(failures[0]?.error)}); check the broker and KAFKA_BROKERS`,
    {
      cause: failures[0]?.error,
      context: { partitions: where },
    },
  );
}
