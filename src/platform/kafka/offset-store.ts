/**
 * consumer_offsets: the intake's next offset per (group, topic, partition),
 * written in the transaction of the effects, with the digest of the last
 * record applied, the stop an integrity check made, and an operator's reset.
 * One statement per function (offset-sql.ts).
 */
import type { Pool, PoolClient } from 'pg';
import { isStopReason, type StopReason, type StoredOffset } from './offset-integrity.js';
import * as sql from './offset-sql.js';

type Queryable = Pick<Pool | PoolClient, 'query'>;

export interface PartitionKey {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

interface LockedRow {
  next_offset: string;
  last_record_digest: Buffer | null;
  stopped_reason: string | null;
  stopped_detail: string | null;
  reset_pending: boolean;
}

function storedOffset(row: LockedRow | undefined): StoredOffset {
  if (!row) return { next: -1n, digest: null, stoppedReason: null, stoppedDetail: null, resetPending: false };
  return {
    next: BigInt(row.next_offset),
    digest: row.last_record_digest,
    stoppedReason: row.stopped_reason !== null && isStopReason(row.stopped_reason) ? row.stopped_reason : null,
    stoppedDetail: row.stopped_detail,
    resetPending: row.reset_pending,
  };
}

/** Creates the row if missing and locks it for the transaction: the stored state a chunk is judged against. */
export async function lockStoredOffset(client: PoolClient, key: PartitionKey): Promise<StoredOffset> {
  const params = [key.groupId, key.topic, key.partition];
  await client.query(sql.ENSURE_ROW, params);
  const { rows } = await client.query<LockedRow>(sql.LOCK_ROW, params);
  return storedOffset(rows[0]);
}

export async function advanceStoredOffset(
  client: PoolClient,
  key: PartitionKey,
  next: bigint,
  digest: Buffer | null,
  resetDone: boolean,
): Promise<void> {
  await client.query(sql.ADVANCE, [key.groupId, key.topic, key.partition, next.toString(), digest, resetDone]);
}

/** Records the stop; false when the row changed since it was read (then nothing is stopped). */
export async function storeStop(db: Queryable, key: PartitionKey, reason: StopReason, detail: string, next: bigint): Promise<boolean> {
  const result = await db.query(sql.STOP, [key.groupId, key.topic, key.partition, reason, detail, next.toString()]);
  return (result.rowCount ?? 0) > 0;
}

export interface PartitionState {
  readonly partition: number;
  readonly next: bigint;
  readonly stoppedReason: StopReason | null;
  readonly stoppedDetail: string | null;
  readonly stoppedAt: Date | null;
  readonly resetPending: boolean;
  readonly resetAt: Date | null;
  readonly resetTo: string | null;
  readonly resetBy: string | null;
}

interface ListRow {
  partition: number;
  next_offset: string;
  stopped_reason: string | null;
  stopped_detail: string | null;
  stopped_at: Date | null;
  reset_pending: boolean;
  reset_at: Date | null;
  reset_to: string | null;
  reset_by: string | null;
}

/** The stored state of a topic's partitions for a group (all, or the ones given). */
export async function listPartitionStates(
  db: Queryable,
  groupId: string,
  topic: string,
  partitions?: readonly number[],
): Promise<PartitionState[]> {
  const { rows } = await db.query<ListRow>(sql.LIST, [groupId, topic, partitions ? [...partitions] : null]);
  return rows.map((r) => ({
    partition: r.partition,
    next: BigInt(r.next_offset),
    stoppedReason: r.stopped_reason !== null && isStopReason(r.stopped_reason) ? r.stopped_reason : null,
    stoppedDetail: r.stopped_detail,
    stoppedAt: r.stopped_at,
    resetPending: r.reset_pending,
    resetAt: r.reset_at,
    resetTo: r.reset_to,
    resetBy: r.reset_by,
  }));
}

/**
 * An operator's reset: the next offsets, with the digest and any stop
 * cleared, and a reset marker a running intake polls for.
 */
export async function storeReset(
  db: Queryable,
  groupId: string,
  topic: string,
  targets: ReadonlyMap<number, bigint>,
  resetTo: string,
  resetBy: string,
): Promise<void> {
  const partitions = [...targets.keys()];
  await db.query(sql.RESET, [groupId, topic, partitions, partitions.map((p) => targets.get(p)?.toString()), resetTo, resetBy]);
}
