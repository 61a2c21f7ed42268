/**
 * The read API's statements: accounts and numbers as ACG's Provisioning API
 * shows them, and where their flow-through stands. Every value a parameter.
 * Deleted accounts and numbers are not served.
 */

/** subdomain_status: what a backend that provisions DNS (ACG) last reported (migration 000011); NULL: nothing reported. */
const ACCOUNT_COLUMNS =
  "name, correlation_id, teams_tenant_id, service_details, backend_observed ->> 'subdomainStatus' AS subdomain_status";
const NUMBER_COLUMNS = 'telephone_number, account_name, service_details, custom_sip_header';

/** $1 after this name (NULL: from the first), $2 limit: a page of live accounts by name. */
export const ACCOUNT_PAGE = `
  SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE deleted_at IS NULL AND ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2`;

/** $1 account name */
export const SELECT_ACCOUNT = `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE name = $1 AND deleted_at IS NULL`;

/** $1 account name */
export const ACCOUNT_EXISTS = `SELECT 1 FROM accounts WHERE name = $1 AND deleted_at IS NULL`;

/** $1 account name, $2 after this number (NULL: from the first), $3 limit: a page of its live numbers. */
export const NUMBER_PAGE = `
  SELECT ${NUMBER_COLUMNS} FROM numbers WHERE account_name = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR telephone_number > $2)
   ORDER BY telephone_number LIMIT $3`;

/** $1 telephone number */
export const SELECT_NUMBER = `SELECT ${NUMBER_COLUMNS} FROM numbers WHERE telephone_number = $1 AND deleted_at IS NULL`;

/** $1 order id */
export const ORDER_EXISTS = `SELECT 1 FROM orders WHERE order_id = $1`;

/**
 * $1 order id, $2 and $3 after this telephone number and service (NULL: from the first), $4 limit:
 * a page of the order's work rows, its per-number results (the primary key's order).
 */
export const ORDER_NUMBER_PAGE = `
  SELECT item_id, telephone_number, service, operation, outcome, error_code, message, held_reason, superseded_by, updated_at
    FROM order_item_numbers
   WHERE order_id = $1 AND ($2::text IS NULL OR (telephone_number, service) > ($2::text, $3::text))
   ORDER BY telephone_number, service LIMIT $4`;

/** $1 account names: open orders, and the item errors of each account's latest finished order. */
export const ACCOUNT_STATUS = `
  SELECT a.name,
         EXISTS (SELECT 1 FROM orders o WHERE o.account_name = a.name AND o.state IN ('acknowledged', 'inProgress', 'held')) AS open,
         last.state AS last_state, last.errors
    FROM unnest($1::text[]) AS a(name)
    LEFT JOIN LATERAL (
      SELECT o.state,
             (SELECT coalesce(jsonb_agg(jsonb_build_object('code', coalesce(i.reason ->> 'code', i.state),
                                                           'message', coalesce(i.reason ->> 'message', 'item ' || i.state),
                                                           'target', i.item_id) ORDER BY i.position), '[]'::jsonb)
                FROM order_items i WHERE i.order_id = o.order_id AND i.state IN ('failed', 'partial')) AS errors
        FROM orders o WHERE o.account_name = a.name AND o.completed_at IS NOT NULL
       ORDER BY o.completed_at DESC LIMIT 1
    ) last ON true`;

/**
 * $1 numbers: per number and service, the newest work row that speaks for the number, and whether any
 * row is still open. A superseded row never does: a later order replaced its change before it reached
 * the backend (it is settled in the same transaction as that order's row, so it may even share its
 * updated_at), and the later row's outcome is the number's.
 */
export const NUMBER_STATUS = `
  SELECT DISTINCT ON (w.telephone_number, w.service) w.telephone_number, w.service, w.outcome, w.error_code, w.message,
         EXISTS (SELECT 1 FROM order_item_numbers p
                  WHERE p.telephone_number = w.telephone_number AND p.service = w.service AND p.outcome IN ('pending', 'held')) AS open
    FROM order_item_numbers w
   WHERE w.telephone_number = ANY($1::text[]) AND w.outcome <> 'superseded'
   ORDER BY w.telephone_number, w.service, w.updated_at DESC`;
