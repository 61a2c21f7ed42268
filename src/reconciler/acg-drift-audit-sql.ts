// The drift audit under BACKEND=acg (acg-drift-audit.ts): our numbers and accounts as ACG should hold them, and the
// repairs. Numbers' observed state under ACG lives at numbers.observed -> 'acgNumber'.

/** A number is in flight while an open backend operation carries it. */
const IN_FLIGHT = `EXISTS (SELECT 1 FROM backend_operation_numbers b WHERE b.open AND b.telephone_number = n.telephone_number)`;

/**
 * $1 account (null: every account): the numbers the audit judges: of the account, or observed in ACG
 * under it; without an account, every live number and every number observed in ACG.
 */
export const ACG_AUDIT_NUMBERS = `
  SELECT n.telephone_number, n.account_name, n.observed -> 'acgNumber' AS observed, ${IN_FLIGHT} AS in_flight
    FROM numbers n
   WHERE CASE WHEN $1::text IS NULL THEN n.deleted_at IS NULL OR n.observed ? 'acgNumber'
              ELSE n.account_name = $1 OR n.observed #>> '{acgNumber,accountName}' = $1 END
   ORDER BY n.telephone_number`;

/** $1 numbers: those of ours among the numbers ACG lists that the first read did not bring. */
export const ACG_AUDIT_NUMBERS_NAMED = `
  SELECT n.telephone_number, n.account_name, n.observed -> 'acgNumber' AS observed, ${IN_FLIGHT} AS in_flight
    FROM numbers n WHERE n.telephone_number = ANY($1::text[])`;

/**
 * $1 account (null: every account): the accounts as the account sync writes them, whether it is
 * done with the latest order, and whether any of their numbers has work open (pending or held work
 * rows of their orders, or an open operation): then the numberCounts are not compared.
 */
export const ACG_AUDIT_ACCOUNTS = `
  SELECT a.name, a.correlation_id, a.teams_tenant_id, a.service_details, a.deleted_at IS NOT NULL AS deleted,
         a.synced_order_id IS DISTINCT FROM a.last_order_id AS in_flight,
         EXISTS (
           SELECT 1 FROM orders o JOIN order_item_numbers w ON w.order_id = o.order_id
            WHERE o.account_name = a.name
              AND (w.outcome IN ('pending', 'held')
                   OR EXISTS (SELECT 1 FROM backend_operation_numbers b WHERE b.open AND b.telephone_number = w.telephone_number))
         ) AS busy
    FROM accounts a
   WHERE $1::text IS NULL OR a.name = $1
   ORDER BY a.name`;

/** $1 account (null: every account): live numbers per account and service they enable. */
export const ACG_AUDIT_NUMBER_COUNTS = `
  SELECT n.account_name, s.key AS service, count(*)::int AS n
    FROM numbers n, jsonb_each(n.service_details) s
   WHERE ($1::text IS NULL OR n.account_name = $1) AND n.deleted_at IS NULL AND (s.value ->> 'enabled')::boolean
   GROUP BY n.account_name, s.key`;

/**
 * $1 number, $2 what ACG holds (null: nothing): observed corrected to it, the number marked drift
 * and its acgNumber work asked for (repair_services), unless an operation took the number up
 * since the audit read it (that operation's result is the newer word). Returns the number when done.
 */
export const ACG_MARK_DRIFT = `
  UPDATE numbers n
     SET observed = CASE WHEN $2::jsonb IS NULL THEN n.observed - 'acgNumber' ELSE jsonb_set(n.observed, '{acgNumber}', $2::jsonb) END,
         sync_state = 'drift', updated_at = now(),
         repair_services = ARRAY(SELECT DISTINCT s FROM unnest(n.repair_services || ARRAY['acgNumber']) AS s ORDER BY s)
   WHERE n.telephone_number = $1 AND NOT ${IN_FLIGHT}
  RETURNING n.telephone_number`;

/**
 * $1 accounts: written again by the account sync (level-triggered on synced_order_id behind
 * last_order_id), due now, unless it has a newer order to write already. Returns the accounts marked.
 */
export const ACG_RESYNC_ACCOUNTS = `
  UPDATE accounts SET synced_order_id = NULL, resyncs = resyncs + 1, next_sync_at = now(), sync_attempts = 0
   WHERE name = ANY($1::text[]) AND synced_order_id IS NOT DISTINCT FROM last_order_id
  RETURNING name`;
