import type { DeadLetterFilter } from './dead-letter-filter.js';

/**
 * The statements of `flowthrough dlq list|show|replay|purge`: the selection
 * of dead letters, their replay history, the replay's marks and the purge.
 * Every value a parameter.
 */

/**
 * The selection: the dead letters with their latest replay attempt. One fixed
 * statement, not one built per filter: every filter is a parameter and NULL
 * leaves it out, $1…$9 as filterParameters gives them. The statements below
 * wrap it, their own parameters from $10.
 */
const SELECTED_DEAD_LETTERS = `
  SELECT d.id, d.created_at, d.error_code, d.error_message, d.order_id, d.account_name,
         d.source_topic, d.source_partition, d.source_offset, d.source_timestamp, d.consumer_group,
         coalesce(r.status, 'pending') AS status, r.attempt AS last_attempt, r.replayed_by AS last_replayed_by,
         r.started_at AS last_started_at, r.finished_at AS last_finished_at
    FROM dead_letters d
    LEFT JOIN LATERAL (
      SELECT status, attempt, replayed_by, started_at, finished_at FROM dead_letter_replays
       WHERE dead_letter_id = d.id ORDER BY attempt DESC LIMIT 1
    ) r ON true
   WHERE ($1::bigint[] IS NULL OR d.id = ANY($1::bigint[]))
     AND ($2::timestamptz IS NULL OR d.created_at >= $2::timestamptz)
     AND ($3::timestamptz IS NULL OR d.created_at < $3::timestamptz)
     AND ($4::text[] IS NULL OR d.error_code = ANY($4::text[]))
     AND ($5::text IS NULL OR d.account_name = $5::text)
     AND ($6::text IS NULL OR d.order_id = $6::text)
     AND ($7::text IS NULL OR d.source_topic = $7::text)
     AND ($8::int IS NULL OR d.source_partition = $8::int)
     AND ($9::text IS NULL OR coalesce(r.status, 'pending') = $9::text)`;

/** The selection's $1…$9: $1 ids, $2 created since, $3 created before, $4 error codes, $5 account, $6 order id, $7 topic, $8 partition, $9 status. */
export function filterParameters(filter: DeadLetterFilter): unknown[] {
  return [
    filter.ids && filter.ids.length > 0 ? filter.ids : null,
    filter.since?.toISOString() ?? null,
    filter.until?.toISOString() ?? null,
    filter.codes && filter.codes.length > 0 ? filter.codes : null,
    filter.account ?? null,
    filter.orderId ?? null,
    filter.topic ?? null,
    filter.partition ?? null,
    filter.status ?? null,
  ];
}

/** $1…$9 the selection, $10 after this id (NULL: from the first), $11 limit: a page in id order. */
export const LIST_DEAD_LETTERS = `
  SELECT s.*, s.id::text AS id, s.source_offset::text AS source_offset FROM (${SELECTED_DEAD_LETTERS}) s
   WHERE ($10::bigint IS NULL OR s.id > $10::bigint) ORDER BY s.id LIMIT $11`;

/** $1…$9 the selection: its count per error code, largest first. */
export const COUNT_BY_CODE = `
  SELECT s.error_code, count(*)::int AS n FROM (${SELECTED_DEAD_LETTERS}) s GROUP BY s.error_code ORDER BY n DESC, s.error_code`;

/** $1…$9 the selection: full records (bytes, headers, violations), in id order. */
export const LOAD_DEAD_LETTERS = `
  SELECT s.*, s.id::text AS id, s.source_offset::text AS source_offset, d.message_key, d.value, d.headers, d.violations
    FROM (${SELECTED_DEAD_LETTERS}) s JOIN dead_letters d ON d.id = s.id ORDER BY s.id`;

/** Whether migration 000004's replay history is there; no parameters. */
export const REPLAY_TABLE_PRESENT = `SELECT to_regclass('dead_letter_replays') IS NOT NULL AS present`;

/** $1 dead letter id: its replay attempts, with what each re-published record landed as. */
export const REPLAY_HISTORY = `
  SELECT r.attempt, r.status, r.replayed_by, r.target_topic, r.force_stale, r.started_at, r.finished_at,
         r.produced_partition, r.produced_offset::text AS produced_offset, r.error,
         o.order_id AS landed_order_id, o.state AS landed_order_state,
         dl.id::text AS landed_dead_letter_id, dl.error_code AS landed_error_code
    FROM dead_letter_replays r
    JOIN dead_letters d ON d.id = r.dead_letter_id
    LEFT JOIN orders o ON o.order_id = d.order_id AND o.source_topic = r.target_topic
                      AND o.source_partition = r.produced_partition AND o.source_offset = r.produced_offset
    LEFT JOIN dead_letters dl ON dl.source_topic = r.target_topic AND dl.source_partition = r.produced_partition
                             AND dl.source_offset = r.produced_offset
   WHERE r.dead_letter_id = $1
   ORDER BY r.attempt`;

/** Only one replay at a time per database: two would both see "replaying" rows as interrupted. */
export const REPLAY_LOCK_KEY = 7_311_004_020;

/** $1 REPLAY_LOCK_KEY; held by the session until REPLAY_UNLOCK (or its end). */
export const TRY_REPLAY_LOCK = 'SELECT pg_try_advisory_lock($1) AS ok';

/** $1 REPLAY_LOCK_KEY */
export const REPLAY_UNLOCK = 'SELECT pg_advisory_unlock($1)';

/** $1 ids, $2 attempts, $3 replayed by, $4 target topic, $5 force stale */
export const MARK_REPLAYING = `
  INSERT INTO dead_letter_replays (dead_letter_id, attempt, status, replayed_by, target_topic, force_stale)
  SELECT id, attempt, 'replaying', $3, $4, $5 FROM unnest($1::bigint[], $2::int[]) AS u(id, attempt)
  ON CONFLICT (dead_letter_id, attempt) DO UPDATE SET
    status = 'replaying', replayed_by = EXCLUDED.replayed_by, target_topic = EXCLUDED.target_topic,
    force_stale = EXCLUDED.force_stale, started_at = now(), finished_at = NULL, error = NULL`;

/** $1 ids, $2 attempts, $3 partitions, $4 offsets */
export const MARK_REPLAYED = `
  UPDATE dead_letter_replays r SET status = 'replayed', finished_at = now(),
         produced_partition = u.partition, produced_offset = u.offset_
    FROM unnest($1::bigint[], $2::int[], $3::int[], $4::bigint[]) AS u(id, attempt, partition, offset_)
   WHERE r.dead_letter_id = u.id AND r.attempt = u.attempt`;

/** $1 ids, $2 attempts, $3 error */
export const MARK_FAILED = `
  UPDATE dead_letter_replays r SET status = 'failed', finished_at = now(), error = $3
    FROM unnest($1::bigint[], $2::int[]) AS u(id, attempt)
   WHERE r.dead_letter_id = u.id AND r.attempt = u.attempt`;

/**
 * $1 cut-off, $2 replayed only. A record in the middle of a replay
 * ("replaying") is never purged: the run that left it must be able to finish.
 */
const PURGEABLE = `
  SELECT d.id, d.error_code FROM dead_letters d
    LEFT JOIN LATERAL (SELECT status FROM dead_letter_replays WHERE dead_letter_id = d.id ORDER BY attempt DESC LIMIT 1) r ON true
   WHERE d.created_at < $1::timestamptz
     AND coalesce(r.status, 'pending') <> 'replaying'
     AND (NOT $2::boolean OR r.status = 'replayed')`;

/** Parameters as PURGEABLE: what a purge would delete, per error code. */
export const PREVIEW_PURGE = `
  SELECT error_code, count(*)::int AS n FROM (${PURGEABLE}) p GROUP BY error_code ORDER BY n DESC, error_code`;

/** Parameters as PURGEABLE: deletes them with their replay history (ON DELETE CASCADE), in one statement; per error code. */
export const PURGE = `
  WITH gone AS (DELETE FROM dead_letters WHERE id IN (SELECT id FROM (${PURGEABLE}) p) RETURNING error_code)
  SELECT error_code, count(*)::int AS n FROM gone GROUP BY error_code ORDER BY n DESC, error_code`;
