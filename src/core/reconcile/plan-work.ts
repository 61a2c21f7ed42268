import type { FlowThroughService } from '../order-state/initial-item-state.js';
import type { StatusReason } from '../status/status-data.js';
import { sameAssociation, type Association } from './association.js';
import { consentCovers } from '../telephony/country-of-number.js';

export type BackendOperationKind = 'upload' | 'release' | 'update';

/** One unfinished work row (order_item_numbers) of a number on a service. */
export interface PendingRow {
  readonly orderId: string;
  readonly itemId: string;
  readonly outcome: 'pending' | 'held';
  /** When the row was first held (ms), null when it never was. */
  readonly heldSinceMs: number | null;
  /** When its order was received (ms): the linger clock. */
  readonly receivedAtMs: number;
}

/** Everything the planner knows about one number on one flow-through service. */
export interface WorkKey {
  readonly telephoneNumber: string;
  readonly service: FlowThroughService;
  readonly managed: boolean;
  readonly desired: Association | null;
  readonly observed: Association | null;
  readonly rows: readonly PendingRow[];
  /** The drift audit asked to re-plan it (no linger). */
  readonly repair: boolean;
}

/** A tenant's consent as far as planning needs it; null: the tenant has none; 'unknown': could not be read. */
export type ConsentFacts = { readonly status: string; readonly consentedCountries: readonly string[] } | null | 'unknown';

export interface PlanSettings {
  readonly nowMs: number;
  readonly maxNumbersPerOrder: number;
  readonly lingerMs: number;
  readonly maxLingerMs: number;
  readonly consentDeadlineMs: number;
  readonly consentOf: (tenantId: string) => ConsentFacts;
  /** ISO 3166 alpha-2 country of a number, undefined when unknown (the backend then decides). */
  readonly countryOf: (telephoneNumber: string) => string | undefined;
}

export interface BatchEntry {
  readonly key: WorkKey;
  /** The association the operation sets; null for a release. */
  readonly target: Association | null;
}

/** One backend order to create: numbers of one tenant, one service, one operation. */
export interface PlannedBatch {
  readonly tenantId: string;
  readonly service: FlowThroughService;
  readonly operation: BackendOperationKind;
  readonly teamsPhoneMobile: boolean;
  readonly entries: readonly BatchEntry[];
}

export interface WorkPlan {
  readonly batches: PlannedBatch[];
  /** Already as desired (or not ours to manage): their rows succeed without a call. */
  readonly converged: WorkKey[];
  /** Uploads waiting for a consent. */
  readonly held: Array<{ readonly key: WorkKey; readonly reason: StatusReason }>;
  /** Held past the deadline: their rows fail. */
  readonly failed: Array<{ readonly key: WorkKey; readonly reason: StatusReason }>;
  /** Left for a later pass: lingering for more numbers, or the consent could not be read. */
  readonly deferred: Array<{ readonly key: WorkKey; readonly why: 'linger' | 'consent_unknown' }>;
}

/** Why an upload cannot go yet, or null when the consent allows it. Mirrors the backend's codes. */
export function consentProblem(tenantId: string, telephoneNumber: string, settings: PlanSettings): StatusReason | 'unknown' | null {
  const consent = settings.consentOf(tenantId);
  if (consent === 'unknown') return 'unknown';
  if (consent === null || consent.status !== 'active') {
    return { code: 'NoActiveConsent', message: `waiting for tenant ${tenantId} to give an active consent${consent ? ` (it is ${consent.status})` : ' (it has none)'}` };
  }
  const country = settings.countryOf(telephoneNumber);
  if (country !== undefined && !consentCovers(consent.consentedCountries, country)) {
    return { code: 'CountryNotConsented', message: `waiting for tenant ${tenantId} to consent to service in ${country}` };
  }
  return null;
}

type Needed = { kind: 'none' } | { kind: BackendOperationKind; tenantId: string; target: Association | null };

/** The one backend change that moves observed towards desired. */
export function neededChange(key: Pick<WorkKey, 'managed' | 'desired' | 'observed' | 'service'>): Needed {
  const { desired, observed, service } = key;
  if (!key.managed) return { kind: 'none' };
  if (desired === null) return observed === null ? { kind: 'none' } : { kind: 'release', tenantId: observed.tenantId, target: null };
  if (observed === null) return { kind: 'upload', tenantId: desired.tenantId, target: desired };
  // Another tenant holds it in our records: release there first; the upload follows on the next pass.
  if (observed.tenantId !== desired.tenantId) return { kind: 'release', tenantId: observed.tenantId, target: null };
  return sameAssociation(desired, observed, service) ? { kind: 'none' } : { kind: 'update', tenantId: observed.tenantId, target: desired };
}

const oldest = (key: WorkKey, fallback: number): number => key.rows.reduce((m, r) => Math.min(m, r.receivedAtMs), fallback);
const newest = (key: WorkKey): number => key.rows.reduce((m, r) => Math.max(m, r.receivedAtMs), 0);

/**
 * Plans one pass. Level-triggered: each number's change comes from desired
 * versus observed state, not from the operation its rows asked for, so rows
 * that later orders overtook converge with the number's final state. Numbers
 * are grouped by (tenant, service, operation) into batches of at most
 * maxNumbersPerOrder; a batch that is not full lingers until no number has
 * joined its group for lingerMs (or its oldest waited maxLingerMs).
 */
export function planWork(keys: readonly WorkKey[], settings: PlanSettings): WorkPlan {
  const plan: WorkPlan = { batches: [], converged: [], held: [], failed: [], deferred: [] };
  const groups = new Map<string, { tenantId: string; service: WorkKey['service']; operation: BackendOperationKind; entries: BatchEntry[] }>();
  for (const key of keys) {
    const change = neededChange(key);
    if (change.kind === 'none') {
      plan.converged.push(key);
      continue;
    }
    if (change.kind === 'upload') {
      const problem = consentProblem(change.tenantId, key.telephoneNumber, settings);
      if (problem === 'unknown') {
        plan.deferred.push({ key, why: 'consent_unknown' });
        continue;
      }
      if (problem !== null) {
        const heldSince = key.rows.reduce<number | null>((m, r) => (r.heldSinceMs === null ? m : Math.min(m ?? r.heldSinceMs, r.heldSinceMs)), null);
        if (heldSince !== null && settings.nowMs - heldSince >= settings.consentDeadlineMs) {
          plan.failed.push({ key, reason: { code: problem.code, message: `${problem.message}: gave up after ${Math.round(settings.consentDeadlineMs / 1000)} s` } });
        } else {
          plan.held.push({ key, reason: problem });
        }
        continue;
      }
    }
    const groupKey = `${change.tenantId}\u0000${key.service}\u0000${change.kind}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = { tenantId: change.tenantId, service: key.service, operation: change.kind, entries: [] };
      groups.set(groupKey, group);
    }
    group.entries.push({ key, target: change.target });
  }
  for (const group of groups.values()) {
    const since = new Map(group.entries.map((e) => [e, oldest(e.key, settings.nowMs)]));
    const entries = [...group.entries].sort((a, b) => (since.get(a) ?? 0) - (since.get(b) ?? 0) || (a.key.telephoneNumber < b.key.telephoneNumber ? -1 : 1));
    const groupNewest = entries.reduce((m, e) => Math.max(m, newest(e.key)), 0);
    const quiet = settings.nowMs - groupNewest >= settings.lingerMs;
    const max = settings.maxNumbersPerOrder;
    for (let start = 0; start < entries.length; start += max) {
      const chunk = entries.slice(start, start + max);
      const full = chunk.length === max;
      const due = full || quiet || chunk.some((e) => e.key.repair || settings.nowMs - (since.get(e) ?? settings.nowMs) >= settings.maxLingerMs);
      if (!due) {
        for (const e of chunk) plan.deferred.push({ key: e.key, why: 'linger' });
        continue;
      }
      plan.batches.push({ tenantId: group.tenantId, service: group.service, operation: group.operation, teamsPhoneMobile: group.service === 'teamsPhoneMobile', entries: chunk });
    }
  }
  return plan;
}
