-- Status that tells the truth (issue #10).
--
-- 1. Superseded work. A work row whose change a later order replaced before it
--    reached the backend is no longer "succeeded" (the backend never saw it):
--    its outcome is 'superseded', error_code 'superseded_by_later_order', and
--    superseded_by names the later order. NULL on every other row; nothing is
--    rewritten (rows settled before this version keep what they said).
ALTER TABLE order_item_numbers ADD COLUMN superseded_by text;

COMMENT ON COLUMN order_item_numbers.outcome IS 'pending | held | succeeded (the backend confirmed the change, or already held exactly what the row asks as recorded from its answers) | failed | superseded (a later order replaced the change before it reached the backend; superseded_by names it)';
COMMENT ON COLUMN order_item_numbers.superseded_by IS 'the later order whose change replaced this row''s before it reached the backend (outcome superseded)';

-- 2. Consent items wait for their customer relationship to be written. The
--    intake now leaves a consent item inProgress when its account synchronises
--    Operator Connect or Teams Phone Mobile; the reconciler's consent sync
--    completes or fails it (and supersedes the tenant's older waiting ones).
--    This partial index finds a tenant's waiting items: only those rows are in
--    it (a handful), so the intake's inserts of other items never touch it.
--    Built here, in the migration's transaction: writes to order_items wait
--    for one scan of the table.
CREATE INDEX order_items_open_consents ON order_items ((lower(payload ->> 'tenantId')))
  WHERE resource = 'consent' AND state = 'inProgress';

COMMENT ON COLUMN consents.synced_order_id IS 'the last order whose customer relationship the consent sync is done with: written, refused for good (sync_error holds the backend''s code and message), or not to be written (sync_error code not_synchronised: the order''s account synchronises neither Operator Connect nor Teams Phone Mobile)';
