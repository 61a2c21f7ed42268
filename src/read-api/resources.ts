import type { Pool } from 'pg';
import type { AccountServiceDetailsSpec, NumberServiceDetailsSpec } from '../core/order/order.js';
import { numberCounts } from '../ops/index.js';
import * as sql from './read-api-sql.js';

/**
 * AccountResource and NumberResource bodies as ACG's Provisioning API
 * (2024-02-29-preview) defines them, built from desired state, with
 * serviceProvisioningStatus telling where flow-through stands:
 * pending while work is open, failed (with errors) when the last word was a
 * failure, synced otherwise. An account's errors are the failed and partial
 * items of its latest finished order, each with its reason (a consent item
 * the backend refused carries the backend's code, e.g. ConsentNotFound); a
 * number's last word is its newest work row that was not superseded.
 */
export type ProvisioningStatus = 'pending' | 'synced' | 'failed';

export interface ApiError {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

interface AccountRow {
  name: string;
  correlation_id: string | null;
  teams_tenant_id: string | null;
  service_details: AccountServiceDetailsSpec;
  /** teamsDirectRouting.subdomainStatus as the backend last reported it (accounts.backend_observed); null: never reported. */
  subdomain_status: string | null;
}

/** TeamsDirectRoutingSubdomainProvisioningStatus of the swagger. */
const SUBDOMAIN_STATUSES = ['provisioned', 'notProvisioned', 'inconsistent'];

/**
 * The subdomain's DNS provisioning as the backend reports it (BACKEND=acg:
 * ACG creates the records); notProvisioned when it reported nothing, as under
 * BACKEND=operator-connect, which provisions no DNS.
 */
function subdomainStatusOf(reported: string | null | undefined): string {
  return reported && SUBDOMAIN_STATUSES.includes(reported) ? reported : 'notProvisioned';
}

interface NumberRow {
  telephone_number: string;
  account_name: string;
  service_details: NumberServiceDetailsSpec;
  custom_sip_header: string | null;
}

function accountBody(
  row: AccountRow,
  counts: Readonly<Record<string, number>>,
  status: { status: ProvisioningStatus; errors: ApiError[] },
): Record<string, unknown> {
  const sd = row.service_details;
  const count = (service: string): number => counts[service] ?? 0;
  const synced = (service: 'teamsOperatorConnect' | 'teamsPhoneMobile' | 'zoomPhoneCloudPeering') => {
    const s = sd[service];
    return s === undefined ? {} : { [service]: { enabled: s.enabled, syncEnabled: s.syncEnabled, numberCount: count(service) } };
  };
  const dr = sd.teamsDirectRouting;
  const serviceDetails = {
    ...(row.teams_tenant_id ? { teamsTenantId: row.teams_tenant_id } : {}),
    ...synced('teamsOperatorConnect'),
    ...synced('teamsPhoneMobile'),
    ...synced('zoomPhoneCloudPeering'),
    ...(dr === undefined
      ? {}
      : {
          teamsDirectRouting: {
            enabled: dr.enabled,
            syncEnabled: dr.syncEnabled,
            numberCount: count('teamsDirectRouting'),
            ...(dr.configuration ? { configuration: dr.configuration } : {}),
            subdomainStatus: subdomainStatusOf(row.subdomain_status),
          },
        }),
    ...(sd.azureOperatorCallProtection
      ? {
          azureOperatorCallProtection: {
            enabled: sd.azureOperatorCallProtection.enabled,
            numberCount: count('azureOperatorCallProtection'),
          },
        }
      : {}),
  };
  return {
    name: row.name,
    ...(row.correlation_id ? { correlationId: row.correlation_id } : {}),
    serviceDetails,
    serviceProvisioningStatus: status.status,
    ...(status.errors.length > 0 ? { serviceProvisioningErrors: status.errors } : {}),
  };
}

function numberBody(row: NumberRow, status: { status: ProvisioningStatus; errors: ApiError[] }): Record<string, unknown> {
  return {
    telephoneNumber: row.telephone_number,
    accountName: row.account_name,
    serviceDetails: row.service_details,
    ...(row.custom_sip_header ? { configuration: { customSipHeader: row.custom_sip_header } } : {}),
    serviceProvisioningStatus: status.status,
    ...(status.errors.length > 0 ? { serviceProvisioningErrors: status.errors } : {}),
  };
}

async function accountStatuses(
  pool: Pool,
  names: readonly string[],
): Promise<Map<string, { status: ProvisioningStatus; errors: ApiError[] }>> {
  const out = new Map<string, { status: ProvisioningStatus; errors: ApiError[] }>();
  if (names.length === 0) return out;
  const { rows } = await pool.query<{ name: string; open: boolean; last_state: string | null; errors: ApiError[] | null }>(
    sql.ACCOUNT_STATUS,
    [names],
  );
  for (const r of rows) {
    if (r.open) out.set(r.name, { status: 'pending', errors: [] });
    else if (r.last_state === 'failed' || r.last_state === 'partial') out.set(r.name, { status: 'failed', errors: r.errors ?? [] });
    else out.set(r.name, { status: 'synced', errors: [] });
  }
  return out;
}

async function numberStatuses(
  pool: Pool,
  numbers: readonly string[],
): Promise<Map<string, { status: ProvisioningStatus; errors: ApiError[] }>> {
  const out = new Map<string, { status: ProvisioningStatus; errors: ApiError[] }>();
  for (const n of numbers) out.set(n, { status: 'synced', errors: [] });
  if (numbers.length === 0) return out;
  const { rows } = await pool.query<{
    telephone_number: string;
    service: string;
    outcome: string;
    error_code: string | null;
    message: string | null;
    open: boolean;
  }>(sql.NUMBER_STATUS, [numbers]);
  for (const r of rows) {
    const current = out.get(r.telephone_number) ?? { status: 'synced' as ProvisioningStatus, errors: [] };
    if (r.open || r.outcome === 'pending' || r.outcome === 'held') current.status = 'pending';
    else if (r.outcome === 'failed') {
      if (current.status !== 'pending') current.status = 'failed';
      current.errors.push({
        code: r.error_code ?? 'ProvisioningFailed',
        message: r.message ?? `${r.service} provisioning failed`,
        target: r.service,
      });
    }
    out.set(r.telephone_number, current);
  }
  // A pending number's earlier failure is history, not its current state.
  for (const s of out.values()) if (s.status === 'pending') s.errors.length = 0;
  return out;
}

export interface Page<T> {
  readonly items: T[];
  /** The last key of the page when there is a next page. */
  readonly nextAfter: string | null;
}

export async function accountPage(pool: Pool, after: string | null, size: number): Promise<Page<Record<string, unknown>>> {
  const { rows } = await pool.query<AccountRow>(sql.ACCOUNT_PAGE, [after, size + 1]);
  const page = rows.slice(0, size);
  const names = page.map((r) => r.name);
  const [counts, statuses] = await Promise.all([numberCounts(pool, names), accountStatuses(pool, names)]);
  return {
    items: page.map((r) => accountBody(r, counts.get(r.name) ?? {}, statuses.get(r.name) ?? { status: 'synced', errors: [] })),
    nextAfter: rows.length > size ? (page.at(-1)?.name ?? null) : null,
  };
}

export async function accountResource(pool: Pool, name: string): Promise<Record<string, unknown> | null> {
  const row = (await pool.query<AccountRow>(sql.SELECT_ACCOUNT, [name])).rows[0];
  if (row === undefined) return null;
  const [counts, statuses] = await Promise.all([numberCounts(pool, [name]), accountStatuses(pool, [name])]);
  return accountBody(row, counts.get(name) ?? {}, statuses.get(name) ?? { status: 'synced', errors: [] });
}

export async function accountExists(pool: Pool, name: string): Promise<boolean> {
  return (await pool.query(sql.ACCOUNT_EXISTS, [name])).rowCount === 1;
}

export async function numberPage(pool: Pool, account: string, after: string | null, size: number): Promise<Page<Record<string, unknown>>> {
  const { rows } = await pool.query<NumberRow>(sql.NUMBER_PAGE, [account, after, size + 1]);
  const page = rows.slice(0, size);
  const statuses = await numberStatuses(
    pool,
    page.map((r) => r.telephone_number),
  );
  return {
    items: page.map((r) => numberBody(r, statuses.get(r.telephone_number) ?? { status: 'synced', errors: [] })),
    nextAfter: rows.length > size ? (page.at(-1)?.telephone_number ?? null) : null,
  };
}

export async function numberResource(pool: Pool, telephoneNumber: string): Promise<Record<string, unknown> | null> {
  const row = (await pool.query<NumberRow>(sql.SELECT_NUMBER, [telephoneNumber])).rows[0];
  if (row === undefined) return null;
  const statuses = await numberStatuses(pool, [telephoneNumber]);
  return numberBody(row, statuses.get(telephoneNumber) ?? { status: 'synced', errors: [] });
}
