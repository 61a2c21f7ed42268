// The account sync (account-sync.ts): accounts written to a backend that holds them (BACKEND=acg), level-triggered
// on accounts.synced_order_id behind last_order_id (migration 000011).

/** Delay parameters are milliseconds (float8), turned into an interval. */
const after = (parameter: string): string => `now() + make_interval(secs => ${parameter}::float8 / 1000)`;

/**
 * $1 lease ms, $2 limit: accounts whose desired state the sync has not finished with, due and not
 * leased by another instance (through the partial index accounts_unsynced), leased for $1.
 */
export const CLAIM_ACCOUNTS = `
  UPDATE accounts a SET locked_until = ${after('$1')}
   WHERE a.name IN (SELECT name FROM accounts
                     WHERE synced_order_id IS DISTINCT FROM last_order_id AND next_sync_at <= now()
                       AND (locked_until IS NULL OR locked_until <= now())
                     ORDER BY next_sync_at, name LIMIT $2 FOR UPDATE SKIP LOCKED)
  RETURNING a.name, a.correlation_id, a.teams_tenant_id, a.service_details, a.last_order_id,
            a.deleted_at IS NOT NULL AS deleted, a.backend_observed, a.sync_attempts, a.resyncs`;

/**
 * $1 account: whether any number of the account still has backend work open: a work row of one of
 * the account's orders pending or held, or an open backend operation for a number of those rows.
 * A deleted account is deleted in the backend only after its numbers are.
 */
export const ACCOUNT_NUMBERS_BUSY = `
  SELECT EXISTS (
    SELECT 1 FROM orders o JOIN order_item_numbers w ON w.order_id = o.order_id
     WHERE o.account_name = $1
       AND (w.outcome IN ('pending', 'held')
            OR EXISTS (SELECT 1 FROM backend_operation_numbers b WHERE b.open AND b.telephone_number = w.telephone_number))
  ) AS busy`;

/** $1 account: the account row, locked (the intake's next update of it waits), with the order that set it last. */
export const LOCK_ACCOUNT = `SELECT last_order_id FROM accounts WHERE name = $1 FOR UPDATE`;

/**
 * $1 account, $2 the order the sync is done with, $3 error (null when written), $4 what the backend
 * reported (null: keep what was recorded): done with that order, due again at once (a later order
 * may be waiting), lease released.
 */
export const ACCOUNT_DONE = `
  UPDATE accounts SET synced_order_id = $2, sync_error = $3::jsonb, backend_observed = COALESCE($4::jsonb, backend_observed),
         next_sync_at = now(), sync_attempts = 0, locked_until = NULL
   WHERE name = $1`;

/** $1 account, $2 retry after ms, $3 error: a transient failure, retried with backoff. */
export const RETRY_ACCOUNT = `
  UPDATE accounts SET next_sync_at = ${after('$2')}, sync_error = $3::jsonb, sync_attempts = sync_attempts + 1, locked_until = NULL
   WHERE name = $1`;

/**
 * $1 account, $2 poll after ms, $3 what the backend reported (null: nothing known, the next pass
 * writes the account again): the backend answered and is still provisioning; read it again later.
 */
export const POLL_ACCOUNT = `
  UPDATE accounts SET next_sync_at = ${after('$2')}, backend_observed = $3::jsonb, sync_error = NULL, sync_attempts = 0,
         locked_until = NULL
   WHERE name = $1`;

/** $1 account, $2 look again after ms: nothing sent (a deleted account whose numbers still have work). */
export const DEFER_ACCOUNT = `UPDATE accounts SET next_sync_at = ${after('$2')}, locked_until = NULL WHERE name = $1`;

/**
 * $1 account: account items of the account still waiting for the sync (through the partial index
 * order_items_open_accounts of migration 000011), with when their orders were received.
 */
export const OPEN_ACCOUNT_ITEMS = `
  SELECT i.order_id, i.item_id, (extract(epoch FROM o.received_at) * 1000)::float8 AS received_ms
    FROM order_items i JOIN orders o ON o.order_id = i.order_id
   WHERE i.resource = 'account' AND i.state = 'inProgress' AND o.account_name = $1`;

/** Roll-up reads: $1 order ids, locked in key order (as every roll-up locks them). */
export const LOCK_ORDERS = `
  SELECT order_id FROM orders WHERE order_id = ANY($1::text[]) ORDER BY order_id FOR UPDATE`;

/** $1 order ids, $2 item ids, $3 states, $4 reasons: only items still inProgress move. */
export const CLOSE_ACCOUNT_ITEMS = `
  UPDATE order_items i SET state = u.state, reason = u.reason, backend_details = u.details, updated_at = now()
    FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[]) AS u(order_id, item_id, state, reason, details)
   WHERE i.order_id = u.order_id AND i.item_id = u.item_id AND i.state = 'inProgress'`;
