/**
 * The reconciler's statements (planner, executor, roll-ups, consent sync,
 * drift audit): one per constant, every value a parameter, bulk writes
 * through unnest. Claims use FOR UPDATE SKIP LOCKED.
 *
 * Lookups of a list of numbers go one number at a time through an index: the list is unnested and
 * each element looked up in a LATERAL subquery that OFFSET 0 keeps from being flattened into a join.
 * Without that, a table without statistics (never analysed yet, or just filled by the intake) gets
 * a hash join over a scan of the whole table or of a partial index.
 * A number's unplanned work rows are looked up by telephone number alone (the unplanned index), their
 * service compared outside the subquery: with the service inside, a table without statistics takes
 * the (service, outcome) index instead, one scan of every open row per number. Rows the planner
 * decided are written back one by one through the primary key (order, number, service).
 */

/**
 * $1 limit: numbers with unplanned work (pending, or held and due for a re-check) or a repair request,
 * with their account and its Teams tenant. Accounts come whole and oldest work first (repairs first of
 * all), so a pass cut by the limit cuts at most its last account (the planner leaves that one for the
 * next pass) instead of taking a slice of every tenant, which would split each tenant's batch.
 * A work row counts under its order's account (the account the intake wrote the number under).
 * Cost: one scan of the unplanned rows, folded into one row per order at once (a number list), so the
 * ranking joins orders, not work rows, whatever the statistics say; only the chosen accounts' numbers
 * are unnested and sorted. Repairs are read through their partial index (the ORDER BY … LIMIT makes
 * that index the cheap plan even on a table never analysed). (Candidates are a hint: the planner
 * locks and re-reads each number, its real account included.)
 */
export const CANDIDATE_NUMBERS = `
  WITH per_order AS MATERIALIZED (
    SELECT w.order_id, array_agg(w.telephone_number) AS numbers FROM order_item_numbers w
     WHERE w.outcome IN ('pending', 'held') AND w.operation_id IS NULL AND (w.next_check_at IS NULL OR w.next_check_at <= now())
     GROUP BY w.order_id
  ), repairs AS MATERIALIZED (
    SELECT COALESCE(account_name, '') AS account, telephone_number FROM numbers WHERE repair_services <> '{}' ORDER BY telephone_number LIMIT $1
  ), work AS MATERIALIZED (
    SELECT o.account_name AS account, o.received_at AS since, p.numbers FROM per_order p JOIN orders o ON o.order_id = p.order_id
    UNION ALL
    SELECT account, '-infinity'::timestamptz, array_agg(telephone_number) FROM repairs GROUP BY account
  ), chosen AS MATERIALIZED (
    SELECT account, since FROM (
      SELECT account, since, n, sum(n) OVER (ORDER BY since, account) AS upto
        FROM (SELECT account, min(since) AS since, sum(cardinality(numbers)) AS n FROM work GROUP BY account) a
    ) r WHERE upto - n < $1
  )
  SELECT u.telephone_number, NULLIF(c.account, '') AS account_name, a.teams_tenant_id AS tenant_id
    FROM chosen c JOIN work w ON w.account = c.account CROSS JOIN LATERAL unnest(w.numbers) AS u(telephone_number)
         LEFT JOIN accounts a ON a.name = c.account AND a.deleted_at IS NULL
   GROUP BY c.since, c.account, u.telephone_number, a.teams_tenant_id
   ORDER BY c.since, c.account, u.telephone_number LIMIT $1`;

/**
 * $1 numbers: desired and observed state, locked; numbers another planner or an intake holds are
 * skipped. now_ms: the database's clock (the linger clock of received_at), on every row. The
 * number's and its account's last orders name what superseded a row (and which row is newest).
 */
export const LOCK_NUMBERS = `
  SELECT (extract(epoch FROM now()) * 1000)::float8 AS now_ms, n.telephone_number, n.service_details, n.custom_sip_header,
         n.deleted_at IS NOT NULL AS deleted, n.observed, n.repair_services, n.last_order_id, n.account_name, a.last_order_id AS account_order_id,
         a.teams_tenant_id, a.service_details AS account_details, (a.name IS NULL OR a.deleted_at IS NOT NULL) AS account_deleted,
         (a.synced_order_id IS NOT DISTINCT FROM a.last_order_id) AS account_written
    FROM unnest($1::text[]) AS u(telephone_number) JOIN numbers n ON n.telephone_number = u.telephone_number
         LEFT JOIN accounts a ON a.name = n.account_name
   ORDER BY n.telephone_number
     FOR UPDATE OF n SKIP LOCKED`;

/**
 * $1 numbers: all their unplanned work rows (read after the numbers are locked, so fresh), with what
 * orders them (the order's received_at, then its offset: a chunk shares one received_at and one
 * partition) and whether they are due (a held row waits for next_check_at, but is still decided with
 * its number: superseded by a newer row, say).
 */
export const UNPLANNED_ROWS = `
  SELECT w.order_id, w.item_id, w.telephone_number, w.service, w.outcome, w.operation,
         (w.next_check_at IS NULL OR w.next_check_at <= now()) AS due,
         (extract(epoch FROM w.held_since) * 1000)::float8 AS held_ms, (extract(epoch FROM o.received_at) * 1000)::float8 AS received_ms,
         o.source_offset::float8 AS source_offset
    FROM unnest($1::text[]) AS u(telephone_number)
         CROSS JOIN LATERAL (
           SELECT r.order_id, r.item_id, r.telephone_number, r.service, r.outcome, r.operation, r.held_since, r.next_check_at FROM order_item_numbers r
            WHERE r.telephone_number = u.telephone_number AND r.outcome IN ('pending', 'held') AND r.operation_id IS NULL OFFSET 0) w
         CROSS JOIN LATERAL (SELECT x.received_at, x.source_offset FROM orders x WHERE x.order_id = w.order_id OFFSET 0) o`;

/**
 * `r`: the row ids of the work rows named by `${alias}` (order_id, telephone_number, service), each
 * looked up through the primary key and only while still unplanned. `alias` is a constant of this file.
 * The unplanned test sits outside the innermost subquery: inside it, a table without statistics (just
 * filled by the intake) takes the partial (service, outcome) index instead of the key, one scan of every
 * open row per number.
 */
function unplannedRowsOf(alias: 'l' | 'u'): string {
  return `CROSS JOIN LATERAL (
                   SELECT k.row_id FROM (
                     SELECT x.ctid AS row_id, x.outcome, x.operation_id FROM order_item_numbers x
                      WHERE x.order_id = ${alias}.order_id AND x.telephone_number = ${alias}.telephone_number AND x.service = ${alias}.service
                     OFFSET 0) k
                    WHERE k.outcome IN ('pending', 'held') AND k.operation_id IS NULL) r`;
}

/** $1 numbers: (number, service) pairs with an operation still open. */
export const OPEN_OPERATION_NUMBERS = `
  SELECT telephone_number, service FROM backend_operation_numbers WHERE open AND telephone_number = ANY($1::text[])`;

/**
 * A planning transaction's writes in one statement (one round trip, whatever the size):
 * $1–$5 per operation: tenants, services, operations, settings hashes, bodies (ids drawn here);
 * $6–$9 per number of an operation: its operation (1-based index into $1), number, service, target;
 * $10–$12 per number decided: number, service, sync state (repair_services loses that service);
 * $13–$15 per work row an operation carries: order id, number, service.
 * The operations' numbers column is the body's telephone numbers in order (the body is the one copy
 * sent). Only the rows the plan names join an operation (a number's superseded rows are decided
 * apart): each found through the primary key and updated by row id (the numbers are locked, so no one
 * moves those rows meanwhile). A number row that would not change is not rewritten.
 */
export const WRITE_PLAN = `
  WITH ids AS MATERIALIZED (
    SELECT i, nextval(pg_get_serial_sequence('backend_operations', 'id')) AS id FROM generate_series(1, cardinality($1::text[])) AS i
  ), ops AS (
    INSERT INTO backend_operations (id, tenant_id, service, operation, settings_hash, numbers, body)
    SELECT ids.id, u.tenant_id, u.service, u.operation, u.settings_hash,
           ARRAY(SELECT e ->> 'telephoneNumber' FROM jsonb_array_elements(u.body -> 'numbers') WITH ORDINALITY AS x(e, i) ORDER BY i), u.body
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS u(tenant_id, service, operation, settings_hash, body, i)
      JOIN ids ON ids.i = u.i
  ), planned AS (
    INSERT INTO backend_operation_numbers (operation_id, telephone_number, service, target)
    SELECT ids.id, v.n, v.s, v.t FROM unnest($6::int[], $7::text[], $8::text[], $9::jsonb[]) AS v(k, n, s, t) JOIN ids ON ids.i = v.k
    RETURNING operation_id, telephone_number, service
  ), linked AS (
    UPDATE order_item_numbers w SET operation_id = o.op, outcome = 'pending', held_reason = NULL, next_check_at = NULL, updated_at = now()
      FROM (SELECT r.row_id, p.operation_id AS op
              FROM unnest($13::text[], $14::text[], $15::text[]) AS l(order_id, telephone_number, service)
                   JOIN planned p ON p.telephone_number = l.telephone_number AND p.service = l.service
                   ${unplannedRowsOf('l')}) o
     WHERE w.ctid = o.row_id
  ), repaired AS (
    UPDATE numbers n SET repair_services = array_remove(n.repair_services, x.service), sync_state = x.sync_state, updated_at = now()
      FROM (SELECT m.row_id, u.service, u.sync_state
              FROM unnest($10::text[], $11::text[], $12::text[]) AS u(telephone_number, service, sync_state)
                   CROSS JOIN LATERAL (SELECT y.ctid AS row_id FROM numbers y WHERE y.telephone_number = u.telephone_number OFFSET 0) m) x
     WHERE n.ctid = x.row_id AND (n.sync_state IS DISTINCT FROM x.sync_state OR x.service = ANY(n.repair_services))
  )
  SELECT 1`;

/**
 * $1 order ids, $2 numbers, $3 services, $4 outcomes, $5 error codes, $6 messages, $7 superseding orders:
 * work rows decided without a call (superseded, converged, failed past the consent deadline).
 */
export const DECIDE_UNPLANNED_ROWS = `
  UPDATE order_item_numbers w SET outcome = d.outcome, error_code = d.error_code, message = d.message, superseded_by = d.superseded_by,
         held_reason = NULL, next_check_at = NULL, updated_at = now()
    FROM (SELECT r.row_id, u.outcome, u.error_code, u.message, u.superseded_by
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                 AS u(order_id, telephone_number, service, outcome, error_code, message, superseded_by)
                 ${unplannedRowsOf('u')}) d
   WHERE w.ctid = d.row_id
  RETURNING w.order_id`;

/** $1 order ids, $2 numbers, $3 services, $4 reasons, $5 re-check after (ms) */
export const HOLD_ROWS = `
  UPDATE order_item_numbers w SET outcome = 'held', held_reason = h.reason, held_since = COALESCE(w.held_since, now()),
         next_check_at = now() + make_interval(secs => $5::float8 / 1000), updated_at = now()
    FROM (SELECT r.row_id, u.reason
            FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) AS u(order_id, telephone_number, service, reason)
                 ${unplannedRowsOf('u')}) h
   WHERE w.ctid = h.row_id
  RETURNING w.order_id`;

/**
 * $1 instance, $2 lease ms, $3 limit: due operations, locked to this instance. A planned one counts a
 * submit attempt and comes with its body; a submitted one (a status read) without it, as the body of
 * a full backend order is tens of kilobytes to read and parse for nothing. Due status reads go
 * first: they finish work already sent (its numbers, items and status events), where a new send
 * only starts more; under a rate budget, sends queued before them would otherwise hold every
 * order open until the last send of a wave went out.
 */
export const CLAIM_OPERATIONS = `
  UPDATE backend_operations b
     SET locked_by = $1, locked_until = now() + make_interval(secs => $2::float8 / 1000),
         attempts = CASE WHEN b.state = 'planned' THEN b.attempts + 1 ELSE b.attempts END,
         first_sent_at = CASE WHEN b.state = 'planned' THEN COALESCE(b.first_sent_at, now()) ELSE b.first_sent_at END,
         updated_at = now()
   WHERE b.id IN (SELECT id FROM backend_operations
                   WHERE state IN ('planned', 'submitted') AND next_attempt_at <= now()
                     AND (locked_until IS NULL OR locked_until < now())
                   ORDER BY (state = 'submitted') DESC, next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
  RETURNING b.id::text AS id, b.request_id, b.tenant_id AS scope, b.service, b.operation, CASE WHEN b.state = 'planned' THEN b.body END AS body, b.state, b.remote_order_id,
            b.attempts, b.polls, (extract(epoch FROM b.first_sent_at) * 1000)::float8 AS first_sent_ms,
            (extract(epoch FROM b.submitted_at) * 1000)::float8 AS submitted_ms, b.last_error`;

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

/**
 * $1 operation id, $2 numbers, $3 outcomes, $4 error codes, $5 messages, $6 the operation (upload,
 * release, update): the work rows the operation carried take its per-number result. A row whose
 * change the operation does not make (an upload row carried by the release from the number's previous
 * tenant: a release and a non-release differ) takes a failure, but on success goes back to unplanned
 * pending work (requeued) for its own operation: it never succeeds on another change's result.
 */
export const SETTLE_LINKED_ROWS = `
  UPDATE order_item_numbers w
     SET outcome = CASE WHEN x.requeue THEN 'pending' ELSE x.outcome END,
         error_code = CASE WHEN x.requeue THEN NULL ELSE x.error_code END,
         message = CASE WHEN x.requeue THEN NULL ELSE x.message END,
         operation_id = CASE WHEN x.requeue THEN NULL ELSE w.operation_id END,
         updated_at = now()
    FROM (SELECT m.ctid AS row_id, u.outcome, u.error_code, u.message,
                 (u.outcome = 'succeeded' AND (m.operation = 'release') <> ($6::text = 'release')) AS requeue
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(telephone_number, outcome, error_code, message)
                 JOIN order_item_numbers m ON m.operation_id = $1::bigint AND m.telephone_number = u.telephone_number AND m.outcome = 'pending') x
   WHERE w.ctid = x.row_id
  RETURNING w.order_id, w.operation_id IS NULL AS requeued`;

/** $1 id, $2 state, $3 remote status, $4 last error */
export const FINISH_OPERATION = `
  UPDATE backend_operations SET state = $2, remote_status = $3, last_error = $4::jsonb, completed_at = now(),
         locked_by = NULL, locked_until = NULL, updated_at = now()
   WHERE id = $1::bigint`;

/**
 * Milliseconds until the next operation is due (null: none scheduled; GREATEST alone would turn that
 * into 0 and spin the executor). Held work rows are the planner's (its own loop looks at them again),
 * not read here: that would scan every unplanned row on each wake of the executor.
 */
export const NEXT_DUE_MS = `
  SELECT CASE WHEN d.due IS NULL THEN NULL ELSE GREATEST(0, extract(epoch FROM d.due - now()) * 1000) END::float8 AS due_ms
    FROM (SELECT min(GREATEST(next_attempt_at, COALESCE(locked_until, next_attempt_at))) AS due
            FROM backend_operations WHERE state IN ('planned', 'submitted')) d`;

/** Roll-up reads: $1 order ids, locked in key order (as every roll-up locks them). */
export const LOCK_ORDERS = `
  SELECT order_id, account_name, state, attempts, status_sequence FROM orders WHERE order_id = ANY($1::text[]) ORDER BY order_id FOR UPDATE`;

/** $1 order ids: their items. */
export const ORDER_ITEMS = `
  SELECT order_id, item_id, action, resource, state, reason, backend_details FROM order_items WHERE order_id = ANY($1::text[]) ORDER BY order_id, position`;

/** $1 order ids: their work rows. */
export const ORDER_ITEM_NUMBERS = `
  SELECT order_id, item_id, telephone_number, outcome, error_code, message, held_reason, superseded_by FROM order_item_numbers
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

// The consent sync (consent-sync.ts): customer relationships written back to Operator Connect.

/** $1 lease ms, $2 limit: consents whose desired customer relationship the sync has not finished with, leased. */
export const CLAIM_CONSENTS = `
  UPDATE consents c SET next_sync_at = now() + make_interval(secs => $1::float8 / 1000)
   WHERE c.tenant_id IN (SELECT tenant_id FROM consents
                          WHERE synced_order_id IS DISTINCT FROM last_order_id AND (next_sync_at IS NULL OR next_sync_at <= now())
                          ORDER BY tenant_id LIMIT $2 FOR UPDATE SKIP LOCKED)
  RETURNING c.tenant_id, c.customer_relationship, c.last_order_id`;

/** $1 order id: the account of the order that set the relationship, and its synchronisation settings. */
export const CONSENT_ORDER_ACCOUNT = `
  SELECT o.account_name, a.service_details, a.last_order_id AS account_order_id
    FROM orders o LEFT JOIN accounts a ON a.name = o.account_name WHERE o.order_id = $1`;

/** $1 tenant: the consent row, locked (the intake's next update of it waits), with the order that set it last. */
export const LOCK_CONSENT = `SELECT last_order_id FROM consents WHERE tenant_id = $1 FOR UPDATE`;

/** $1 tenant, $2 the order the sync is done with, $3 error (null when written) */
export const CONSENT_DONE = `UPDATE consents SET synced_order_id = $2, sync_error = $3::jsonb, next_sync_at = NULL WHERE tenant_id = $1`;

/** $1 tenant, $2 retry after ms, $3 error */
export const RETRY_CONSENT = `
  UPDATE consents SET next_sync_at = now() + make_interval(secs => $2::float8 / 1000), sync_error = $3::jsonb WHERE tenant_id = $1`;

/**
 * $1 tenant: consent items of the tenant still waiting for the sync (through the partial index of
 * migration 000008), with when their orders were received.
 */
export const OPEN_CONSENT_ITEMS = `
  SELECT i.order_id, i.item_id, (extract(epoch FROM o.received_at) * 1000)::float8 AS received_ms
    FROM order_items i JOIN orders o ON o.order_id = i.order_id
   WHERE i.resource = 'consent' AND i.state = 'inProgress' AND lower(i.payload ->> 'tenantId') = $1`;

/** $1 order ids, $2 item ids, $3 states, $4 reasons: only items still inProgress move. */
export const CLOSE_CONSENT_ITEMS = `
  UPDATE order_items i SET state = u.state, reason = u.reason, updated_at = now()
    FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) AS u(order_id, item_id, state, reason)
   WHERE i.order_id = u.order_id AND i.item_id = u.item_id AND i.state = 'inProgress'`;

// The drift audit (drift-audit.ts, `flowthrough reconcile --drift-audit`): observed state against the backend's.

/**
 * $1 account (NULL: all): the numbers to audit (with observed state, or live with a flow-through
 * service enabled), their account's tenant, and whether an open operation carries them now.
 */
export const DRIFT_AUDIT_NUMBERS = `
  SELECT n.telephone_number, n.account_name, n.observed, a.teams_tenant_id,
         EXISTS (SELECT 1 FROM backend_operation_numbers b WHERE b.open AND b.telephone_number = n.telephone_number) AS in_flight
    FROM numbers n LEFT JOIN accounts a ON a.name = n.account_name
   WHERE ($1::text IS NULL OR n.account_name = $1)
     AND (n.observed <> '{}'::jsonb
          OR (n.deleted_at IS NULL AND (n.service_details #>> '{teamsOperatorConnect,enabled}' = 'true'
                                        OR n.service_details #>> '{teamsPhoneMobile,enabled}' = 'true')))
   ORDER BY n.telephone_number`;

/** $1 numbers: the account that holds each (of those we hold). */
export const NUMBER_OWNERS = `SELECT telephone_number, account_name FROM numbers WHERE telephone_number = ANY($1::text[])`;

/** $1 number, $2 observed state as the backend holds it, $3 services to repair (added to repair_services). */
export const MARK_DRIFT = `
  UPDATE numbers SET observed = $2::jsonb, sync_state = 'drift', updated_at = now(),
         repair_services = ARRAY(SELECT DISTINCT s FROM unnest(repair_services || $3::text[]) AS s ORDER BY s)
   WHERE telephone_number = $1`;
