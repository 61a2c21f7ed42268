import type { Pool } from 'pg';
import * as sql from './consent-sql.js';

/**
 * Consents per tenant for `flowthrough consents …`, the read API and the web
 * console: one query layer. Each row joins what the backend last reported
 * (backend_consents) with the relationship our orders set (consents).
 */

/** The tenant's consent state: the backend's status while it lists the tenant, else gone or unknown (never read). */
export type ConsentState = 'active' | 'suspended' | 'removed' | 'gone' | 'unknown' | (string & {});
export const CONSENT_STATES = ['active', 'suspended', 'removed', 'gone', 'unknown'] as const;

export interface ConsentRow {
  tenant_id: string;
  state: ConsentState;
  /** The backend's status (kept for a tenant it no longer lists); null: never read. */
  status: string | null;
  consented_countries: string[] | null;
  contacts: Array<Record<string, unknown>> | null;
  /** CustomerRelationship as the backend reports it. */
  backend_relationship: { status?: string; comment?: string | null; lastModifiedOn?: string } | null;
  consented_on: Date | null;
  last_modified_on: Date | null;
  product_context: string | null;
  operator_id: string | null;
  backend_account: string | null;
  read_at: Date | null;
  gone_at: Date | null;
  /** The relationship our latest order for the tenant set ({status, comment}); null: no order set one. */
  our_relationship: { status?: string; comment?: string | null } | null;
  last_order_id: string | null;
  /** The last order the consent sync is done with (written, refused, or not to be written). */
  synced_order_id: string | null;
  sync_error: { code?: string; message?: string; orderId?: string } | null;
  our_updated_at: Date | null;
  /** The first live account (by name) whose Teams tenant this is; null: none. */
  our_account: string | null;
  held_numbers: number;
}

export interface HeldNumber {
  order_id: string;
  item_id: string;
  telephone_number: string;
  service: string;
  operation: string;
  held_reason: { code?: string; message?: string } | null;
  held_since: Date | null;
  account_name: string;
}

export interface ConsentDetail {
  readonly consent: ConsentRow;
  readonly accounts: string[];
  /** At most the limit asked for; consent.held_numbers counts them all. */
  readonly held: HeldNumber[];
}

export interface ConsentPageRequest {
  /** After this tenant id (exclusive); null: from the first. */
  readonly after: string | null;
  readonly limit: number;
  readonly state?: string;
  /** Tenants the backend no longer lists too (the CLI shows them; the read API, like the backend, does not). */
  readonly includeGone?: boolean;
}

/** Tenants by tenant id. */
export async function consentPage(pool: Pool, request: ConsentPageRequest): Promise<ConsentRow[]> {
  const { rows } = await pool.query<ConsentRow>(sql.CONSENT_PAGE, [
    request.after,
    request.state ?? null,
    request.includeGone === true,
    request.limit,
  ]);
  return rows;
}

/** One tenant (any case), with its accounts and at most `heldLimit` held numbers; null when neither table has it. */
export async function consentDetail(pool: Pool, tenantId: string, heldLimit = 1_000): Promise<ConsentDetail | null> {
  const tenant = tenantId.toLowerCase();
  const consent = (await pool.query<ConsentRow>(sql.SELECT_CONSENT, [tenant])).rows[0];
  if (consent === undefined) return null;
  const [accounts, held] = await Promise.all([
    pool.query<{ name: string }>(sql.TENANT_ACCOUNTS, [tenant]),
    pool.query<HeldNumber>(sql.HELD_NUMBERS, [tenant, heldLimit]),
  ]);
  return { consent, accounts: accounts.rows.map((r) => r.name), held: held.rows };
}

/**
 * Where writing our relationship to the backend stands: none (no order set one), pending (an order's is
 * not written yet), failed (refused: sync_error), notSynchronised (recorded only), synced.
 */
export function relationshipSync(row: ConsentRow): 'none' | 'pending' | 'failed' | 'notSynchronised' | 'synced' {
  if (row.last_order_id === null) return 'none';
  if (row.synced_order_id !== row.last_order_id) return 'pending';
  if (row.sync_error?.code === 'not_synchronised') return 'notSynchronised';
  return row.sync_error ? 'failed' : 'synced';
}
