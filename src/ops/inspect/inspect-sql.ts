/**
 * The read-only statements behind `flowthrough orders|accounts|numbers …` and
 * the read API's account counts. Every value a parameter. An order's status
 * events are the outbox's to read (orderStatusEvents): its rows hold several
 * events in a format only the outbox decodes.
 */

const ORDER_COLUMNS = `order_id, account_name, state, requested_at, received_at, updated_at, completed_at, attempts,
  source_topic, source_partition, source_offset::text AS source_offset, warnings`;

/** $1 order id */
export const SELECT_ORDER = `SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id = $1`;

/** $1 order id: its dead letters (an order refused at intake has only these). */
export const ORDER_DEAD_LETTERS = `SELECT id::text AS id, error_code, created_at FROM dead_letters WHERE order_id = $1 ORDER BY id`;

/** $1 order id */
export const ORDER_ITEMS = `
  SELECT item_id, position, action, resource, state, reason, number_count FROM order_items WHERE order_id = $1 ORDER BY position`;

/** $1 order id, $2 limit (NULL: all): its work rows, the ones that did not succeed first. */
export const ORDER_WORK = `
  SELECT item_id, telephone_number, service, operation, outcome, error_code, message, updated_at FROM order_item_numbers
   WHERE order_id = $1 ORDER BY (outcome = 'succeeded'), telephone_number, service LIMIT $2`;

/** $1 order id: its work rows per outcome. */
export const ORDER_OUTCOMES = `
  SELECT outcome, count(*)::int AS n FROM order_item_numbers WHERE order_id = $1 GROUP BY outcome ORDER BY outcome`;

/**
 * Newest first (received_at), with their items and numbers counted; NULL
 * leaves a filter out: $1 state, $2 account, $3 received since, $4 received
 * before, $5 limit.
 */
export const LIST_ORDERS = `
  SELECT ${ORDER_COLUMNS},
         (SELECT count(*)::int FROM order_items i WHERE i.order_id = o.order_id) AS items,
         (SELECT coalesce(sum(number_count), 0)::int FROM order_items i WHERE i.order_id = o.order_id) AS numbers
    FROM orders o
   WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR account_name = $2)
     AND ($3::timestamptz IS NULL OR received_at >= $3) AND ($4::timestamptz IS NULL OR received_at < $4)
   ORDER BY received_at DESC, order_id LIMIT $5`;

/**
 * $1 account name. The backend sync columns (migration 000011: what a backend that holds accounts,
 * ACG, last reported, and the last failure writing it) through to_jsonb, so a database of an older
 * schema version reads them as NULL.
 */
export const SELECT_ACCOUNT = `
  SELECT name, correlation_id, teams_tenant_id, service_details, last_order_id, last_requested_at, deleted_at, created_at, updated_at,
         to_jsonb(a) ->> 'synced_order_id' AS synced_order_id, to_jsonb(a) -> 'backend_observed' AS backend_observed,
         to_jsonb(a) -> 'sync_error' AS sync_error
    FROM accounts a WHERE name = $1`;

/** $1 account names: per service, live numbers with it enabled. */
export const NUMBER_COUNTS = `
  SELECT n.account_name, s.key AS service, count(*)::int AS n
    FROM numbers n, jsonb_each(n.service_details) s
   WHERE n.account_name = ANY($1::text[]) AND n.deleted_at IS NULL AND (s.value ->> 'enabled')::boolean
   GROUP BY n.account_name, s.key`;

/** $1 account name */
export const LIVE_NUMBERS = `SELECT count(*)::int AS n FROM numbers WHERE account_name = $1 AND deleted_at IS NULL`;

/** $1 account name: work rows of its orders still open, per outcome. */
export const OPEN_WORK = `
  SELECT w.outcome, count(*)::int AS n FROM order_item_numbers w JOIN orders o ON o.order_id = w.order_id
   WHERE o.account_name = $1 AND w.outcome IN ('pending', 'held') GROUP BY w.outcome`;

/** $1 account name: its ten newest orders. */
export const RECENT_ORDERS = `SELECT order_id, state, received_at FROM orders WHERE account_name = $1 ORDER BY received_at DESC LIMIT 10`;

/** $1 account name */
export const OPEN_ORDERS = `
  SELECT count(*)::int AS n FROM orders WHERE account_name = $1 AND state IN ('acknowledged', 'inProgress', 'held')`;

/** $1 telephone number: the whole row, whatever the schema version. */
export const SELECT_NUMBER = `SELECT to_jsonb(n) AS row FROM numbers n WHERE telephone_number = $1`;

/** $1 telephone number, $2 limit: its newest work rows. */
export const NUMBER_WORK = `
  SELECT order_id, item_id, telephone_number, service, operation, outcome, error_code, message, updated_at
    FROM order_item_numbers WHERE telephone_number = $1 ORDER BY updated_at DESC LIMIT $2`;

/** $1 order id: the number's last order. */
export const ORDER_SUMMARY = `SELECT order_id, state, received_at FROM orders WHERE order_id = $1`;
