import type { Pool } from 'pg';

/** Read-only views of orders, accounts and numbers for `flowthrough orders|accounts|numbers …` and the read API. */

export interface OrderRow {
  order_id: string;
  account_name: string;
  state: string;
  requested_at: Date;
  received_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  attempts: number;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  warnings: unknown[];
}

export interface ItemRow {
  item_id: string;
  position: number;
  action: string;
  resource: string;
  state: string;
  reason: { code: string; message: string } | null;
  number_count: number;
}

export interface WorkRow {
  item_id: string;
  telephone_number: string;
  service: string;
  operation: string;
  outcome: string;
  error_code: string | null;
  message: string | null;
  updated_at: Date;
}

export interface TimelineEntry {
  event_id: string | null;
  created_at: Date;
  published_at: Date | null;
  state: string | null;
  previous_state: string | null;
  occurred_at: string | null;
}

export interface OrderDetail {
  readonly order: OrderRow;
  readonly items: ItemRow[];
  readonly numbers: WorkRow[];
  readonly outcomes: Record<string, number>;
  readonly timeline: TimelineEntry[];
  readonly deadLetters: Array<{ id: string; error_code: string; created_at: Date }>;
}

const ORDER_COLUMNS = `order_id, account_name, state, requested_at, received_at, updated_at, completed_at, attempts,
  source_topic, source_partition, source_offset::text AS source_offset, warnings`;

/**
 * The status events of an order, from the outbox (kept OUTBOX_RETENTION_HOURS
 * after publishing); a row may hold several (src/outbox/status-row-events.ts):
 * its ce_ids in event_ids, its JSON values one per line. A row written before
 * migration 000006 (or by a worker of the previous version) has only
 * event_id, the ids joined by line feeds. $1 order id
 */
const SELECT_TIMELINE = `
  SELECT e.event_id, o.created_at, o.published_at,
         e.value::jsonb ->> 'state' AS state,
         e.value::jsonb ->> 'previousState' AS previous_state,
         e.value::jsonb ->> 'occurredAt' AS occurred_at
    FROM outbox o
         CROSS JOIN LATERAL unnest(coalesce(o.event_ids, string_to_array(o.event_id, E'\\n')), string_to_array(convert_from(o.value, 'UTF8'), E'\\n'))
                    WITH ORDINALITY AS e(event_id, value, position)
   WHERE o.order_id = $1 AND (o.event_ids IS NOT NULL OR o.event_id IS NOT NULL)
   ORDER BY o.id, e.position`;

export async function orderDetail(pool: Pool, orderId: string, numberLimit = 10_000): Promise<OrderDetail | null> {
  const order = (await pool.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id = $1`, [orderId])).rows[0];
  const deadLetters = (
    await pool.query<{ id: string; error_code: string; created_at: Date }>(
      `SELECT id::text AS id, error_code, created_at FROM dead_letters WHERE order_id = $1 ORDER BY id`,
      [orderId],
    )
  ).rows;
  if (order === undefined) {
    if (deadLetters.length === 0) return null;
    // Rejected at intake: no order row, only dead letters (and "rejected" events).
    const timeline = (await pool.query<TimelineEntry>(SELECT_TIMELINE, [orderId])).rows;
    return { order: rejectedOrder(orderId), items: [], numbers: [], outcomes: {}, timeline, deadLetters };
  }
  const [items, numbers, outcomes, timeline] = await Promise.all([
    pool.query<ItemRow>(
      `SELECT item_id, position, action, resource, state, reason, number_count FROM order_items WHERE order_id = $1 ORDER BY position`,
      [orderId],
    ),
    pool.query<WorkRow>(
      `SELECT item_id, telephone_number, service, operation, outcome, error_code, message, updated_at FROM order_item_numbers
        WHERE order_id = $1 ORDER BY (outcome = 'succeeded'), telephone_number, service LIMIT $2`,
      [orderId, numberLimit],
    ),
    pool.query<{ outcome: string; n: number }>(
      `SELECT outcome, count(*)::int AS n FROM order_item_numbers WHERE order_id = $1 GROUP BY outcome ORDER BY outcome`,
      [orderId],
    ),
    pool.query<TimelineEntry>(SELECT_TIMELINE, [orderId]),
  ]);
  return {
    order,
    items: items.rows,
    numbers: numbers.rows,
    outcomes: Object.fromEntries(outcomes.rows.map((r) => [r.outcome, r.n])),
    timeline: timeline.rows,
    deadLetters,
  };
}

function rejectedOrder(orderId: string): OrderRow {
  const epoch = new Date(0);
  return {
    order_id: orderId,
    account_name: '',
    state: 'rejected',
    requested_at: epoch,
    received_at: epoch,
    updated_at: epoch,
    completed_at: null,
    attempts: 0,
    source_topic: '',
    source_partition: 0,
    source_offset: '',
    warnings: [],
  };
}

export interface OrderListFilter {
  readonly state?: string;
  readonly account?: string;
  readonly since?: Date;
  readonly until?: Date;
  readonly limit: number;
}

/** Newest first (received_at). */
export async function listOrders(pool: Pool, filter: OrderListFilter): Promise<Array<OrderRow & { items: number; numbers: number }>> {
  const { rows } = await pool.query<OrderRow & { items: number; numbers: number }>(
    `SELECT ${ORDER_COLUMNS},
            (SELECT count(*)::int FROM order_items i WHERE i.order_id = o.order_id) AS items,
            (SELECT coalesce(sum(number_count), 0)::int FROM order_items i WHERE i.order_id = o.order_id) AS numbers
       FROM orders o
      WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR account_name = $2)
        AND ($3::timestamptz IS NULL OR received_at >= $3) AND ($4::timestamptz IS NULL OR received_at < $4)
      ORDER BY received_at DESC, order_id LIMIT $5`,
    [filter.state ?? null, filter.account ?? null, filter.since?.toISOString() ?? null, filter.until?.toISOString() ?? null, filter.limit],
  );
  return rows;
}

export interface AccountRow {
  name: string;
  correlation_id: string | null;
  teams_tenant_id: string | null;
  service_details: Record<string, unknown>;
  last_order_id: string;
  last_requested_at: Date;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface AccountDetail {
  readonly account: AccountRow;
  /** Live numbers with the service enabled, per service. */
  readonly numberCounts: Record<string, number>;
  readonly liveNumbers: number;
  readonly openWork: Record<string, number>;
  readonly recentOrders: Array<{ order_id: string; state: string; received_at: Date }>;
  readonly openOrders: number;
}

const ACCOUNT_COLUMNS =
  'name, correlation_id, teams_tenant_id, service_details, last_order_id, last_requested_at, deleted_at, created_at, updated_at';

/** $1 account names: per service, live numbers with it enabled. */
const SELECT_NUMBER_COUNTS = `
  SELECT n.account_name, s.key AS service, count(*)::int AS n
    FROM numbers n, jsonb_each(n.service_details) s
   WHERE n.account_name = ANY($1::text[]) AND n.deleted_at IS NULL AND (s.value ->> 'enabled')::boolean
   GROUP BY n.account_name, s.key`;

export async function numberCounts(pool: Pool, accounts: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (accounts.length === 0) return out;
  for (const r of (await pool.query<{ account_name: string; service: string; n: number }>(SELECT_NUMBER_COUNTS, [accounts])).rows) {
    const counts = out.get(r.account_name) ?? {};
    counts[r.service] = r.n;
    out.set(r.account_name, counts);
  }
  return out;
}

export async function accountDetail(pool: Pool, name: string): Promise<AccountDetail | null> {
  const account = (await pool.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE name = $1`, [name])).rows[0];
  if (account === undefined) return null;
  const [counts, live, work, recent, open] = await Promise.all([
    numberCounts(pool, [name]),
    pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM numbers WHERE account_name = $1 AND deleted_at IS NULL`, [name]),
    pool.query<{ outcome: string; n: number }>(
      `SELECT w.outcome, count(*)::int AS n FROM order_item_numbers w JOIN orders o ON o.order_id = w.order_id
        WHERE o.account_name = $1 AND w.outcome IN ('pending', 'held') GROUP BY w.outcome`,
      [name],
    ),
    pool.query<{ order_id: string; state: string; received_at: Date }>(
      `SELECT order_id, state, received_at FROM orders WHERE account_name = $1 ORDER BY received_at DESC LIMIT 10`,
      [name],
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE account_name = $1 AND state IN ('acknowledged', 'inProgress', 'held')`,
      [name],
    ),
  ]);
  return {
    account,
    numberCounts: counts.get(name) ?? {},
    liveNumbers: live.rows[0]?.n ?? 0,
    openWork: Object.fromEntries(work.rows.map((r) => [r.outcome, r.n])),
    recentOrders: recent.rows,
    openOrders: open.rows[0]?.n ?? 0,
  };
}

export interface NumberDetail {
  /** Every column of the row, whatever the schema version (observed state arrived in migration 000003). */
  readonly row: Record<string, unknown>;
  readonly work: Array<WorkRow & { order_id: string }>;
  readonly lastOrder: { order_id: string; state: string; received_at: Date } | null;
}

export async function numberDetail(pool: Pool, telephoneNumber: string, workLimit = 20): Promise<NumberDetail | null> {
  const row = (
    await pool.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(n) AS row FROM numbers n WHERE telephone_number = $1`, [
      telephoneNumber,
    ])
  ).rows[0]?.row;
  if (row === undefined) return null;
  const [work, lastOrder] = await Promise.all([
    pool.query<WorkRow & { order_id: string }>(
      `SELECT order_id, item_id, telephone_number, service, operation, outcome, error_code, message, updated_at
         FROM order_item_numbers WHERE telephone_number = $1 ORDER BY updated_at DESC LIMIT $2`,
      [telephoneNumber, workLimit],
    ),
    pool.query<{ order_id: string; state: string; received_at: Date }>(
      `SELECT order_id, state, received_at FROM orders WHERE order_id = $1`,
      [row.last_order_id],
    ),
  ]);
  return { row, work: work.rows, lastOrder: lastOrder.rows[0] ?? null };
}
