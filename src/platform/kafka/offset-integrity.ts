/**
 * Whether a stored offset still belongs to the log a batch comes from: the
 * pure decisions of the intake's offset checks (no I/O here).
 *
 * The intake stores the next offset per partition in PostgreSQL with its
 * effects and skips records below it as already applied. That is right only
 * while the offset and the log belong together. They part when the topic is
 * recreated or the cluster replaced (offsets start again at 0), when retention
 * deleted records before they were applied, or when Kafka's committed offset
 * for the group runs ahead of PostgreSQL's. Then skipping would lose records
 * without a trace; instead the partition stops, loudly, until an operator
 * resets it (`flowthrough offsets reset`).
 *
 * Kafka topic ids would tell a recreated topic from the old one, but kafkajs
 * 2.2.4 exposes none (not in metadata, fetch or offset responses): so the
 * offset carries a digest of the last record applied (offset next - 1), and
 * when that record comes by again it is compared.
 */
import { createHash } from 'node:crypto';

/** Why a partition was stopped; stored in consumer_offsets.stopped_reason (the migration's CHECK lists them). */
export const STOP_REASONS = ['beyond_log_end', 'below_log_start', 'kafka_offset_ahead', 'different_record'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export function isStopReason(value: string): value is StopReason {
  return (STOP_REASONS as readonly string[]).includes(value);
}

/** What identifies a record: the bytes and time Kafka keeps for it. */
export interface DigestibleRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
}

function field(hash: ReturnType<typeof createHash>, bytes: Buffer | null): void {
  const head = Buffer.alloc(5);
  head.writeUInt8(bytes === null ? 0 : 1, 0);
  head.writeUInt32BE(bytes?.length ?? 0, 1);
  hash.update(head);
  if (bytes) hash.update(bytes);
}

/** sha256 of key, value and timestamp, each length-prefixed (a null key differs from an empty one). */
export function recordDigest(record: DigestibleRecord): Buffer {
  const hash = createHash('sha256');
  hash.update('flowthrough-record-v1');
  field(hash, record.key);
  field(hash, record.value);
  field(hash, Buffer.from(record.timestamp, 'utf8'));
  return hash.digest();
}

/** The stored state of one partition, as the intake reads it (locked) before a chunk. */
export interface StoredOffset {
  /** Next offset to apply; -1: nothing applied yet (a new group). */
  readonly next: bigint;
  readonly digest: Buffer | null;
  readonly stoppedReason: StopReason | null;
  readonly stoppedDetail: string | null;
  readonly resetPending: boolean;
}

/** What a batch tells about the log, besides its records. */
export interface BatchFacts {
  /** The offset kafkajs fetched from (its position for the partition). */
  readonly fetchedOffset: bigint;
  readonly highWatermark: bigint;
  /** Offset of the first record handed over. */
  readonly firstOffset: bigint;
  /**
   * The position was reached from one this consumer knows (its own previous
   * batch, a filtered batch kafkajs passed over, or its own seek): offsets
   * between the stored one and the fetched one held no data record.
   */
  readonly positionExplained: boolean;
  /** The record at an offset, when this batch holds it. */
  recordAt(offset: bigint): DigestibleRecord | undefined;
}

export type BatchVerdict =
  /** Apply records at or past `stored.next`, skip the ones before (already applied). */
  | { readonly kind: 'apply'; readonly clearsReset: boolean }
  /** Read the partition again from `to` (the stored offset); apply nothing from this batch. */
  | { readonly kind: 'seek'; readonly to: bigint }
  /** The position is ahead of the stored offset for no reason this consumer knows: ask the broker (judgeAhead). */
  | { readonly kind: 'ask-broker' }
  | { readonly kind: 'stop'; readonly reason: StopReason; readonly detail: string };

/**
 * The checks before a chunk is applied. No false alarm in the legitimate cases:
 * - a new group (next -1): nothing to check;
 * - a normal restart: Kafka's committed offset = the stored one, the batch
 *   starts there, record next-1 does not come by;
 * - a crash between the PostgreSQL and the Kafka commit: the batch starts
 *   before the stored offset, the records up to it are skipped, and record
 *   next-1 comes by with the digest it was stored with;
 * - transaction markers, aborted records, compaction: offsets without a data
 *   record; kafkajs hands over the next data record, beyond the stored offset,
 *   but from a position at or before it (or one this consumer explains);
 * - record next-1 deleted by retention while next >= the log start: it never
 *   comes by, so it is not compared (nothing is lost either);
 * - a reset by an operator: the digest is cleared; until the intake has read
 *   from the new offset, a position elsewhere is corrected by a seek.
 */
export function judgeBatch(stored: StoredOffset, batch: BatchFacts): BatchVerdict {
  if (stored.stoppedReason !== null)
    return { kind: 'stop', reason: stored.stoppedReason, detail: stored.stoppedDetail ?? stored.stoppedReason };
  const next = stored.next;
  if (next < 0n) return { kind: 'apply', clearsReset: stored.resetPending };
  if (stored.resetPending) {
    // An operator set the offset; the consumer may not have moved there yet (it polls).
    if (batch.fetchedOffset > next) return { kind: 'seek', to: next };
    return { kind: 'apply', clearsReset: true };
  }
  if (next > batch.highWatermark) {
    return {
      kind: 'stop',
      reason: 'beyond_log_end',
      detail: `stored offset ${next} is beyond the log end ${batch.highWatermark}: the topic was recreated or the cluster replaced (offsets started again), or records were lost`,
    };
  }
  if (stored.digest !== null && next > 0n) {
    const last = batch.recordAt(next - 1n);
    if (last !== undefined && !recordDigest(last).equals(stored.digest)) {
      return {
        kind: 'stop',
        reason: 'different_record',
        detail: `the record at offset ${next - 1n} is not the one applied there: the topic was recreated or the cluster replaced, so the stored offset ${next} belongs to another log`,
      };
    }
  }
  if (batch.firstOffset > next && batch.fetchedOffset > next && !batch.positionExplained) return { kind: 'ask-broker' };
  return { kind: 'apply', clearsReset: false };
}

/**
 * The position is ahead of the stored offset and nothing here explains it.
 * Below the log start: retention deleted records before they were applied.
 * Kafka's committed offset ahead of PostgreSQL's: someone moved it (our own
 * commits follow the PostgreSQL commit and never pass it). Otherwise (kafkajs
 * reset a position it found out of range, or a group whose Kafka offsets
 * expired): the records are still in the log, so read them from the stored offset.
 */
export function judgeAhead(next: bigint, logStart: bigint, committed: bigint | null, groupId: string): BatchVerdict {
  if (next < logStart) {
    return {
      kind: 'stop',
      reason: 'below_log_start',
      detail: `stored offset ${next} is below the log start ${logStart}: records ${next}…${logStart - 1n} were deleted (retention) before the intake applied them`,
    };
  }
  if (committed !== null && committed > next) {
    return {
      kind: 'stop',
      reason: 'kafka_offset_ahead',
      detail: `Kafka's committed offset ${committed} for group ${groupId} is ahead of the stored offset ${next}: records ${next}…${committed - 1n} would be skipped`,
    };
  }
  return { kind: 'seek', to: next };
}

/** Checks at assignment, before any batch: a stored offset outside [log start, log end]. */
export function judgeRange(next: bigint, logStart: bigint, logEnd: bigint): { reason: StopReason; detail: string } | null {
  if (next < 0n) return null;
  if (next > logEnd) {
    return {
      reason: 'beyond_log_end',
      detail: `stored offset ${next} is beyond the log end ${logEnd}: the topic was recreated or the cluster replaced (offsets started again), or records were lost`,
    };
  }
  if (next < logStart) {
    return {
      reason: 'below_log_start',
      detail: `stored offset ${next} is below the log start ${logStart}: records ${next}…${logStart - 1n} were deleted (retention) before the intake applied them`,
    };
  }
  return null;
}

/** The command an operator runs for a stopped partition, in the words of the log line. */
export function fixCommand(reason: StopReason, partition: number, next: bigint): string {
  const reset = `flowthrough offsets reset --partition ${partition}`;
  switch (reason) {
    case 'kafka_offset_ahead':
      return `${reset} --to ${next} (read from the stored offset: nothing skipped) or --to latest (skip)`;
    case 'below_log_start':
      return `${reset} --to earliest (the deleted records are lost: have the BSS send them again)`;
    case 'beyond_log_end':
    case 'different_record':
      return `${reset} --to earliest (apply the new log; orders already applied are recognised by orderId)`;
  }
}
