/**
 * The reconciler's statements: one per constant, every value a parameter,
 * bulk writes through unnest. Claims use FOR UPDATE SKIP LOCKED.
 */

/**
 * $1 limit: numbers with unplanned work (pending, or held and due for a re-check) or a repair request,
 * with their account. Accounts come whole and oldest work first (repairs first of all), so a pass
 * cut by the limit cuts at most its last account (the planner leaves that one for the next pass)
 * instead of taking a slice of every tenant, which would split each tenant's batch.
 * A work row counts under its order's account (the account the intake wrote the number under), so
 * the accounts are ranked from the work rows alone: no per-number lookup of the numbers table and no
 * window sort over every unplanned row; only the numbers that come out are sorted. (Candidates are a
 * hint: the planner locks and re-reads each number, its real account included.)
 */
export const CANDIDATE_NUMBERS = `
  WITH work AS MATERIALIZED (
    SELECT o.account_name AS account, w.telephone_number, min(o.received_at) AS since
      FROM order_item_numbers w JOIN orders o ON o.order_id = w.order_id
     WHERE w.outcome IN ('pending', 'held') AND w.operation_id IS NULL AND (w.next_check_at IS NULL OR w.next_check_at <= now())
     GROUP BY 1, 2
    UNION ALL
    SELECT COALESCE(account_name, ''), telephone_number, '-infinity'::timestamptz FROM numbers WHERE repair_services <> '{}'
  ), ranked AS (
    SELECT account, min(since) AS since FROM work GROUP BY account
  )
  SELECT w.telephone_number, NULLIF(w.account, '') AS account_name
    FROM work w JOIN ranked r ON r.account = w.account
   GROUP BY r.since, w.account, w.telephone_number
   ORDER BY r.since, w.account, w.telephone_number LIMIT $1`;

/** $1 numbers: desired and observed state, locked; numbers another planner or an intake holds are skipped. */
export const LOCK_NUMBERS = `
  SELECT n.telephone_number, n.service_details, n.deleted_at IS NOT NULL AS deleted, n.observed, n.repair_services,
         a.teams_tenant_id, a.service_details AS account_details, (a.name IS NULL OR a.deleted_at IS NOT NULL) AS account_deleted
    FROM numbers n LEFT JOIN accounts a ON a.name = n.account_name
   WHERE n.telephone_number = ANY($1::text[])
   ORDER BY n.telephone_number
     FOR UPDATE OF n SKIP LOCKED`;

/** $1 numbers: their unplanned work rows (read after the numbers are locked, so fresh). */
export const UNPLANNED_ROWS = `
  SELECT w.order_id, w.item_id, w.telephone_number, w.service, w.outcome,
         (extract(epoch FROM w.held_since) * 1000)::float8 AS held_ms, (extract(epoch FROM o.received_at) * 1000)::float8 AS received_ms
    FROM order_item_numbers w JOIN orders o ON o.order_id = w.order_id
   WHERE w.telephone_number = ANY($1::text[]) AND w.outcome IN ('pending', 'held') AND w.operation_id IS NULL
     AND (w.next_check_at IS NULL OR w.next_check_at <= now())`;

/** $1 numbers: (number, service) pairs with an operation still open. */
export const OPEN_OPERATION_NUMBERS = `
  SELECT telephone_number, service FROM backend_operation_numbers WHERE open AND telephone_number = ANY($1::text[])`;

export const DB_NOW_MS = `SELECT (extract(epoch FROM now()) * 1000)::float8 AS now_ms`;

/** $1 how many: operation ids reserved up front, so one statement can insert a whole pass's operations and their numbers. */
export const RESERVE_OPERATION_IDS = `SELECT nextval(pg_get_serial_sequence('backend_operations', 'id'))::text AS id FROM generate_series(1, $1::int)`;

/**
 * A pass's operations in one statement: $1 ids, $2 tenants, $3 services, $4 operations, $5 settings hashes,
 * $6 bodies. The numbers column is the body's telephone numbers in order (the body is the one copy sent).
 */
export const INSERT_OPERATIONS = `
  INSERT INTO backend_operations (id, tenant_id, service, operation, settings_hash, numbers, body)
  SELECT u.id, u.tenant_id, u.service, u.operation, u.settings_hash,
         ARRAY(SELECT e ->> 'telephoneNumber' FROM jsonb_array_elements(u.body -> 'numbers') WITH ORDINALITY AS x(e, i) ORDER BY i), u.body
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS u(id, tenant_id, service, operation, settings_hash, body)`;

/** A pass's operation numbers in one statement: $1 operation ids, $2 numbers, $3 services, $4 targets (one element per number). */
export const INSERT_OPERATION_NUMBERS = `
  INSERT INTO backend_operation_numbers (operation_id, telephone_number, service, target)
  SELECT o, n, s, t FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[]) AS u(o, n, s, t)`;

/**
 * A pass's links in one statement: $1 numbers, $2 services, $3 operation ids (one element per number):
 * every unplanned row of a (number, service) joins its operation. The rows are found through
 * `telephone_number = ANY` (the unplanned index; at worst one scan of the table, whatever the
 * statistics say) and updated by row id; the numbers are locked, so no one moves those rows meanwhile.
 * Returns the orders of rows that were held (their items move back to inProgress).
 */
export const LINK_ROWS = `
  UPDATE order_item_numbers w SET operation_id = o.op, outcome = 'pending', held_reason = NULL, next_check_at = NULL, updated_at = now()
    FROM (SELECT r.ctid AS row_id, r.outcome AS was, u.op
            FROM order_item_numbers r JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS u(n, s, op) ON r.telephone_number = u.n AND r.service = u.s
           WHERE r.telephone_number = ANY($1::text[]) AND r.outcome IN ('pending', 'held') AND r.operation_id IS NULL) o
   WHERE w.ctid = o.row_id
  RETURNING CASE WHEN o.was = 'held' THEN w.order_id END AS order_id`;

/** $1 numbers, $2 services, $3 outcomes, $4 error codes, $5 messages: unplanned rows decided without a call. */
export const DECIDE_UNPLANNED_ROWS = `
  UPDATE order_item_numbers w SET outcome = u.outcome, error_code = u.error_code, message = u.message,
         held_reason = NULL, next_check_at = NULL, updated_at = now()
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(telephone_number, service, outcome, error_code, message)
   WHERE w.telephone_number = u.telephone_number AND w.service = u.service AND w.outcome IN ('pending', 'held') AND w.operation_id IS NULL
  RETURNING w.order_id`;

/** $1 numbers, $2 services, $3 reasons, $4 re-check after (ms) */
export const HOLD_ROWS = `
  UPDATE order_item_numbers w SET outcome = 'held', held_reason = u.reason, held_since = COALESCE(w.held_since, now()),
         next_check_at = now() + make_interval(secs => $4::float8 / 1000), updated_at = now()
    FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS u(telephone_number, service, reason)
   WHERE w.telephone_number = u.telephone_number AND w.service = u.service AND w.outcome IN ('pending', 'held') AND w.operation_id IS NULL
  RETURNING w.order_id`;

/**
 * $1 numbers, $2 services to clear from repair_services, $3 sync states. The numbers are locked by the
 * planning transaction: found by `telephone_number = ANY` (the key; never a hash of the whole table)
 * and updated by row id.
 */
export const CLEAR_REPAIRS = `
  UPDATE numbers n SET repair_services = array_remove(n.repair_services, x.service), sync_state = x.sync_state, updated_at = now()
    FROM (SELECT m.ctid AS row_id, u.service, u.sync_state
            FROM numbers m JOIN unnest($1::text[], $2::text[], $3::text[]) AS u(telephone_number, service, sync_state) ON m.telephone_number = u.telephone_number
           WHERE m.telephone_number = ANY($1::text[])) x
   WHERE n.ctid = x.row_id`;

/** $1 instance, $2 lease ms, $3 limit: due operations, locked to this instance. A planned one counts a submit attempt. */
export const CLAIM_OPERATIONS = `
  UPDATE backend_operations b
     SET locked_by = $1, locked_until = now() + make_interval(secs => $2::float8 / 1000),
         attempts = CASE WHEN b.state = 'planned' THEN b.attempts + 1 ELSE b.attempts END,
         first_sent_at = CASE WHEN b.state = 'planned' THEN COALESCE(b.first_sent_at, now()) ELSE b.first_sent_at END,
         updated_at = now()
   WHERE b.id IN (SELECT id FROM backend_operations
                   WHERE state IN ('planned', 'submitted') AND next_attempt_at <= now()
                     AND (locked_until IS NULL OR locked_until < now())
                   ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
  RETURNING b.id::text AS id, b.request_id, b.tenant_id, b.service, b.operation, b.body, b.state, b.remote_order_id,
            b.attempts, b.polls, (extract(epoch FROM b.first_sent_at) * 1000)::float8 AS first_sent_ms, b.last_error`;

/** $1 id, $2 instance, $3 remote order id, $4 remote status, $5 first poll after (ms) */
export const RECORD_SUBMITTED = `
  UPDATE backend_operations SET state = 'submitted', remote_order_id = $3, remote_status = $4, submitted_at = now(),
         next_attempt_at = now() + make_interval(secs => $5::float8 / 1000), last_error = NULL,
         locked_by = NULL, locked_until = NULL, updated_at = now()
   WHERE id = $1::bigint AND locked_by = $2`;

/** $1 id, $2 instance, $3 remote status, $4 next poll after (ms) */
export const RECORD_POLL = `
  UPDATE backend_operations SET polls = polls + 1, remote_status = $3, next_attempt_at = now() + make_interval(secs => $4::float8 / 1000),
         locked_by = NULL, locked_until = NULL, updated_at = now()
   WHERE id = $1::bigint AND locked_by = $2`;

/** $1 id, $2 instance, $3 retry after (ms), $4 last error, $5 count a failed status read */
export const RESCHEDULE = `
  UPDATE backend_operations SET next_attempt_at = now() + make_interval(secs => $3::float8 / 1000), last_error = $4::jsonb,
         polls = polls + CASE WHEN $5::boolean THEN 1 ELSE 0 END,
         locked_by = NULL, locked_until = NULL, updated_at = now()
   WHERE id = $1::bigint AND locked_by = $2`;

/** $1 id, $2 instance: give the lock back without counting (shutdown). */
export const UNLOCK = `UPDATE backend_operations SET locked_by = NULL, locked_until = NULL WHERE id = $1::bigint AND locked_by = $2`;

/** $1 id, $2 instance */
export const LOCK_OWN_OPERATION = `
  SELECT id::text AS id, tenant_id, service, operation, attempts, state FROM backend_operations
   WHERE id = $1::bigint AND locked_by = $2 AND state IN ('planned', 'submitted') FOR UPDATE`;

/** $1 id */
export const OPERATION_NUMBERS = `SELECT telephone_number, target FROM backend_operation_numbers WHERE operation_id = $1::bigint ORDER BY telephone_number`;

/** $1 numbers */
export const LOCK_OBSERVED = `SELECT telephone_number, observed FROM numbers WHERE telephone_number = ANY($1::text[]) ORDER BY telephone_number FOR UPDATE`;

/**
 * $1 numbers, $2 observed, $3 sync states, $4 sync errors. The numbers are locked (LOCK_OBSERVED): found by
 * `telephone_number = ANY` (the key; never a hash of the whole table) and updated by row id.
 */
export const UPDATE_OBSERVED = `
  UPDATE numbers n SET observed = x.observed, sync_state = x.sync_state, sync_error = x.sync_error, updated_at = now()
    FROM (SELECT m.ctid AS row_id, u.observed, u.sync_state, u.sync_error
            FROM numbers m JOIN unnest($1::text[], $2::jsonb[], $3::text[], $4::jsonb[]) AS u(telephone_number, observed, sync_state, sync_error)
                 ON m.telephone_number = u.telephone_number
           WHERE m.telephone_number = ANY($1::text[])) x
   WHERE n.ctid = x.row_id`;

/** $1 operation id, $2 numbers, $3 outcomes, $4 error codes, $5 messages */
export const CLOSE_OPERATION_NUMBERS = `
  UPDATE backend_operation_numbers b SET open = false, outcome = u.outcome, error_code = u.error_code, message = u.message
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(telephone_number, outcome, error_code, message)
   WHERE b.operation_id = $1::bigint AND b.telephone_number = u.telephone_number`;

/** $1 operation id, $2 numbers, $3 outcomes, $4 error codes, $5 messages */
export const SETTLE_LINKED_ROWS = `
  UPDATE order_item_numbers w SET outcome = u.outcome, error_code = u.error_code, message = u.message, updated_at = now()
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(telephone_number, outcome, error_code, message)
   WHERE w.operation_id = $1::bigint AND w.telephone_number = u.telephone_number AND w.outcome = 'pending'
  RETURNING w.order_id`;

/** $1 id, $2 state, $3 remote status, $4 last error */
export const FINISH_OPERATION = `
  UPDATE backend_operations SET state = $2, remote_status = $3, last_error = $4::jsonb, completed_at = now(),
         locked_by = NULL, locked_until = NULL, updated_at = now()
   WHERE id = $1::bigint`;

/** Milliseconds until the next operation or held re-check is due (null: nothing scheduled). */
export const NEXT_DUE_MS = `
  SELECT GREATEST(0, (extract(epoch FROM (LEAST(
           (SELECT min(GREATEST(next_attempt_at, COALESCE(locked_until, next_attempt_at))) FROM backend_operations WHERE state IN ('planned', 'submitted')),
           (SELECT min(next_check_at) FROM order_item_numbers WHERE outcome IN ('pending', 'held') AND operation_id IS NULL)
         ) - now())) * 1000))::float8 AS due_ms`;

/** Roll-up reads: $1 order ids */
export const LOCK_ORDERS = `
  SELECT order_id, account_name, state, attempts, status_sequence FROM orders WHERE order_id = ANY($1::text[]) ORDER BY order_id FOR UPDATE`;
export const ORDER_ITEMS = `
  SELECT order_id, item_id, action, resource, state, reason FROM order_items WHERE order_id = ANY($1::text[]) ORDER BY order_id, position`;
export const ORDER_ITEM_NUMBERS = `
  SELECT order_id, item_id, telephone_number, outcome, error_code, message, held_reason FROM order_item_numbers
   WHERE order_id = ANY($1::text[]) ORDER BY order_id, item_id, telephone_number, service`;

/** $1 order ids, $2 item ids, $3 states, $4 reasons */
export const UPDATE_ITEMS = `
  UPDATE order_items i SET state = u.state, reason = u.reason, updated_at = now()
    FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) AS u(order_id, item_id, state, reason)
   WHERE i.order_id = u.order_id AND i.item_id = u.item_id`;

/** $1 order ids, $2 states, $3 sequences, $4 attempts */
export const UPDATE_ORDERS = `
  UPDATE orders o SET state = u.state, status_sequence = u.seq, attempts = u.attempts, updated_at = now(),
         completed_at = CASE WHEN u.state IN ('completed', 'partial', 'failed') THEN COALESCE(o.completed_at, now()) ELSE o.completed_at END
    FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS u(order_id, state, seq, attempts)
   WHERE o.order_id = u.order_id`;


