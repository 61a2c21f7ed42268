import type { Pool } from 'pg';
import type { FlowThroughService } from '../core/order-state/initial-item-state.js';
import type { Association } from '../core/reconcile/association.js';
import { compareTenant, type BackendNumber, type Difference, type ObservedNumber } from '../core/reconcile/drift.js';
import type { Logger } from '../platform/logging/logger.js';
import type { NumberStatus } from '../contracts/operator-connect-api.js';
import type { Planner } from './planner.js';
import * as sql from './sql.js';

export interface TenantNumberLister {
  listTenantNumbers(tenantId: string, options?: { signal?: AbortSignal }): Promise<NumberStatus[]>;
}

export interface DriftAuditOptions {
  readonly pool: Pool;
  readonly client: TenantNumberLister;
  readonly logger: Logger;
  /** Only this account's numbers (and its tenant). */
  readonly account?: string;
  /** Correct observed state to what the backend holds and plan the operations that bring it back to desired. */
  readonly repair?: boolean;
  /** Needed with repair. */
  readonly planner?: Planner;
}

export interface DriftAuditReport {
  readonly tenants: number;
  readonly numbersChecked: number;
  readonly differences: readonly (Difference & { readonly known: boolean })[];
  /** Numbers left out because an operation is carrying them right now. */
  readonly inFlight: number;
  readonly repaired: number;
  readonly operationsPlanned: number;
}

interface OurRow {
  telephone_number: string;
  account_name: string;
  observed: Partial<Record<FlowThroughService, Association>>;
  teams_tenant_id: string | null;
  in_flight: boolean;
}

function backendNumber(s: NumberStatus): BackendNumber {
  return {
    telephoneNumber: s.telephoneNumber,
    tenantId: s.tenantId,
    status: s.status,
    teamsPhoneMobile: s.teamsPhoneMobile,
    configuration: s.configuration,
  };
}

/**
 * Compares the observed state in PostgreSQL with what the backend lists for
 * each tenant (one paged list per tenant, not one read per number) and
 * reports every difference. With repair, observed state is corrected to the
 * backend's and the numbers are re-planned at once, so the reconciler's
 * operations bring the backend back to the desired state.
 */
export async function runDriftAudit(options: DriftAuditOptions): Promise<DriftAuditReport> {
  const { pool, client, logger } = options;
  const rows = (await pool.query<OurRow>(sql.DRIFT_AUDIT_NUMBERS, [options.account ?? null])).rows;
  const inFlight = rows.filter((r) => r.in_flight).length;
  const ours = rows.filter((r) => !r.in_flight);
  const tenants = new Set<string>();
  for (const r of ours) {
    if (r.teams_tenant_id) tenants.add(r.teams_tenant_id);
    for (const a of Object.values(r.observed)) if (a?.tenantId) tenants.add(a.tenantId);
  }
  const skipped = new Set(rows.filter((r) => r.in_flight).map((r) => r.telephone_number));
  const differences: (Difference & { known: boolean })[] = [];
  for (const tenantId of [...tenants].sort()) {
    const theirs = (await client.listTenantNumbers(tenantId)).map(backendNumber).filter((b) => !skipped.has(b.telephoneNumber));
    const mine: ObservedNumber[] = ours
      .filter((r) => r.teams_tenant_id === tenantId || Object.values(r.observed).some((a) => a?.tenantId === tenantId))
      .map((r) => ({ telephoneNumber: r.telephone_number, observed: r.observed }));
    const found = compareTenant(tenantId, mine, theirs);
    const unknown = found.filter((d) => !mine.some((m) => m.telephoneNumber === d.telephoneNumber)).map((d) => d.telephoneNumber);
    const owners = new Map(
      unknown.length === 0
        ? []
        : (await pool.query<{ telephone_number: string; account_name: string }>(sql.NUMBER_OWNERS, [unknown])).rows.map((r) => [
            r.telephone_number,
            r.account_name,
          ]),
    );
    for (const d of found) {
      const isMine = mine.some((m) => m.telephoneNumber === d.telephoneNumber);
      const owner = owners.get(d.telephoneNumber);
      // With --account, a number another account of the same tenant owns is that account's business.
      if (!isMine && options.account !== undefined && owner !== undefined && owner !== options.account) continue;
      differences.push({ ...d, known: isMine || owner !== undefined });
    }
  }
  let repaired = 0;
  let operationsPlanned = 0;
  if (options.repair && differences.length > 0) {
    const byNumber = new Map<string, (Difference & { known: boolean })[]>();
    for (const d of differences) if (d.known) byNumber.set(d.telephoneNumber, [...(byNumber.get(d.telephoneNumber) ?? []), d]);
    const observedOf = new Map(ours.map((r) => [r.telephone_number, r.observed]));
    for (const [telephoneNumber, list] of byNumber) {
      const observed: Partial<Record<FlowThroughService, Association>> = { ...(observedOf.get(telephoneNumber) ?? {}) };
      const services = new Set<FlowThroughService>();
      for (const d of list) {
        services.add(d.service);
        if (d.kind === 'service_differs' && d.actual) {
          delete observed[d.service];
          const other: FlowThroughService = d.actual.teamsPhoneMobile ? 'teamsPhoneMobile' : 'teamsOperatorConnect';
          observed[other] = d.actual;
          services.add(other);
        } else if (d.actual) observed[d.service] = d.actual;
        else delete observed[d.service];
      }
      await pool.query(sql.MARK_DRIFT, [telephoneNumber, JSON.stringify(observed), [...services]]);
      repaired += 1;
    }
    if (options.planner && repaired > 0) {
      const result = await options.planner.pass({ numbers: [...byNumber.keys()], ignoreLinger: true });
      operationsPlanned = result.operations;
    }
    logger.info({ repaired, operationsPlanned }, 'drift repaired: observed state corrected and operations planned');
  }
  return { tenants: tenants.size, numbersChecked: ours.length, differences, inFlight, repaired, operationsPlanned };
}
