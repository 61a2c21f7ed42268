import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { retryDelayMs, type RetrySchedule } from '../time/backoff.js';
import { withTransaction } from '../db/pool.js';
import type { Logger } from '../logging/logger.js';
import { OffsetGuard, type PartitionStop } from './offset-guard.js';
import { judgeBatch, recordDigest, type BatchFacts, type StopReason } from './offset-integrity.js';
import { advanceStoredOffset, lockStoredOffset, storeStop, type PartitionKey } from './offset-store.js';

export type { PartitionStop } from './offset-guard.js';
export type { StopReason } from './offset-integrity.js';

/** Whether the consumer consumes now, and if not, why. */
export interface ConsumerHealth {
  readonly ready: boolean;
  readonly detail?: string;
  /** Partitions of the topic assigned to this member at its last join. */
  readonly partitions: readonly number[];
  /** Assigned partitions stopped by an offset check (paused until an operator resets them). */
  readonly stopped: readonly PartitionStop[];
}

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly message: KafkaMessage;
}

/** Applies a chunk of records inside the open transaction. Must not commit. */
export type ApplyRecords = (client: PoolClient, records: readonly ConsumedRecord[]) => Promise<void>;

export interface TransactionalBatchConsumerOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly groupId: string;
  readonly topic: string;
  readonly apply: ApplyRecords;
  /** Records per transaction; a batch larger than this is applied in several transactions. */
  readonly chunkSize?: number;
  /** Record value bytes per transaction, at most (a larger record goes alone): bounds what a chunk holds in memory. */
  readonly chunkBytes?: number;
  readonly fromBeginning?: boolean;
  /** Group membership timings; kafkajs' session 30 s, heartbeat 3 s, rebalance 60 s when absent. */
  readonly group?: { readonly sessionTimeoutMs?: number; readonly heartbeatIntervalMs?: number; readonly rebalanceTimeoutMs?: number };
  readonly partitionsConsumedConcurrently?: number;
  /** Fault injection for crash tests: runs after the database commit, before the offset commit. */
  readonly afterDatabaseCommit?: (records: readonly ConsumedRecord[]) => Promise<void> | void;
  /** The consumer crashed; `restartInMs` is when it starts again (by kafkajs or by us). */
  readonly onCrash?: (error: Error, restartInMs: number) => void;
  /** Backoff of restarts after crashes kafkajs does not restart from itself. */
  readonly restart?: RetrySchedule;
  /**
   * An offset check stopped a partition (or found it stopped after a restart
   * or rebalance): its stored offset is outside the log, or the log is not
   * the one the offset belongs to. Once per partition until it resumes.
   */
  readonly onPartitionStopped?: (partition: number, reason: StopReason) => void;
  /** A stopped partition is no longer stopped here: an operator reset it, or it is assigned elsewhere now. */
  readonly onPartitionResumed?: (partition: number) => void;
  /** How often the stored offsets are read for an operator's reset (flowthrough offsets reset); default 3 s. */
  readonly resetPollMs?: number;
}

const DEFAULT_RESTART: RetrySchedule = { baseMs: 1_000, capMs: 30_000 };

/** What a chunk's transaction did. */
type ChunkOutcome =
  | { readonly kind: 'applied'; readonly applied: number }
  | { readonly kind: 'seek'; readonly to: bigint }
  | { readonly kind: 'stopped'; readonly reason: StopReason; readonly detail: string; readonly next: bigint; readonly found: boolean };

/**
 * A kafkajs consumer whose effects and offsets commit together in PostgreSQL;
 * the Kafka offset is committed only after that transaction. Records at or
 * past the stored offset are applied; earlier ones (redelivered after a crash
 * between the two commits) are skipped, so each record takes effect once.
 *
 * Skipping is right only while the stored offset belongs to the log: before
 * each chunk it is checked (offset-integrity.ts), and a partition whose offset
 * is outside its log, or whose log was replaced, is stopped (paused, named in
 * health(), logged, onPartitionStopped) until an operator resets it; the other
 * partitions go on.
 */
export class TransactionalBatchConsumer {
  private readonly consumer: Consumer;
  private readonly options: TransactionalBatchConsumerOptions;
  private readonly chunkSize: number;
  private readonly chunkBytes: number;
  /** start() was called and stop() was not: a crashed consumer is restarted. */
  private wanted = false;
  private joined = false;
  private partitions: number[] = [];
  private problem: string | null = null;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly guard: OffsetGuard;

  constructor(options: TransactionalBatchConsumerOptions) {
    this.options = options;
    this.chunkSize = options.chunkSize ?? 500;
    this.chunkBytes = options.chunkBytes ?? Number.POSITIVE_INFINITY;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.group?.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.group?.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeout: options.group?.rebalanceTimeoutMs ?? 60_000,
      allowAutoTopicCreation: false,
      // A fetch is held in memory whole: 1 MiB per partition keeps it small and
      // gives every partition in flight its share of each fetch (with 4 MiB, an
      // 8 MiB fetch served two partitions and left the third idle). A record
      // batch above the limit still comes whole (the broker returns the first
      // batch regardless, KIP-74): the 10,000-number order (~2.5 MB) test holds it.
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 8 * 1024 * 1024,
    });
    this.guard = new OffsetGuard({
      consumer: this.consumer,
      kafka: options.kafka,
      pool: options.pool,
      logger: options.logger,
      groupId: options.groupId,
      topic: options.topic,
      resetPollMs: options.resetPollMs ?? 3_000,
      ...(options.onPartitionStopped ? { onPartitionStopped: options.onPartitionStopped } : {}),
      ...(options.onPartitionResumed ? { onPartitionResumed: options.onPartitionResumed } : {}),
    });
  }

  get kafkaConsumer(): Consumer {
    return this.consumer;
  }

  health(): ConsumerHealth {
    if (!this.wanted) return { ready: false, detail: 'not started', partitions: [], stopped: [] };
    if (!this.joined) return { ready: false, detail: this.problem ?? 'joining its consumer group', partitions: [], stopped: [] };
    const stopped = this.guard.stops(this.partitions);
    if (stopped.length > 0) {
      const detail = stopped
        .map((s) => `partition ${s.partition} of ${this.options.topic} stopped (${s.reason}): ${s.detail}; fix: ${s.fix}`)
        .join('; ');
      return { ready: false, detail, partitions: this.partitions, stopped };
    }
    return { ready: true, partitions: this.partitions, stopped };
  }

  async start(): Promise<void> {
    this.wanted = true;
    this.watch();
    this.guard.start();
    await this.run();
  }

  /** Stops fetching, lets the batch in hand finish and commit, leaves the group. */
  async stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    await this.consumer.disconnect();
    await this.guard.stop();
  }

  private async run(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private watched = false;

  /**
   * kafkajs restarts a crashed consumer only after retriable errors; after
   * any other (a broker away longer than its retries, say) the consumer
   * stays dead. Here every crash ends in a restart with capped backoff, for
   * as long as the service is wanted, and readiness says what happened.
   */
  private watch(): void {
    if (this.watched) return;
    this.watched = true;
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.partitions = [...(payload.memberAssignment[this.options.topic] ?? [])].sort((a, b) => a - b);
      this.problem = null;
      this.restarts = 0;
      this.guard.onJoin(this.partitions);
    });
    // kafkajs passes over batches of transaction markers or aborted records
    // itself (they never reach eachBatch); its position moves past them.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== this.options.topic || payload.batchSize !== 0) return;
      this.guard.batchFiltered(
        payload.partition,
        payload.firstOffset === null ? null : BigInt(payload.firstOffset),
        BigInt(payload.lastOffset),
      );
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.problem = `${payload.error.name}: ${payload.error.message}`;
      if (!this.wanted) return;
      if (payload.restart) {
        this.options.onCrash?.(payload.error, 0);
        this.options.logger.warn({ err: payload.error }, 'intake consumer crashed; kafkajs restarts it');
        return;
      }
      this.scheduleRestart(payload.error);
    });
  }

  private scheduleRestart(error: Error): void {
    this.restarts += 1;
    const delay = retryDelayMs(this.options.restart ?? DEFAULT_RESTART, this.restarts, Math.random);
    this.options.onCrash?.(error, delay);
    this.options.logger.error(
      { err: error, attempt: this.restarts, restartInMs: delay },
      `intake consumer stopped (${error.name}: ${error.message}); restarting it in ${delay} ms — if this repeats, check that the brokers in KAFKA_BROKERS answer`,
    );
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (!this.wanted) return;
    try {
      await this.consumer.disconnect().catch(() => undefined);
      if (!this.wanted) return;
      await this.run();
    } catch (error) {
      if (!this.wanted) return;
      this.problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.scheduleRestart(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    // Paused: a batch fetched before the pause is dropped unresolved, so it comes again after a reset.
    if (this.guard.isStopped(partition)) return;
    const log = this.options.logger.child({ topic, partition });
    const facts = batchFacts(batch);
    for (let start = 0; start < batch.messages.length; ) {
      if (!isRunning() || isStale()) return;
      const end = chunkEnd(batch.messages, start, this.chunkSize, this.chunkBytes);
      const chunk = batch.messages.slice(start, end);
      start = end;
      const records = chunk.map((message) => ({ topic, partition, offset: message.offset, message }));
      const last = records.at(-1);
      if (!last) continue;
      const nextOffset = (BigInt(last.offset) + 1n).toString();
      const outcome = await this.applyChunk(records, nextOffset, facts);
      if (outcome.kind === 'stopped') {
        this.guard.markStopped(partition, outcome.reason, outcome.detail, outcome.next, outcome.found ? { since: null } : null);
        return;
      }
      if (outcome.kind === 'seek') {
        this.guard.seek(partition, outcome.to, "the stored offset; Kafka's position was elsewhere");
        return;
      }
      log.debug({ first: records[0]?.offset, last: last.offset, applied: outcome.applied }, 'chunk committed to PostgreSQL');
      await this.options.afterDatabaseCommit?.(records);
      resolveOffset(last.offset);
      // The payload's commit works while the consumer is stopping (consumer.commitOffsets
      // would silently skip), so a batch finished during shutdown still commits.
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] });
      await heartbeat();
    }
    this.guard.batchDone(partition, BigInt(batch.lastOffset()));
  }

  private async applyChunk(
    records: readonly ConsumedRecord[],
    nextOffset: string,
    facts: Omit<BatchFacts, 'positionExplained'>,
  ): Promise<ChunkOutcome> {
    const { pool, groupId, apply } = this.options;
    const first = records[0];
    const last = records.at(-1);
    if (!first || !last) return { kind: 'applied', applied: 0 };
    const key: PartitionKey = { groupId, topic: first.topic, partition: first.partition };
    return withTransaction(pool, async (client): Promise<ChunkOutcome> => {
      const stored = await lockStoredOffset(client, key);
      let verdict = judgeBatch(stored, {
        ...facts,
        positionExplained: this.guard.explains(key.partition, facts.fetchedOffset, stored.next),
      });
      if (verdict.kind === 'ask-broker') verdict = await this.guard.judgeAhead(key.partition, stored.next);
      switch (verdict.kind) {
        case 'ask-broker':
        case 'seek':
          return { kind: 'seek', to: verdict.kind === 'seek' ? verdict.to : stored.next };
        case 'stop': {
          const found = stored.stoppedReason !== null;
          if (!found) await storeStop(client, key, verdict.reason, verdict.detail, stored.next);
          return { kind: 'stopped', reason: verdict.reason, detail: verdict.detail, next: stored.next, found };
        }
        case 'apply':
          break;
      }
      const fresh = records.filter((r) => BigInt(r.offset) >= stored.next);
      if (fresh.length > 0) await apply(client, fresh);
      // Never backwards: a redelivered chunk that was all skipped leaves the stored offset (and its digest) where it is.
      const next = BigInt(nextOffset);
      const advances = next > stored.next;
      await advanceStoredOffset(
        client,
        key,
        advances ? next : stored.next,
        advances ? recordDigest(last.message) : null,
        verdict.clearsReset,
      );
      return { kind: 'applied', applied: fresh.length };
    });
  }
}

/** What the batch tells about the log: where kafkajs fetched from, the high watermark, its records by offset. */
function batchFacts(batch: Batch): Omit<BatchFacts, 'positionExplained'> {
  const { messages } = batch;
  const firstOffset = BigInt(messages[0]?.offset ?? batch.highWatermark);
  // kafkajs' Batch keeps the offset it fetched from (not in its typings, stable in 2.2.4).
  const fetched = (batch as Batch & { fetchedOffset?: string }).fetchedOffset;
  return {
    fetchedOffset: fetched === undefined ? firstOffset : BigInt(fetched),
    highWatermark: BigInt(batch.highWatermark),
    firstOffset,
    recordAt: (offset) => {
      let lo = 0;
      let hi = messages.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const message = messages[mid];
        if (!message) return undefined;
        const at = BigInt(message.offset);
        if (at === offset) return { key: message.key ?? null, value: message.value, timestamp: message.timestamp };
        if (at < offset) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    },
  };
}

/** Where the chunk that starts at `start` ends: at most `maxRecords` records and `maxBytes` value bytes, never empty. */
export function chunkEnd(messages: ReadonlyArray<{ value: Buffer | null }>, start: number, maxRecords: number, maxBytes: number): number {
  let end = start;
  let bytes = 0;
  while (end < messages.length && end - start < maxRecords) {
    const size = messages[end]?.value?.length ?? 0;
    if (end > start && bytes + size > maxBytes) break;
    bytes += size;
    end += 1;
  }
  return end;
}
