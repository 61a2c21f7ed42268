/**
 * The statements of consumer_offsets (offset-store.ts): the intake's stored
 * position per partition, its integrity stops and an operator's resets. Every
 * value a parameter; each statement names one partition by $1 group id, $2
 * topic and, but for LIST and RESET, $3 partition.
 */

/**
 * $1–$3 the partition. The row exists before it is locked, so even a
 * partition's first chunk is serialised against a second consumer of the
 * same partition (a rebalance).
 */
export const ENSURE_ROW = `
  INSERT INTO consumer_offsets (group_id, topic, partition, next_offset)
  VALUES ($1, $2, $3, -1) ON CONFLICT DO NOTHING`;

/** $1–$3 the partition: its stored state, locked for the transaction. */
export const LOCK_ROW = `
  SELECT next_offset::text AS next_offset, last_record_digest, stopped_reason, stopped_detail, reset_pending
    FROM consumer_offsets
   WHERE group_id = $1 AND topic = $2 AND partition = $3
     FOR UPDATE`;

/** $1–$3 the partition, $4 next offset, $5 digest of the record before it (NULL: keep the stored one), $6 the reset is done. */
export const ADVANCE = `
  UPDATE consumer_offsets
     SET next_offset = $4,
         last_record_digest = COALESCE($5::bytea, last_record_digest),
         reset_pending = reset_pending AND NOT $6::boolean,
         updated_at = now()
   WHERE group_id = $1 AND topic = $2 AND partition = $3`;

/** $1–$3 the partition, $4 reason, $5 detail, $6 the next offset the check saw: a row that moved since is not stopped. */
export const STOP = `
  UPDATE consumer_offsets
     SET stopped_reason = $4, stopped_detail = $5, stopped_at = now(), updated_at = now()
   WHERE group_id = $1 AND topic = $2 AND partition = $3
     AND stopped_reason IS NULL AND NOT reset_pending AND next_offset = $6`;

/** $1 group id, $2 topic, $3 partitions (NULL: all): their stored state. */
export const LIST = `
  SELECT partition, next_offset::text AS next_offset, stopped_reason, stopped_detail, stopped_at,
         reset_pending, reset_at, reset_to, reset_by
    FROM consumer_offsets
   WHERE group_id = $1 AND topic = $2 AND ($3::int[] IS NULL OR partition = ANY($3::int[]))
   ORDER BY partition`;

/**
 * $1 group id, $2 topic, $3 partitions, $4 next offsets (same order), $5 what was asked, $6 who: the
 * next offsets, with the digest and any stop cleared, and the marker a running intake polls for.
 */
export const RESET = `
  INSERT INTO consumer_offsets (group_id, topic, partition, next_offset, reset_at, reset_pending, reset_to, reset_by, updated_at)
  SELECT $1, $2, p.partition, p.next_offset, now(), true, $5, $6, now()
    FROM unnest($3::int[], $4::bigint[]) AS p(partition, next_offset)
  ON CONFLICT (group_id, topic, partition) DO UPDATE
     SET next_offset = EXCLUDED.next_offset, last_record_digest = NULL,
         stopped_reason = NULL, stopped_detail = NULL, stopped_at = NULL,
         reset_at = now(), reset_pending = true, reset_to = EXCLUDED.reset_to, reset_by = EXCLUDED.reset_by,
         updated_at = now()`;
