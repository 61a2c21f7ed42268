import type { StatusReason } from '../status/status-data.js';
import { SUPERSEDED_BY_LATER_ORDER } from '../order-state/states.js';
import type { Association } from './association.js';
import type { BackendOperationKind, WorkService } from './backend-kind.js';
import { OPERATOR_CONNECT_HOLDINGS, type HoldingModel } from './holding-model.js';
import { consentCovers } from '../telephony/country-of-number.js';

export type { BackendOperationKind } from './backend-kind.js';

/** One unfinished work row (order_item_numbers) of a number on a service. */
export interface PendingRow {
  readonly orderId: string;
  readonly itemId: string;
  readonly outcome: 'pending' | 'held';
  /** When the row was first held (ms), null when it never was. */
  readonly heldSinceMs: number | null;
  /** When its order was received (ms): the linger clock. */
  readonly receivedAtMs: number;
  /** What the row's order asked of the backend for this number and service (the intake's operation). */
  readonly operation: BackendOperationKind;
  /** The order in which the number's changes were applied: a higher rank came later. Only compared within one key. */
  readonly rank: number;
  /**
   * Due for planning now (default). A held row whose re-check is not due is
   * still listed with false: it is decided with its key (superseded, say), but
   * neither starts nor lingers a batch.
   */
  readonly due?: boolean;
}

/** A holding as recorded from the backend's answers, with where it came from. */
export type Observed<H> = H & { readonly remoteOrderId?: string | null; readonly at?: string };

/** Everything the planner knows about one number on one work service; H is the backend's holding (HoldingModel). */
export interface WorkKey<H = Association> {
  readonly telephoneNumber: string;
  readonly service: WorkService;
  readonly managed: boolean;
  readonly desired: H | null;
  /** What the backend holds as recorded from its answers (a settled operation, the drift audit's read); null: nothing recorded. */
  readonly observed: Observed<H> | null;
  readonly rows: readonly PendingRow[];
  /** The drift audit asked to re-plan it (no linger). */
  readonly repair: boolean;
  /**
   * Where a release goes when nothing is recorded as held: the Teams tenant of
   * the number's account (operator-connect) or the account (acg).
   */
  readonly releaseScope?: string | null;
  /** Set while the backend cannot take the key's change yet (acg: its account is not written): it waits, untouched. */
  readonly blocked?: StatusReason | null;
  /** The order that last changed the number (it overtook rows that no longer match the desired state). */
  readonly lastOrderId?: string | null;
  /** The order that last changed the number's account (it turned synchronisation off when managed is false). */
  readonly accountOrderId?: string | null;
}

/** A tenant's consent as far as planning needs it; null: the tenant has none; 'unknown': could not be read. */
export type ConsentFacts = { readonly status: string; readonly consentedCountries: readonly string[] } | null | 'unknown';

export interface PlanSettings<H = Association> {
  readonly nowMs: number;
  /** The backend's holdings; Operator Connect's when absent. */
  readonly holdings?: HoldingModel<H>;
  readonly maxNumbersPerOrder: number;
  readonly lingerMs: number;
  readonly maxLingerMs: number;
  readonly consentDeadlineMs: number;
  readonly consentOf: (tenantId: string) => ConsentFacts;
  /** ISO 3166 alpha-2 country of a number, undefined when unknown (the backend then decides). */
  readonly countryOf: (telephoneNumber: string) => string | undefined;
}

export interface BatchEntry<H = Association> {
  readonly key: WorkKey<H>;
  /** The holding the operation sets; null for a release. */
  readonly target: H | null;
  /**
   * The work rows the operation carries: they take its result. A row whose
   * change the operation does not make (an upload waiting for the release
   * from the number's previous tenant) takes only a failure; on success it is
   * planned again (see fulfils).
   */
  readonly rows: readonly PendingRow[];
}

/** One backend operation to create: numbers of one scope (tenant or account), one service, one operation. */
export interface PlannedBatch<H = Association> {
  readonly scope: string;
  readonly service: WorkService;
  readonly operation: BackendOperationKind;
  readonly teamsPhoneMobile: boolean;
  readonly entries: readonly BatchEntry<H>[];
}

/** A work row settled without a backend call. */
export interface RowDecision<H = Association> {
  readonly key: WorkKey<H>;
  readonly row: PendingRow;
  readonly outcome: 'succeeded' | 'failed' | 'superseded';
  /** The failure's code, or SUPERSEDED_BY_LATER_ORDER; null for a success. */
  readonly code: string | null;
  readonly message: string;
  /** The later order that superseded the row (superseded only). */
  readonly supersededBy: string | null;
}

export interface WorkPlan<H = Association> {
  readonly batches: PlannedBatch<H>[];
  /** Keys that need no backend call (already as desired, or not ours to manage). */
  readonly converged: WorkKey<H>[];
  /** Uploads waiting for a consent, with the rows to hold. */
  readonly held: Array<{ readonly key: WorkKey<H>; readonly rows: readonly PendingRow[]; readonly reason: StatusReason }>;
  /** Held past the deadline: their current row fails. */
  readonly failed: Array<{ readonly key: WorkKey<H>; readonly reason: StatusReason }>;
  /** Rows settled without a call: superseded ones, and the current row of a converged or failed key. */
  readonly decided: RowDecision<H>[];
  /** Left for a later pass: lingering for more numbers, the consent could not be read, or the backend is not ready (blocked). */
  readonly deferred: Array<{ readonly key: WorkKey<H>; readonly why: 'linger' | 'consent_unknown' | 'blocked' }>;
}

/** Why an upload cannot go yet, or null when the consent allows it. Mirrors the backend's codes. */
export function consentProblem<H>(tenantId: string, telephoneNumber: string, settings: PlanSettings<H>): StatusReason | 'unknown' | null {
  const consent = settings.consentOf(tenantId);
  if (consent === 'unknown') return 'unknown';
  if (consent === null || consent.status !== 'active') {
    return {
      code: 'NoActiveConsent',
      message: `waiting for tenant ${tenantId} to give an active consent${consent ? ` (it is ${consent.status})` : ' (it has none)'}`,
    };
  }
  const country = settings.countryOf(telephoneNumber);
  if (country !== undefined && !consentCovers(consent.consentedCountries, country)) {
    return { code: 'CountryNotConsented', message: `waiting for tenant ${tenantId} to consent to service in ${country}` };
  }
  return null;
}

type Needed<H> = { kind: 'none' } | { kind: BackendOperationKind; scope: string; target: H | null };

/** The one backend change that moves observed towards desired. */
export function neededChange<H = Association>(
  key: Pick<WorkKey<H>, 'managed' | 'desired' | 'observed' | 'service'>,
  holdings: HoldingModel<H> = OPERATOR_CONNECT_HOLDINGS as unknown as HoldingModel<H>,
): Needed<H> {
  const { desired, observed, service } = key;
  if (!key.managed) return { kind: 'none' };
  if (desired === null) return observed === null ? { kind: 'none' } : { kind: 'release', scope: holdings.scopeOf(observed), target: null };
  if (observed === null) return { kind: 'upload', scope: holdings.scopeOf(desired), target: desired };
  // Another tenant (account) holds it in our records: release there first; the upload follows on the next pass.
  if (holdings.scopeOf(observed) !== holdings.scopeOf(desired)) return { kind: 'release', scope: holdings.scopeOf(observed), target: null };
  return holdings.same(desired, observed, service)
    ? { kind: 'none' }
    : { kind: 'update', scope: holdings.scopeOf(observed), target: desired };
}

/** What a row asks the backend to end up with for its number: the number held (upload, update) or not held (release). */
const wants = (operation: BackendOperationKind): 'held' | 'released' => (operation === 'release' ? 'released' : 'held');

/**
 * Whether an operation makes the change a row asked for: a release makes a
 * release row's change, an upload or update an upload or update row's (an
 * update row whose number the backend does not hold yet is made by an
 * upload). A row that an operation carries without this (an upload waiting
 * for the release from the number's previous tenant) succeeds only through
 * an operation of its own.
 */
export function fulfils(operation: BackendOperationKind, rowOperation: BackendOperationKind): boolean {
  return wants(operation) === wants(rowOperation);
}

const byRank = (rows: readonly PendingRow[]): PendingRow[] => [...rows].sort((a, b) => a.rank - b.rank);

/** A row a later change replaced before it reached the backend, with that change's order. */
interface Superseded {
  readonly row: PendingRow;
  readonly by: string;
  readonly message: string;
}

/**
 * A key's rows split into the current one and those a later change
 * superseded. Every row but the newest was replaced by the change after it
 * before reaching the backend. The newest is current when it asks for what
 * the desired state now holds; when it does not (the number was changed
 * while the account did not sync, so that change left no row), it was
 * superseded too, by the number's last order. Without synchronisation (managed
 * false) nothing is current: a later account order turned it off.
 */
function currentRow<H>(key: WorkKey<H>, sorted: readonly PendingRow[]): { current: PendingRow | null; superseded: Superseded[] } {
  const later = (row: PendingRow, by: string): Superseded => ({
    row,
    by,
    message: `not sent: order ${by} changed ${key.telephoneNumber} on ${key.service} before this change reached the backend; that order's result is the number's`,
  });
  const superseded: Superseded[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 1) superseded.push(later(sorted[i] as PendingRow, (sorted[i + 1] as PendingRow).orderId));
  const latest = sorted.at(-1);
  if (latest === undefined) return { current: null, superseded };
  if (!key.managed) {
    const by = key.accountOrderId ?? key.lastOrderId ?? latest.orderId;
    superseded.push({
      row: latest,
      by,
      message: `not sent: the account no longer synchronises ${key.service} (order ${by}); the operator manages it in Microsoft's portal`,
    });
    return { current: null, superseded };
  }
  if (wants(latest.operation) !== (key.desired === null ? 'released' : 'held')) {
    const by =
      key.lastOrderId !== undefined && key.lastOrderId !== null && key.lastOrderId !== latest.orderId
        ? key.lastOrderId
        : (key.accountOrderId ?? latest.orderId);
    superseded.push(later(latest, by));
    return { current: null, superseded };
  }
  return { current: latest, superseded };
}

/** The message of a row that succeeds without a call: what the backend confirmed, and when. */
function alreadyHeldMessage(observed: { readonly remoteOrderId?: string | null }): string {
  const where = observed.remoteOrderId ? `its order ${observed.remoteOrderId}` : "the drift audit's read";
  return `nothing to send: the backend already holds exactly this (confirmed by ${where})`;
}

const oldest = (rows: readonly PendingRow[], fallback: number): number => rows.reduce((m, r) => Math.min(m, r.receivedAtMs), fallback);
const newest = (rows: readonly PendingRow[]): number => rows.reduce((m, r) => Math.max(m, r.receivedAtMs), 0);
const dueRows = <H>(key: WorkKey<H>): PendingRow[] => key.rows.filter((r) => r.due !== false);

/**
 * Plans one pass. Level-triggered: each number's change comes from desired
 * versus observed state, not from the operation its rows asked for. Of a
 * number's unfinished rows only the newest is current (currentRow); the
 * others were superseded by a later order before they reached the backend
 * and say so, never "succeeded". A row succeeds without a call only when the
 * backend already holds exactly what it asks, as recorded from the backend's
 * own answers (observed state); a release whose number nothing records as
 * held is sent, and the backend's answer (NumberNotFound: not held) confirms
 * it. Numbers are grouped by (tenant, service, operation) into batches of at
 * most maxNumbersPerOrder; a batch that is not full lingers until no number
 * has joined its group for lingerMs (or its oldest waited maxLingerMs).
 */
export function planWork<H = Association>(keys: readonly WorkKey<H>[], settings: PlanSettings<H>): WorkPlan<H> {
  const holdings = settings.holdings ?? (OPERATOR_CONNECT_HOLDINGS as unknown as HoldingModel<H>);
  const plan: WorkPlan<H> = { batches: [], converged: [], held: [], failed: [], decided: [], deferred: [] };
  type Pending = { entry: BatchEntry<H>; superseded: readonly Superseded[] };
  const groups = new Map<string, { scope: string; service: WorkService; operation: BackendOperationKind; entries: Pending[] }>();
  const decideSuperseded = (key: WorkKey<H>, superseded: readonly Superseded[]): void => {
    for (const s of superseded)
      plan.decided.push({
        key,
        row: s.row,
        outcome: 'superseded',
        code: SUPERSEDED_BY_LATER_ORDER,
        message: s.message,
        supersededBy: s.by,
      });
  };
  for (const key of keys) {
    if (key.blocked) {
      plan.deferred.push({ key, why: 'blocked' });
      continue;
    }
    const sorted = byRank(key.rows);
    const { current, superseded } = currentRow(key, sorted);
    let change = neededChange(key, holdings);
    // Nothing recorded as held and the current row asks for a release: the backend's answer decides, not our records.
    if (change.kind === 'none' && current?.operation === 'release' && key.observed === null && key.releaseScope) {
      change = { kind: 'release', scope: key.releaseScope, target: null };
    }
    if (change.kind === 'none') {
      plan.converged.push(key);
      decideSuperseded(key, superseded);
      if (current) {
        const message = key.observed
          ? alreadyHeldMessage(key.observed)
          : 'nothing to release: the account has no Teams tenant the backend could hold it for';
        plan.decided.push({ key, row: current, outcome: 'succeeded', code: null, message, supersededBy: null });
      }
      continue;
    }
    // Sending needs a consent when it starts a sync to a tenant: an upload, or (acg) an update that adds Teams services.
    const consentTenant = change.target === null ? null : holdings.consentTenantOf(change.target);
    const startsSync =
      consentTenant !== null &&
      (key.observed === null || change.kind === 'upload' || holdings.consentTenantOf(key.observed) !== consentTenant);
    if (consentTenant !== null && startsSync) {
      const problem = consentProblem(consentTenant, key.telephoneNumber, settings);
      if (problem === 'unknown') {
        plan.deferred.push({ key, why: 'consent_unknown' });
        continue;
      }
      if (problem !== null) {
        decideSuperseded(key, superseded);
        const heldSince = current?.heldSinceMs ?? null;
        if (current && heldSince !== null && settings.nowMs - heldSince >= settings.consentDeadlineMs) {
          const reason = {
            code: problem.code,
            message: `${problem.message}: gave up after ${Math.round(settings.consentDeadlineMs / 1000)} s`,
          };
          plan.failed.push({ key, reason });
          plan.decided.push({ key, row: current, outcome: 'failed', code: reason.code, message: reason.message, supersededBy: null });
        } else {
          plan.held.push({ key, rows: current ? [current] : [], reason: problem });
        }
        continue;
      }
    }
    const operation = holdings.sentAs(change.kind);
    const groupKey = `${change.scope}\u0000${key.service}\u0000${operation}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = { scope: change.scope, service: key.service, operation, entries: [] };
      groups.set(groupKey, group);
    }
    const rows = carried(change.kind, current, sorted);
    group.entries.push({ entry: { key, target: change.target, rows }, superseded: superseded.filter((s) => !rows.includes(s.row)) });
  }
  for (const group of groups.values()) {
    const since = new Map(group.entries.map((e) => [e, oldest(dueRows(e.entry.key), settings.nowMs)]));
    const entries = [...group.entries].sort(
      (a, b) => (since.get(a) ?? 0) - (since.get(b) ?? 0) || (a.entry.key.telephoneNumber < b.entry.key.telephoneNumber ? -1 : 1),
    );
    const groupNewest = entries.reduce((m, e) => Math.max(m, newest(dueRows(e.entry.key))), 0);
    const quiet = settings.nowMs - groupNewest >= settings.lingerMs;
    const max = settings.maxNumbersPerOrder;
    for (let start = 0; start < entries.length; start += max) {
      const chunk = entries.slice(start, start + max);
      const full = chunk.length === max;
      const due =
        full || quiet || chunk.some((e) => e.entry.key.repair || settings.nowMs - (since.get(e) ?? settings.nowMs) >= settings.maxLingerMs);
      if (!due) {
        for (const e of chunk) plan.deferred.push({ key: e.entry.key, why: 'linger' });
        continue;
      }
      plan.batches.push({
        scope: group.scope,
        service: group.service,
        operation: group.operation,
        teamsPhoneMobile: group.service === 'teamsPhoneMobile',
        entries: chunk.map((e) => e.entry),
      });
      for (const e of chunk) decideSuperseded(e.entry.key, e.superseded);
    }
  }
  return plan;
}

/**
 * The rows an operation carries: the current row and, when the operation
 * does not make the current row's change (a release from the previous
 * tenant before an upload to the new one), the newest earlier row whose
 * change it does make. The rest stay superseded.
 */
function carried(operation: BackendOperationKind, current: PendingRow | null, sorted: readonly PendingRow[]): PendingRow[] {
  if (current === null) return [];
  if (fulfils(operation, current.operation)) return [current];
  const made = [...sorted].reverse().find((r) => r !== current && fulfils(operation, r.operation));
  return made === undefined ? [current] : [made, current];
}
