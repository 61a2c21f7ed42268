import { numberPlan, seededGuid, seededRandom, UK_207, US_425 } from '../bench/lib/number-plan.js';
import type { ConsentSeed, NumberSeed } from '../../src/simulator/seeds.js';
import { Rng, deriveSeed } from '../fuzz/seeded-random.js';

/**
 * The chaos run's orders, as a BSS publishes them (CloudEvents binary mode,
 * key = account), all derived from the seed: the same seed and size give
 * the same records, byte for byte. Accounts sync Operator Connect (a third
 * also Direct Routing); after its creation each account gets a mix of
 * number uploads (some with a number that
 * another tenant holds: the backend fails them, partial orders), Direct Routing numbers (complete on
 * commit), reconfigurations (update orders), releases, consent
 * relationship updates and, now and then, a byte-identical resend of an
 * earlier order (at least once delivery). Numbers are never reused once
 * released, so a backend change applied twice stands out in the ledger.
 *
 * Some tenants start with a suspended consent that the run activates later
 * (their uploads are held, then complete). A separate account's number
 * orders come before the account exists: they are dead-lettered, then
 * replayed once it does.
 */

export interface ChaosRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly orderId: string;
  readonly account: string;
  readonly kind: OrderKind;
}

export type OrderKind =
  | 'account'
  | 'upload'
  | 'direct-routing'
  | 'reconfigure'
  | 'release'
  | 'consent'
  | 'resend'
  | 'late-numbers'
  | 'late-account';

export interface ChaosTenant {
  readonly account: string;
  readonly tenantId: string;
  readonly directRouting: boolean;
  /** Its consent is suspended at start and activated by the run. */
  readonly heldConsent: boolean;
}

export interface Workload {
  readonly tenants: readonly ChaosTenant[];
  /** The main stream, in publishing order. */
  readonly records: readonly ChaosRecord[];
  /** Number orders for `lateAccount` before it exists: dead-lettered, then replayed. */
  readonly lateRecords: readonly ChaosRecord[];
  /** The order that creates the late account, published after lateRecords were dead-lettered. */
  readonly lateAccountRecord: ChaosRecord;
  readonly lateAccount: ChaosTenant;
  /** The simulator's consents: every tenant's, suspended for the held ones (and the foreign tenant's). */
  readonly consents: readonly ConsentSeed[];
  /** Numbers a tenant that is none of ours holds at start: uploading one fails with NumberHeldByAnotherTenant. */
  readonly foreignNumbers: readonly NumberSeed[];
  readonly kinds: Readonly<Record<string, number>>;
}

const SOURCE = '/bss/chaos';
const EPOCH_MS = Date.parse('2025-01-01T00:00:00.000Z');
const CONSENTED = ['US', 'GB'];
const USAGES = ['CallingUserAssignment', 'FirstPartyAppAssignment', 'ConferenceAssignment'] as const;
const RELATIONSHIPS = ['CustomerContacted', 'AgreementSigned', 'ConsentAcknowledged'] as const;

interface Wire {
  orderId: string;
  account: string;
  requestedAt: string;
  items: unknown[];
}

function ocConfiguration(rng: Rng): Record<string, unknown> {
  const usage = rng.pick(USAGES);
  return {
    usage,
    choosableCapabilities:
      usage === 'ConferenceAssignment'
        ? ['InboundCalling']
        : rng.bool(0.5)
          ? ['InboundCalling', 'OutboundCalling']
          : ['OutboundCalling', 'InboundCalling'],
    allowTenantAddressUpdate: rng.bool(0.5),
  };
}

function accountItem(tenant: ChaosTenant, index: number): unknown {
  const serviceDetails: Record<string, unknown> = {
    teamsTenantId: tenant.tenantId,
    teamsOperatorConnect: { enabled: true, syncEnabled: true },
  };
  if (tenant.directRouting) {
    serviceDetails.teamsDirectRouting = {
      enabled: true,
      syncEnabled: true,
      configuration: {
        callScreening: index % 2 === 0,
        subdomain: `chaos${index}`.slice(0, 10),
        subdomainTokens: { region1Token: `ms-domain-verify-chaos${index}a`, region2Token: `ms-domain-verify-chaos${index}b` },
      },
    };
  }
  return {
    id: 'account',
    action: 'upsert',
    resource: 'account',
    account: { name: tenant.account, correlationId: `CRM-CHAOS-${index}`, serviceDetails },
  };
}

/** A deterministic CloudEvents id per order. */
function eventId(seed: number, sequence: number): string {
  return `${(seed >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

function record(seed: number, sequence: number, order: Wire, kind: OrderKind): ChaosRecord {
  return {
    key: order.account,
    value: Buffer.from(JSON.stringify(order)),
    headers: {
      ce_specversion: '1.0',
      ce_id: eventId(seed, sequence),
      ce_source: SOURCE,
      ce_type: 'io.flowthrough.order.v1',
      ce_time: order.requestedAt,
      ce_subject: order.account,
      'content-type': 'application/json',
    },
    orderId: order.orderId,
    account: order.account,
    kind,
  };
}

interface AccountScript {
  readonly tenant: ChaosTenant;
  readonly index: number;
  readonly remaining: number;
  /** Operator Connect numbers the account holds (desired), not released. */
  readonly live: string[];
  readonly sent: ChaosRecord[];
  done: number;
}

export function buildWorkload(options: { seed: number; orders: number }): Workload {
  const { seed } = options;
  const rng = new Rng(deriveSeed(seed, 0, 0xc4a05));
  const guids = seededRandom(deriveSeed(seed, 1, 0xc4a05));
  const accounts = Math.max(4, Math.min(200, Math.round(options.orders / 40)));
  const heldCount = Math.max(1, Math.round(accounts * 0.1));
  const tenants: ChaosTenant[] = Array.from({ length: accounts }, (_, i) => ({
    account: `chaos-${String(i + 1).padStart(3, '0')}`,
    tenantId: seededGuid(guids),
    directRouting: i % 3 === 2,
    heldConsent: i < heldCount,
  }));
  const us = numberPlan(US_425, deriveSeed(seed, 2, 0xc4a05));
  const uk = numberPlan(UK_207, deriveSeed(seed, 3, 0xc4a05));
  let usNext = 0;
  let ukNext = 0;
  const ocNumber = (): string => (rng.bool(0.5) ? us(usNext++) : uk(ukNext++));
  // Held by another operator's customer: the backend fails these numbers for good (partial orders).
  const foreignTenantId = seededGuid(guids);
  const foreignNumbers: NumberSeed[] = [];
  const foreignNumber = (): string => {
    const telephoneNumber = ocNumber();
    foreignNumbers.push({
      tenantId: foreignTenantId,
      telephoneNumber,
      configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] },
    });
    return telephoneNumber;
  };
  const drNumber = (i: number): string => `+4420${String(80_000_000 + i).padStart(8, '0')}`;
  let drNext = 0;

  let sequence = 0;
  const kinds: Record<string, number> = {};
  const next = (account: string, kind: OrderKind, items: unknown[]): ChaosRecord => {
    const s = sequence++;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const order: Wire = {
      orderId: `CHAOS-${seed}-${String(s + 1).padStart(6, '0')}`,
      account,
      requestedAt: new Date(EPOCH_MS + s * 1_000).toISOString(),
      items,
    };
    return record(seed, s, order, kind);
  };

  const perAccount = Math.max(0, options.orders - accounts);
  const scripts: AccountScript[] = tenants.map((tenant, i) => ({
    tenant,
    index: i + 1,
    remaining: 1 + Math.floor(perAccount / accounts) + (i < perAccount % accounts ? 1 : 0),
    live: [],
    sent: [],
    done: 0,
  }));

  const nextOrder = (script: AccountScript): ChaosRecord => {
    const { tenant } = script;
    if (script.done === 0) return next(tenant.account, 'account', [accountItem(tenant, script.index)]);
    const roll = rng.float();
    if (roll < 0.03 && script.sent.length > 1) {
      // The BSS sends an earlier order again, byte for byte.
      const again = rng.pick(script.sent.slice(1));
      kinds.resend = (kinds.resend ?? 0) + 1;
      return { ...again, kind: 'resend' };
    }
    if (roll < 0.08) {
      const status = rng.pick(RELATIONSHIPS);
      return next(tenant.account, 'consent', [
        {
          id: 'consent',
          action: 'update',
          resource: 'consent',
          tenantId: tenant.tenantId,
          consent: { customerRelationship: { status, comment: `chaos ${status}` } },
        },
      ]);
    }
    if (roll < 0.2 && script.live.length > 0) {
      const count = Math.min(script.live.length, rng.int(1, 2));
      const numbers = Array.from({ length: count }, () => script.live.splice(rng.int(0, script.live.length - 1), 1)[0] as string);
      return next(tenant.account, 'release', [
        { id: 'release', action: 'delete', resource: 'numbers', numbers: numbers.map((telephoneNumber) => ({ telephoneNumber })) },
      ]);
    }
    if (roll < 0.34 && script.live.length > 0) {
      const picked = new Set(Array.from({ length: Math.min(script.live.length, rng.int(1, 2)) }, () => rng.pick(script.live)));
      const numbers = [...picked].map((telephoneNumber) => ({
        telephoneNumber,
        serviceDetails: { teamsOperatorConnect: { enabled: true, configuration: ocConfiguration(rng) } },
      }));
      return next(tenant.account, 'reconfigure', [{ id: 'numbers', action: 'upsert', resource: 'numbers', numbers }]);
    }
    if (roll < 0.5 && tenant.directRouting) {
      const numbers = Array.from({ length: rng.int(1, 3) }, () => ({
        telephoneNumber: drNumber(drNext++),
        serviceDetails: { teamsDirectRouting: { enabled: true } },
      }));
      return next(tenant.account, 'direct-routing', [{ id: 'dr-numbers', action: 'upsert', resource: 'numbers', numbers }]);
    }
    const fresh = Array.from({ length: rng.int(1, 4) }, ocNumber);
    script.live.push(...fresh);
    const numbers = fresh.map((telephoneNumber) => ({
      telephoneNumber,
      serviceDetails: { teamsOperatorConnect: { enabled: true, configuration: ocConfiguration(rng) } },
    }));
    if (rng.bool(0.1))
      numbers.push({
        telephoneNumber: foreignNumber(),
        serviceDetails: { teamsOperatorConnect: { enabled: true, configuration: ocConfiguration(rng) } },
      });
    return next(tenant.account, 'upload', [{ id: 'numbers', action: 'upsert', resource: 'numbers', numbers }]);
  };

  // Accounts are created first (in a random order); then the accounts' orders interleave at random.
  const records: ChaosRecord[] = [];
  const creationOrder = [...scripts];
  for (let i = creationOrder.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [creationOrder[i], creationOrder[j]] = [creationOrder[j] as AccountScript, creationOrder[i] as AccountScript];
  }
  for (const script of creationOrder) {
    const created = nextOrder(script);
    script.sent.push(created);
    script.done += 1;
    records.push(created);
  }
  let open = scripts.filter((s) => s.done < s.remaining);
  while (open.length > 0) {
    const script = rng.pick(open);
    const made = nextOrder(script);
    if (made.kind !== 'resend') script.sent.push(made);
    script.done += 1;
    records.push(made);
    if (script.done >= script.remaining) open = open.filter((s) => s !== script);
  }

  // The late account: its creation order is older than its number orders (BSS time), but published after them.
  const lateAccount: ChaosTenant = { account: 'chaos-late', tenantId: seededGuid(guids), directRouting: false, heldConsent: false };
  const lateAccountRecord = next(lateAccount.account, 'late-account', [accountItem(lateAccount, 0)]);
  const lateCount = Math.max(6, Math.min(40, Math.round(options.orders / 50)));
  const lateRecords = Array.from({ length: lateCount }, () => {
    const numbers = Array.from({ length: rng.int(1, 2) }, () => ({
      telephoneNumber: ocNumber(),
      serviceDetails: { teamsOperatorConnect: { enabled: true, configuration: ocConfiguration(rng) } },
    }));
    return next(lateAccount.account, 'late-numbers', [{ id: 'numbers', action: 'upsert', resource: 'numbers', numbers }]);
  });

  const consents: ConsentSeed[] = [...tenants, lateAccount, { tenantId: foreignTenantId, heldConsent: false }].map((t) => ({
    tenantId: t.tenantId,
    status: t.heldConsent ? ('suspended' as const) : ('active' as const),
    consentedCountries: CONSENTED,
    customerRelationship: { status: 'ConsentAcknowledged' as const },
  }));
  return { tenants, records, lateRecords, lateAccountRecord, lateAccount, consents, foreignNumbers, kinds };
}
