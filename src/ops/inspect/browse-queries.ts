import type { Pool } from 'pg';
import * as sql from './browse-sql.js';
import type { OrderRow } from './inspect-queries.js';

/** One page of a list and where the next one starts (null: this is the last). */
export interface BrowsePage<T> {
  readonly rows: T[];
  readonly next: string | null;
}

export interface OrderPageFilter {
  readonly state?: string;
  readonly account?: string;
  readonly since?: Date;
  readonly until?: Date;
}

export type OrderPageRow = Omit<OrderRow, 'source_topic' | 'source_partition' | 'source_offset' | 'warnings'> & {
  items: number;
  numbers: number;
};

/** The cursor of a page: received_at as PostgreSQL wrote it (microseconds) and the order id, base64url JSON. */
function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined, length: number): string[] | null {
  if (!cursor) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parts) && parts.length === length && parts.every((p) => typeof p === 'string') ? (parts as string[]) : null;
  } catch {
    return null;
  }
}

/** Orders newest first, a page at a time; a cursor this function did not issue starts from the top. */
export async function orderPage(pool: Pool, filter: OrderPageFilter, size: number, cursor?: string): Promise<BrowsePage<OrderPageRow>> {
  const after = decodeCursor(cursor, 2);
  const { rows } = await pool.query<OrderPageRow & { received_key: string }>(sql.ORDER_PAGE, [
    filter.state ?? null,
    filter.account ?? null,
    filter.since?.toISOString() ?? null,
    filter.until?.toISOString() ?? null,
    after?.[0] ?? null,
    after?.[1] ?? null,
    size + 1,
  ]);
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    rows: page.map(({ received_key: _, ...row }) => row),
    next: rows.length > size && last ? encodeCursor([last.received_key, last.order_id]) : null,
  };
}

export interface AccountListRow {
  name: string;
  correlation_id: string | null;
  teams_tenant_id: string | null;
  deleted_at: Date | null;
  updated_at: Date;
  live_numbers: number;
}

/** LIKE's own characters matched literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Accounts by name; `search` matches a name prefix, or a correlation id or tenant id exactly. */
export async function accountPage(
  pool: Pool,
  search: string | undefined,
  size: number,
  after?: string,
): Promise<BrowsePage<AccountListRow>> {
  const term = search?.trim() || null;
  const { rows } = await pool.query<AccountListRow>(sql.ACCOUNT_PAGE, [
    term === null ? null : likeLiteral(term),
    after || null,
    size + 1,
    term,
  ]);
  const page = rows.slice(0, size);
  return { rows: page, next: rows.length > size ? (page.at(-1)?.name ?? null) : null };
}

export interface NumberListRow {
  telephone_number: string;
  account_name: string;
  service_details: Record<string, unknown>;
  observed: Record<string, unknown> | null;
  sync_state: string | null;
  custom_sip_header: string | null;
  last_order_id: string;
  deleted_at: Date | null;
  updated_at: Date;
}

/** Numbers in E.164 order; `prefix` is "+" and digits (validated by the caller), `account` one account's numbers. */
export async function numberPage(
  pool: Pool,
  filter: { prefix?: string; account?: string },
  size: number,
  after?: string,
): Promise<BrowsePage<NumberListRow>> {
  const { rows } = await pool.query<NumberListRow>(sql.NUMBER_PAGE, [
    filter.prefix ? likeLiteral(filter.prefix) : null,
    filter.account ?? null,
    after || null,
    size + 1,
  ]);
  const page = rows.slice(0, size);
  return { rows: page, next: rows.length > size ? (page.at(-1)?.telephone_number ?? null) : null };
}
