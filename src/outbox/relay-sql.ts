import { ROW_EVENT_IDS } from './outbox-sql.js';

/**
 * The relay's statements. Each cycle runs them in one transaction under
 * RELAY_LOCK_KEY (pg_try_advisory_xact_lock): one publisher at a time.
 */

/** Every relay serialises on this lock: one publisher at a time keeps per-key order. */
export const RELAY_LOCK_KEY = 7_311_004_013;

/** $1 RELAY_LOCK_KEY; held until the cycle's transaction ends. */
export const TRY_LOCK = 'SELECT pg_try_advisory_xact_lock($1) AS locked';

/**
 * The oldest rows to publish: unpublished, not parked, due, and not behind a
 * row of the same topic and key that waits for its next attempt (per-key
 * order: they wait with it until it is published or parked). $1 how many.
 *
 * The outbox_claimable index serves the scan in id order; outbox_waiting (the
 * rows in backoff, usually none) the anti-join.
 */
export const CLAIM = `
  SELECT o.id::text AS id, o.topic, o.message_key, o.value, o.headers,
         ${ROW_EVENT_IDS} AS event_ids,
         o.event_type, o.event_subject, o.order_id, o.event_time, o.attempts
    FROM outbox o
   WHERE o.published_at IS NULL AND o.parked_at IS NULL
     AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= now())
     AND NOT EXISTS (SELECT 1 FROM outbox w
                      WHERE w.published_at IS NULL AND w.parked_at IS NULL AND w.next_attempt_at > now()
                        AND w.topic = o.topic AND w.message_key = o.message_key AND w.id < o.id)
   ORDER BY o.id
   LIMIT $1`;

/** $1 ids of rows Kafka acknowledged. */
export const MARK = `UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`;

/**
 * Rows Kafka refused: one more attempt, the error, when to try again, and
 * parked when no attempt is left. $1 ids, $2 errors, $3 delays (ms), $4 park.
 * Returns what the log line and the hook report.
 */
export const RECORD_FAILURES = `
  UPDATE outbox o
     SET attempts = o.attempts + 1,
         last_error = f.error,
         next_attempt_at = now() + make_interval(secs => f.delay_ms / 1000.0),
         parked_at = CASE WHEN f.park THEN now() END
    FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::boolean[]) AS f(id, error, delay_ms, park)
   WHERE o.id = f.id AND o.published_at IS NULL
  RETURNING o.id::text AS id, o.topic, o.order_id, ${ROW_EVENT_IDS} AS event_ids,
            o.attempts, o.last_error, o.next_attempt_at, o.parked_at`;

/** $1 retention in hours. */
export const PRUNE = `DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1)`;
