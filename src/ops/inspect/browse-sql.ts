/**
 * Lists the console pages through a page at a time (keyset paging: a page
 * starts after the last row of the one before, so rows arriving meanwhile
 * neither repeat nor vanish). Every value a parameter; NULL leaves a filter
 * out. The per-row detail queries stay in inspect-sql.ts, shared with the CLI.
 */

/**
 * Orders newest first (received_at DESC, order_id), as LIST_ORDERS orders
 * them: $1 state, $2 account, $3 received since, $4 received before, $5 after
 * received_at (text, microseconds kept), $6 after order_id, $7 limit.
 */
export const ORDER_PAGE = `
  SELECT order_id, account_name, state, requested_at, received_at, updated_at, completed_at, attempts,
         received_at::text AS received_key,
         (SELECT count(*)::int FROM order_items i WHERE i.order_id = o.order_id) AS items,
         (SELECT coalesce(sum(number_count), 0)::int FROM order_items i WHERE i.order_id = o.order_id) AS numbers
    FROM orders o
   WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR account_name = $2)
     AND ($3::timestamptz IS NULL OR received_at >= $3) AND ($4::timestamptz IS NULL OR received_at < $4)
     AND ($5::timestamptz IS NULL OR received_at < $5 OR (received_at = $5 AND order_id > $6))
   ORDER BY received_at DESC, order_id LIMIT $7`;

/**
 * Accounts by name: $1 a name prefix (LIKE pattern, escaped) or an exact
 * correlation id or Teams tenant id, $2 after name, $3 limit.
 */
export const ACCOUNT_PAGE = `
  SELECT a.name, a.correlation_id, a.teams_tenant_id, a.deleted_at, a.updated_at,
         (SELECT count(*)::int FROM numbers n WHERE n.account_name = a.name AND n.deleted_at IS NULL) AS live_numbers
    FROM accounts a
   WHERE ($1::text IS NULL OR a.name ILIKE $1 || '%' ESCAPE '\\' OR a.correlation_id = $4 OR a.teams_tenant_id = lower($4))
     AND ($2::text IS NULL OR a.name > $2)
   ORDER BY a.name LIMIT $3`;

/**
 * Numbers by telephone number: $1 a prefix of digits (with its +), $2 account,
 * $3 after telephone_number, $4 limit. Deleted numbers too: the reconciler
 * may still have to release them.
 */
export const NUMBER_PAGE = `
  SELECT telephone_number, account_name, service_details, to_jsonb(n) -> 'observed' AS observed,
         to_jsonb(n) ->> 'sync_state' AS sync_state, custom_sip_header, last_order_id, deleted_at, updated_at
    FROM numbers n
   WHERE ($1::text IS NULL OR telephone_number LIKE $1 || '%') AND ($2::text IS NULL OR account_name = $2)
     AND ($3::text IS NULL OR telephone_number > $3)
   ORDER BY telephone_number LIMIT $4`;
