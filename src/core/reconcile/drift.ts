import type { FlowThroughService } from '../order-state/initial-item-state.js';
import { configurationKey, type Association, type BackendConfiguration } from './association.js';

/** A number as the backend reports it to one tenant (number status / list). */
export interface BackendNumber {
  readonly telephoneNumber: string;
  readonly tenantId: string;
  readonly status: 'assigned' | 'unassigned';
  readonly teamsPhoneMobile: boolean | null;
  readonly configuration: BackendConfiguration | null;
}

export type DifferenceKind = 'missing_in_backend' | 'unexpected_in_backend' | 'configuration_differs' | 'service_differs';

export interface Difference {
  readonly telephoneNumber: string;
  readonly tenantId: string;
  readonly service: FlowThroughService;
  readonly kind: DifferenceKind;
  /** What we believe the backend holds. */
  readonly observed: Association | null;
  /** What the backend says it holds. */
  readonly actual: Association | null;
}

export interface ObservedNumber {
  readonly telephoneNumber: string;
  readonly observed: Partial<Record<FlowThroughService, Association>>;
}

const serviceOf = (tpm: boolean | null): FlowThroughService => (tpm === true ? 'teamsPhoneMobile' : 'teamsOperatorConnect');

/**
 * Compares what we observed for a tenant's numbers with what the backend
 * lists for that tenant. `ours` are the numbers we believe the tenant holds
 * or might hold; `theirs` what the backend says it holds. Every difference
 * is listed, sorted by number.
 */
export function compareTenant(tenantId: string, ours: readonly ObservedNumber[], theirs: readonly BackendNumber[]): Difference[] {
  const differences: Difference[] = [];
  const held = new Map<string, BackendNumber>();
  for (const b of theirs) if (b.status === 'assigned' && b.tenantId === tenantId) held.set(b.telephoneNumber, b);
  const seen = new Set<string>();
  for (const n of ours) {
    seen.add(n.telephoneNumber);
    const actualRecord = held.get(n.telephoneNumber);
    const actualService = actualRecord ? serviceOf(actualRecord.teamsPhoneMobile) : undefined;
    const actual: Association | null = actualRecord?.configuration
      ? { tenantId, teamsPhoneMobile: actualRecord.teamsPhoneMobile === true, configuration: actualRecord.configuration }
      : null;
    for (const service of ['teamsOperatorConnect', 'teamsPhoneMobile'] as const) {
      const observed = n.observed[service];
      const mine = observed && observed.tenantId === tenantId ? observed : null;
      const theirsHere = actualService === service ? actual : null;
      if (mine === null && theirsHere === null) continue;
      if (mine !== null && theirsHere === null) {
        const kind: DifferenceKind = actual !== null ? 'service_differs' : 'missing_in_backend';
        differences.push({ telephoneNumber: n.telephoneNumber, tenantId, service, kind, observed: mine, actual });
      } else if (mine === null && theirsHere !== null) {
        differences.push({
          telephoneNumber: n.telephoneNumber,
          tenantId,
          service,
          kind: 'unexpected_in_backend',
          observed: null,
          actual: theirsHere,
        });
      } else if (
        mine !== null &&
        theirsHere !== null &&
        configurationKey(mine.configuration, service) !== configurationKey(theirsHere.configuration, service)
      ) {
        differences.push({
          telephoneNumber: n.telephoneNumber,
          tenantId,
          service,
          kind: 'configuration_differs',
          observed: mine,
          actual: theirsHere,
        });
      }
    }
  }
  for (const b of held.values()) {
    if (seen.has(b.telephoneNumber) || !b.configuration) continue;
    const service = serviceOf(b.teamsPhoneMobile);
    differences.push({
      telephoneNumber: b.telephoneNumber,
      tenantId,
      service,
      kind: 'unexpected_in_backend',
      observed: null,
      actual: { tenantId, teamsPhoneMobile: b.teamsPhoneMobile === true, configuration: b.configuration },
    });
  }
  // service_differs is reported once per number, under the service we observed; drop the mirror entry.
  const deduped = differences.filter(
    (d) =>
      !(
        d.kind === 'unexpected_in_backend' &&
        differences.some((o) => o.kind === 'service_differs' && o.telephoneNumber === d.telephoneNumber)
      ),
  );
  return deduped.sort((a, b) =>
    a.telephoneNumber < b.telephoneNumber ? -1 : a.telephoneNumber > b.telephoneNumber ? 1 : a.service < b.service ? -1 : 1,
  );
}
