-- The intake writes an order, its items and its per-number work rows in one
-- transaction, from one code path (src/intake/write-intake.ts), and nothing
-- deletes orders. The foreign keys from the children to their parents only
-- re-checked that, one trigger per row: ~15 % of PostgreSQL's CPU per
-- single-number order and ~5 µs per number of a bulk order (measured, see
-- docs/PERFORMANCE.md). They go; test/integration/intake/intake.orders.test.ts checks
-- the same relation after the intake's own runs.
ALTER TABLE order_item_numbers DROP CONSTRAINT order_item_numbers_order_id_item_id_fkey;
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey;

-- A status row may carry several consecutive events of one order that share
-- their instant (the intake's "acknowledged" and the state that follows):
-- one row to write instead of two. Their ce_ids and JSON values are joined
-- by line feeds, in order (src/outbox/status-row-events.ts).
COMMENT ON COLUMN outbox.event_id IS 'ce_id of a status event; several, separated by line feeds, when value holds as many JSON values, one per line';

-- The intake now sets a number 'pending' when an order gives it flow-through
-- work (before, it stayed 'inSync' until the reconciler planned it, which then
-- rewrote every planned number's row).
COMMENT ON COLUMN numbers.sync_state IS 'inSync | pending | failed | drift: pending from the order that gives the number flow-through work until the reconciler''s word; failed and inSync from the reconciler, drift from the audit';
