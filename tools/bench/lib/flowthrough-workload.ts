import type { ConsentSeed } from '../../../src/simulator/index.js';
import { numberPlan, seededGuid, seededRandom, UK_207 } from './number-plan.js';
import { orderRecord, type BenchRecord, type WireOrder, type WorkloadSpec } from './order-generator.js';

/**
 * The flow-through workload: `tenants` accounts (each its own Teams tenant,
 * Operator Connect enabled + syncEnabled), then `ordersPerTenant` orders of
 * `numbersPerOrder` Operator Connect numbers per tenant, as the BSS publishes
 * them (CloudEvents binary mode, key = account). Numbers are London
 * (+44 20 7XXX XXXX, country GB), scattered by the seeded permutation.
 */
export interface FlowThroughSpec {
  readonly seed: number;
  readonly tenants: number;
  readonly ordersPerTenant: number;
  readonly numbersPerOrder: number;
  /**
   * Publishing order of the number orders. by-tenant: a tenant's orders one
   * after another (a BSS migrating customer by customer); round-robin: order
   * k goes to tenant k mod tenants, so every tenant's last order comes in the
   * last round.
   */
  readonly interleave: 'by-tenant' | 'round-robin';
}

/** The consented country of every generated number. */
export const FLOWTHROUGH_COUNTRY = 'GB';

export interface FlowThroughTenant {
  readonly account: string;
  readonly tenantId: string;
}

export interface FlowThroughWorkload {
  readonly spec: FlowThroughSpec;
  readonly tenants: readonly FlowThroughTenant[];
  readonly numbers: number;
  readonly numberOrders: number;
  readonly accountOrderIds: readonly string[];
  readonly numberOrderIds: readonly string[];
  /** One ACTIVE consent per tenant covering FLOWTHROUGH_COUNTRY, for the simulator. */
  readonly consents: readonly ConsentSeed[];
  accountRecords(): Generator<BenchRecord>;
  numberRecords(): Generator<BenchRecord>;
}

const NUMBER_CONFIGURATION = Object.freeze({
  usage: 'CallingUserAssignment' as const,
  choosableCapabilities: Object.freeze(['InboundCalling', 'OutboundCalling'] as const),
});

export function flowThroughWorkload(spec: FlowThroughSpec): FlowThroughWorkload {
  const random = seededRandom(spec.seed ^ 0x0f10_7e57);
  const width = Math.max(3, String(spec.tenants).length);
  const tenants = Array.from({ length: spec.tenants }, (_, i) => ({
    account: `ft-acct-${String(i + 1).padStart(width, '0')}`,
    tenantId: seededGuid(random),
  }));
  const numberOrders = spec.tenants * spec.ordersPerTenant;
  const wireSpec: WorkloadSpec = {
    seed: spec.seed,
    accounts: spec.tenants,
    singleNumberOrders: 0,
    bulkOrders: numberOrders,
    numbersPerBulkOrder: spec.numbersPerOrder,
    source: '/bss/bench-flowthrough',
    epochMs: Date.parse('2026-01-01T00:00:00.000Z'),
  };
  const orderId = (sequence: number): string => `FT-${spec.seed}-${String(sequence + 1).padStart(7, '0')}`;
  const at = (sequence: number): string => new Date(wireSpec.epochMs + sequence).toISOString();
  /** The k-th number order published: its tenant and its round within the tenant. */
  const slot = (k: number): { tenant: number; round: number } =>
    spec.interleave === 'by-tenant'
      ? { tenant: Math.floor(k / spec.ordersPerTenant), round: k % spec.ordersPerTenant }
      : { tenant: k % spec.tenants, round: Math.floor(k / spec.tenants) };
  const plan = numberPlan(UK_207, spec.seed);

  function* accountRecords(): Generator<BenchRecord> {
    for (const [i, t] of tenants.entries()) {
      const order: WireOrder = {
        orderId: orderId(i),
        account: t.account,
        requestedAt: at(i),
        items: [
          {
            id: 'account',
            action: 'upsert',
            resource: 'account',
            account: {
              name: t.account,
              correlationId: `CRM-FT-${String(i + 1).padStart(6, '0')}`,
              serviceDetails: { teamsTenantId: t.tenantId, teamsOperatorConnect: { enabled: true, syncEnabled: true } },
            },
          },
        ],
      };
      yield orderRecord(wireSpec, i, order);
    }
  }

  function* numberRecords(): Generator<BenchRecord> {
    for (let k = 0; k < numberOrders; k += 1) {
      const { tenant, round } = slot(k);
      const t = tenants[tenant] as FlowThroughTenant;
      const sequence = spec.tenants + k;
      const first = (tenant * spec.ordersPerTenant + round) * spec.numbersPerOrder;
      const numbers = Array.from({ length: spec.numbersPerOrder }, (_, j) => ({
        telephoneNumber: plan(first + j),
        serviceDetails: { teamsOperatorConnect: { enabled: true as const, configuration: NUMBER_CONFIGURATION } },
      }));
      const order: WireOrder = {
        orderId: orderId(sequence),
        account: t.account,
        requestedAt: at(sequence),
        items: [{ id: 'numbers', action: 'upsert', resource: 'numbers', numbers }],
      };
      yield orderRecord(wireSpec, sequence, order);
    }
  }

  return {
    spec,
    tenants,
    numbers: numberOrders * spec.numbersPerOrder,
    numberOrders,
    accountOrderIds: tenants.map((_, i) => orderId(i)),
    numberOrderIds: Array.from({ length: numberOrders }, (_, k) => orderId(spec.tenants + k)),
    consents: tenants.map((t) => ({ tenantId: t.tenantId, status: 'active' as const, consentedCountries: [FLOWTHROUGH_COUNTRY] })),
    accountRecords,
    numberRecords,
  };
}
