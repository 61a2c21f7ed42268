import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/pool.js';
import type { Logger } from '../logging/logger.js';

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
  readonly sessionTimeout?: number;
  readonly partitionsConsumedConcurrently?: number;
  /** Fault injection for crash tests: runs after the database commit, before the offset commit. */
  readonly afterDatabaseCommit?: (records: readonly ConsumedRecord[]) => Promise<void> | void;
}

// The row exists before it is locked, so even a partition's first chunk is
// serialised against a second consumer of the same partition (a rebalance).
const ENSURE_OFFSET_ROW = `
  INSERT INTO consumer_offsets (group_id, topic, partition, next_offset)
  VALUES ($1, $2, $3, -1) ON CONFLICT DO NOTHING`;

const SELECT_NEXT_OFFSET = `
  SELECT next_offset::text AS next_offset FROM consumer_offsets
   WHERE group_id = $1 AND topic = $2 AND partition = $3
   FOR UPDATE`;

const UPSERT_NEXT_OFFSET = `
  INSERT INTO consumer_offsets (group_id, topic, partition, next_offset, updated_at)
  VALUES ($1, $2, $3, $4, now())
  ON CONFLICT (group_id, topic, partition)
  DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`;

/**
 * A kafkajs consumer whose effects and offsets commit together in PostgreSQL;
 * the Kafka offset is committed only after that transaction. Records at or
 * past the stored offset are applied; earlier ones (redelivered after a crash
 * between the two commits) are skipped, so each record takes effect once.
 */
export class TransactionalBatchConsumer {
  private readonly consumer: Consumer;
  private readonly options: TransactionalBatchConsumerOptions;
  private readonly chunkSize: number;
  private readonly chunkBytes: number;

  constructor(options: TransactionalBatchConsumerOptions) {
    this.options = options;
    this.chunkSize = options.chunkSize ?? 500;
    this.chunkBytes = options.chunkBytes ?? Number.POSITIVE_INFINITY;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeout ?? 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      // A fetch is held in memory whole: 1 MiB per partition keeps it small and
      // gives every partition in flight its share of each fetch (with 4 MiB, an
      // 8 MiB fetch served two partitions and left the third idle). A record
      // batch above the limit still comes whole (the broker returns the first
      // batch regardless, KIP-74): the 10,000-number order (~2.5 MB) test holds it.
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 8 * 1024 * 1024,
    });
  }

  get kafkaConsumer(): Consumer {
    return this.consumer;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Stops fetching, lets the batch in hand finish and commit, leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const log = this.options.logger.child({ topic, partition });
    for (let start = 0; start < batch.messages.length; ) {
      if (!isRunning() || isStale()) return;
      const end = chunkEnd(batch.messages, start, this.chunkSize, this.chunkBytes);
      const chunk = batch.messages.slice(start, end);
      start = end;
      const records = chunk.map((message) => ({ topic, partition, offset: message.offset, message }));
      const last = records.at(-1);
      if (!last) continue;
      const nextOffset = (BigInt(last.offset) + 1n).toString();
      const applied = await this.applyChunk(records, nextOffset);
      log.debug({ first: records[0]?.offset, last: last.offset, applied }, 'chunk committed to PostgreSQL');
      await this.options.afterDatabaseCommit?.(records);
      resolveOffset(last.offset);
      // The payload's commit works while the consumer is stopping (consumer.commitOffsets
      // would silently skip), so a batch finished during shutdown still commits.
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] });
      await heartbeat();
    }
  }

  private async applyChunk(records: readonly ConsumedRecord[], nextOffset: string): Promise<number> {
    const { pool, groupId, apply } = this.options;
    const first = records[0];
    if (!first) return 0;
    return withTransaction(pool, async (client) => {
      await client.query(ENSURE_OFFSET_ROW, [groupId, first.topic, first.partition]);
      const { rows } = await client.query<{ next_offset: string }>(SELECT_NEXT_OFFSET, [groupId, first.topic, first.partition]);
      const stored = rows[0] ? BigInt(rows[0].next_offset) : -1n;
      const fresh = records.filter((r) => BigInt(r.offset) >= stored);
      if (fresh.length > 0) await apply(client, fresh);
      await client.query(UPSERT_NEXT_OFFSET, [groupId, first.topic, first.partition, nextOffset]);
      return fresh.length;
    });
  }
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
