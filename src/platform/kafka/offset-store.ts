/**
 * consumer_offsets: the intake's next offset per (group, topic, partition),
 * written in the transaction of the effects, with the digest of the last
 * record applied, the stop an integrity check made, and an operator's reset.
 * One statement per function; every value a parameter.
 */
import type { Pool, PoolClient } from 'pg';
import { isStopReason, type StopReason, type StoredOffset } from './offset-integrity.js';

type Queryable = Pick<Pool | PoolClient, 'query'>;

export interface PartitionKey {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

// The row exists before it is locked, so even a partition's first chunk is
// serialised against a second consumer of the same partition (a rebalance).
const ENSURE_ROW = `
  INSERT INTO consumer_offsets (group_id, topic, partition, next_offset)
  VALUES ($1, $2, $3, -1) ON CONFLICT DO NOTHING`;

const LOCK_ROW = `
  SELECT next_offset::text AS next_offset, last_record_digest, stopped_reason, stopped_detail, reset_pending
    FROM consumer_offsets
   WHERE group_id = $1 AND topic = $2 AND partition = $3
     FOR UPDATE`;

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
  await client.query(ENSURE_ROW, params);
  const { rows } = await client.query<LockedRow>(LOCK_ROW, params);
  return storedOffset(rows[0]);
}

// $4 next offset, $5 digest of the record before it (NULL: keep the stored one), $6 the reset is done.
const ADVANCE = `
  UPDATE consumer_offsets
     SET next_offset = $4,
         last_record_digest = COALESCE($5::bytea, last_record_digest),
         reset_pending = reset_pending AND NOT $6::boolean,
         updated_at = now()
   WHERE group_id = $1 AND topic = $2 AND partition = $3`;

export async function advanceStoredOffset(
  client: PoolClient,
  key: PartitionKey,
  next: bigint,
  digest: Buffer | null,
  resetDone: boolean,
): Promise<void> {
  await client.query(ADVANCE, [key.groupId, key.topic, key.partition, next.toString(), digest, resetDone]);
}

// $4 reason, $5 detail, $6 the next offset the check saw: a row that moved since is not stopped.
const STOP = `
  UPDATE consumer_offsets
     SET stopped_reason = $4, stopped_detail = $5, stopped_at = now(), updated_at = now()
   WHERE group_id = $1 AND topic = $2 AND partition = $3
     AND stopped_reason IS NULL AND NOT reset_pending AND next_offset = $6`;

/** Records the stop; false when the row changed since it was read (then nothing is stopped). */
export async function storeStop(db: Queryable, key: PartitionKey, reason: StopReason, detail: string, next: bigint): Promise<boolean> {
  const result = await db.query(STOP, [key.groupId, key.topic, key.partition, reason, detail, next.toString()]);
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

const LIST = `
  SELECT partition, next_offset::text AS next_offset, stopped_reason, stopped_detail, stopped_at,
         reset_pending, reset_at, reset_to, reset_by
    FROM consumer_offsets
   WHERE group_id = $1 AND topic = $2 AND ($3::int[] IS NULL OR partition = ANY($3::int[]))
   ORDER BY partition`;

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
  const { rows } = await db.query<ListRow>(LIST, [groupId, topic, partitions ? [...partitions] : null]);
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

// $3 partitions, $4 next offsets (same order), $5 what was asked, $6 who.
const RESET = `
  INSERT INTO consumer_offsets (group_id, topic, partition, next_offset, reset_at, reset_pending, reset_to, reset_by, updated_at)
  SELECT $1, $2, p.partition, p.next_offset, now(), true, $5, $6, now()
    FROM unnest($3::int[], $4::bigint[]) AS p(partition, next_offset)
  ON CONFLICT (group_id, topic, partition) DO UPDATE
     SET next_offset = EXCLUDED.next_offset, last_record_digest = NULL,
         stopped_reason = NULL, stopped_detail = NULL, stopped_at = NULL,
         reset_at = now(), reset_pending = true, reset_to = EXCLUDED.reset_to, reset_by = EXCLUDED.reset_by,
         updated_at = now()`;

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
  await db.query(RESET, [groupId, topic, partitions, partitions.map((p) => targets.get(p)?.toString()), resetTo, resetBy]);
}
