/**
 * The read-only statements behind `flowthrough consents list|show` and the
 * read API's /v1/teamsRequestsForInformation: per tenant, what the backend
 * last reported (backend_consents, migration 000013) beside the customer
 * relationship our orders set (consents), and the numbers held waiting for
 * the tenant's consent. Every value a parameter.
 *
 * A tenant appears when either table has it. Its consent state is the
 * backend's status while the backend lists it, "gone" once a list no longer
 * carried it, "unknown" while the backend has not been read for it.
 */

/** The tenant's consent state as the filter and the views name it. */
const STATE = `CASE WHEN b.tenant_id IS NULL THEN 'unknown' WHEN b.gone_at IS NOT NULL THEN 'gone' ELSE b.status END`;

/**
 * Numbers held (order_item_numbers outcome 'held') whose number's account has the tenant as its Teams
 * tenant: the planner decides with the number's account, so that is the one that says whose consent it waits for.
 */
const HELD_FOR_TENANT = `
  FROM order_item_numbers w
  JOIN numbers n ON n.telephone_number = w.telephone_number
  JOIN accounts a ON a.name = n.account_name
 WHERE w.outcome = 'held' AND a.teams_tenant_id = t.tenant_id`;

const BASE_COLUMNS = `t.tenant_id, ${STATE} AS state, b.status, b.consented_countries, b.contacts,
  b.customer_relationship AS backend_relationship, b.consented_on, b.last_modified_on, b.product_context, b.operator_id,
  b.account_name AS backend_account, b.read_at, b.gone_at,
  c.customer_relationship AS our_relationship, c.last_order_id, c.synced_order_id, c.sync_error, c.updated_at AS our_updated_at,
  (SELECT min(x.name) FROM accounts x WHERE x.teams_tenant_id = t.tenant_id AND x.deleted_at IS NULL) AS our_account`;

const COLUMNS = `${BASE_COLUMNS}, (SELECT count(*)::int ${HELD_FOR_TENANT}) AS held_numbers`;

/**
 * A page of tenants by tenant id. $1 after this tenant (NULL: from the first), $2 consent state (NULL: any;
 * active|suspended|removed|gone|unknown), $3 include tenants the backend no longer lists, $4 limit. The held
 * numbers are counted in one pass over the held rows for the whole page (not once per tenant).
 */
export const CONSENT_PAGE = `
  WITH t AS (SELECT tenant_id FROM backend_consents WHERE $3::boolean OR gone_at IS NULL UNION SELECT tenant_id FROM consents),
  page AS (
    SELECT ${BASE_COLUMNS}
      FROM t LEFT JOIN backend_consents b ON b.tenant_id = t.tenant_id LEFT JOIN consents c ON c.tenant_id = t.tenant_id
     WHERE ($1::text IS NULL OR t.tenant_id > $1) AND ($2::text IS NULL OR ${STATE} = $2)
     ORDER BY t.tenant_id LIMIT $4),
  held AS (
    SELECT a.teams_tenant_id AS tenant_id, count(*)::int AS n
      FROM order_item_numbers w
      JOIN numbers n ON n.telephone_number = w.telephone_number
      JOIN accounts a ON a.name = n.account_name
     WHERE w.outcome = 'held' AND a.teams_tenant_id IN (SELECT tenant_id FROM page)
     GROUP BY a.teams_tenant_id)
  SELECT page.*, coalesce(held.n, 0) AS held_numbers FROM page LEFT JOIN held ON held.tenant_id = page.tenant_id
   ORDER BY page.tenant_id`;

/** $1 tenant id (lower case): its row, when either table has it. */
export const SELECT_CONSENT = `
  SELECT ${COLUMNS}
    FROM (SELECT $1::text AS tenant_id) t
    LEFT JOIN backend_consents b ON b.tenant_id = t.tenant_id LEFT JOIN consents c ON c.tenant_id = t.tenant_id
   WHERE b.tenant_id IS NOT NULL OR c.tenant_id IS NOT NULL`;

/** $1 tenant id, $2 limit: the numbers held waiting for it, longest held first. */
export const HELD_NUMBERS = `
  SELECT w.order_id, w.item_id, w.telephone_number, w.service, w.operation, w.held_reason, w.held_since, a.name AS account_name
    FROM (SELECT $1::text AS tenant_id) t
    JOIN accounts a ON a.teams_tenant_id = t.tenant_id
    JOIN numbers n ON n.account_name = a.name
    JOIN order_item_numbers w ON w.telephone_number = n.telephone_number AND w.outcome = 'held'
   ORDER BY w.held_since NULLS LAST, w.order_id, w.telephone_number, w.service LIMIT $2`;

/** $1 tenant id: the live accounts whose Teams tenant it is. */
export const TENANT_ACCOUNTS = `SELECT name FROM accounts WHERE teams_tenant_id = $1 AND deleted_at IS NULL ORDER BY name`;
