import type { Pool } from 'pg';
import { orderStatusEvents } from '../../outbox/index.js';
import * as sql from './inspect-sql.js';

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

/** The order with its work rows (those that did not succeed first), at most `numberLimit` of them; null: every one. */
export async function orderDetail(pool: Pool, orderId: string, numberLimit: number | null = 10_000): Promise<OrderDetail | null> {
  const order = (await pool.query<OrderRow>(sql.SELECT_ORDER, [orderId])).rows[0];
  const deadLetters = (await pool.query<{ id: string; error_code: string; created_at: Date }>(sql.ORDER_DEAD_LETTERS, [orderId])).rows;
  if (order === undefined) {
    if (deadLetters.length === 0) return null;
    // Rejected at intake: no order row, only dead letters (and "rejected" events).
    const timeline = await timelineOf(pool, orderId);
    return { order: rejectedOrder(orderId), items: [], numbers: [], outcomes: {}, timeline, deadLetters };
  }
  const [items, numbers, outcomes, timeline] = await Promise.all([
    pool.query<ItemRow>(sql.ORDER_ITEMS, [orderId]),
    pool.query<WorkRow>(sql.ORDER_WORK, [orderId, numberLimit]),
    pool.query<{ outcome: string; n: number }>(sql.ORDER_OUTCOMES, [orderId]),
    timelineOf(pool, orderId),
  ]);
  return {
    order,
    items: items.rows,
    numbers: numbers.rows,
    outcomes: Object.fromEntries(outcomes.rows.map((r) => [r.outcome, r.n])),
    timeline,
    deadLetters,
  };
}

/**
 * The order's status events the outbox still keeps (OUTBOX_RETENTION_HOURS
 * after publishing), decoded by the outbox; what the timeline shows of each
 * is read from its JSON value.
 */
async function timelineOf(pool: Pool, orderId: string): Promise<TimelineEntry[]> {
  return (await orderStatusEvents(pool, orderId)).map((e) => {
    const value = jsonObject(e.value);
    return {
      event_id: e.eventId,
      created_at: e.createdAt,
      published_at: e.publishedAt,
      state: fieldText(value.state),
      previous_state: fieldText(value.previousState),
      occurred_at: fieldText(value.occurredAt),
    };
  });
}

function jsonObject(value: Buffer | null): Record<string, unknown> {
  if (value === null) return {};
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A JSON field as text, as PostgreSQL's ->> gives it: a string as it is, null when absent or null. */
function fieldText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
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
  const { rows } = await pool.query<OrderRow & { items: number; numbers: number }>(sql.LIST_ORDERS, [
    filter.state ?? null,
    filter.account ?? null,
    filter.since?.toISOString() ?? null,
    filter.until?.toISOString() ?? null,
    filter.limit,
  ]);
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
  /** The last order a backend that holds accounts (BACKEND=acg) is done with; null: never written (or operator-connect). */
  synced_order_id: string | null;
  /** What that backend last reported ({etag, serviceProvisioningStatus, serviceProvisioningErrors, subdomainStatus, …}). */
  backend_observed: {
    readonly serviceProvisioningStatus?: string;
    readonly serviceProvisioningErrors?: readonly { readonly code?: string; readonly message?: string }[];
    readonly subdomainStatus?: string;
    readonly etag?: string;
    readonly deleted?: boolean;
    readonly at?: string;
  } | null;
  /** The last failure writing the account to that backend ({code, message, orderId, at}). */
  sync_error: { readonly code?: string; readonly message?: string; readonly orderId?: string; readonly at?: string } | null;
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

export async function numberCounts(pool: Pool, accounts: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (accounts.length === 0) return out;
  for (const r of (await pool.query<{ account_name: string; service: string; n: number }>(sql.NUMBER_COUNTS, [accounts])).rows) {
    const counts = out.get(r.account_name) ?? {};
    counts[r.service] = r.n;
    out.set(r.account_name, counts);
  }
  return out;
}

export async function accountDetail(pool: Pool, name: string): Promise<AccountDetail | null> {
  const account = (await pool.query<AccountRow>(sql.SELECT_ACCOUNT, [name])).rows[0];
  if (account === undefined) return null;
  const [counts, live, work, recent, open] = await Promise.all([
    numberCounts(pool, [name]),
    pool.query<{ n: number }>(sql.LIVE_NUMBERS, [name]),
    pool.query<{ outcome: string; n: number }>(sql.OPEN_WORK, [name]),
    pool.query<{ order_id: string; state: string; received_at: Date }>(sql.RECENT_ORDERS, [name]),
    pool.query<{ n: number }>(sql.OPEN_ORDERS, [name]),
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
  const row = (await pool.query<{ row: Record<string, unknown> }>(sql.SELECT_NUMBER, [telephoneNumber])).rows[0]?.row;
  if (row === undefined) return null;
  const [work, lastOrder] = await Promise.all([
    pool.query<WorkRow & { order_id: string }>(sql.NUMBER_WORK, [telephoneNumber, workLimit]),
    pool.query<{ order_id: string; state: string; received_at: Date }>(sql.ORDER_SUMMARY, [row.last_order_id]),
  ]);
  return { row, work: work.rows, lastOrder: lastOrder.rows[0] ?? null };
}
