-- Outbox robustness (issue #9): no single row can stall or duplicate the relay.
--
-- 1. Event ids in a structured column. A status row may carry several events
--    of one order (src/outbox/status-row-events.ts); their ce_ids were joined
--    by line feeds in event_id, so an id holding a line feed split into two
--    and the row could never be published. event_ids holds them as an array;
--    the JSON values stay line-separated in value (JSON text never holds a raw
--    line feed). event_type / event_subject: NULL means the status event type
--    and the order id, as before; rows that differ in them never share a row.
--
--    event_id stays for now, written by this version too (the ids joined by
--    line feeds, as before): during a rolling upgrade a worker of the previous
--    version may still run against this schema, and its relay reads event_id
--    (without it, it would publish new status rows without their CloudEvents
--    headers) and its intake writes event_id only (the relay reads
--    coalesce(event_ids, string_to_array(event_id, E'\n'))). A later migration
--    drops event_id and outbox_unpublished once no such worker is left.
--    Only unpublished rows are converted here: published rows are history
--    (OUTBOX_RETENTION_HOURS of it, possibly millions of rows), and rewriting
--    them would hold this table's exclusive lock, and so the intake, for the
--    whole rewrite; readers take the same coalesce, which splits them exactly
--    as the relay that published them did.
ALTER TABLE outbox
  ADD COLUMN event_ids       text[],
  ADD COLUMN event_type      text,
  ADD COLUMN event_subject   text,
-- 2. Bounded retries and parking. A row the broker refuses (too large for its
--    topic, say) is retried with a capped backoff (next_attempt_at) and, after
--    OUTBOX_MAX_ATTEMPTS, parked: the relay no longer claims it, and the rows
--    behind it flow. `flowthrough outbox list --parked` shows parked rows,
--    `flowthrough outbox retry` un-parks them. Failures of the broker itself
--    (down, leader moving) never count against a row.
  ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
  ADD COLUMN last_error      text,
  ADD COLUMN next_attempt_at timestamptz,
  ADD COLUMN parked_at       timestamptz;

UPDATE outbox SET event_ids = string_to_array(event_id, E'\n')
 WHERE published_at IS NULL AND event_id IS NOT NULL;

COMMENT ON COLUMN outbox.event_ids IS 'ce_ids of a status row, in order; value holds as many JSON values, one per line';
COMMENT ON COLUMN outbox.event_id IS 'deprecated (read event_ids): the ce_ids joined by line feeds, kept for workers of the previous version during a rolling upgrade';
COMMENT ON COLUMN outbox.event_type IS 'ce_type of a status row''s events; NULL: the status event type';
COMMENT ON COLUMN outbox.event_subject IS 'ce_subject of a status row''s events; NULL: order_id';
COMMENT ON COLUMN outbox.attempts IS 'publish attempts the broker refused for this row (failures of the broker itself do not count)';
COMMENT ON COLUMN outbox.parked_at IS 'set after OUTBOX_MAX_ATTEMPTS refused attempts: the relay skips the row until `flowthrough outbox retry`';

-- What the relay claims: unpublished, not parked (rows not yet due are few and
-- filtered on the heap).
CREATE INDEX outbox_claimable ON outbox (id) WHERE published_at IS NULL AND parked_at IS NULL;
-- Rows waiting for their next attempt: the rows of the same key behind one
-- wait too (per-key order). Usually empty.
CREATE INDEX outbox_waiting ON outbox (topic, message_key, id)
  WHERE published_at IS NULL AND parked_at IS NULL AND next_attempt_at IS NOT NULL;
-- Parked rows: the operator's list and the flowthrough_outbox_parked gauge. Usually empty.
CREATE INDEX outbox_parked ON outbox (id) WHERE parked_at IS NOT NULL AND published_at IS NULL;
