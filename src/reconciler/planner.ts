import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { AccountServiceDetailsSpec, NumberServiceDetailsSpec } from '../core/order/order.js';
import type { WorkService } from '../core/reconcile/backend-kind.js';
import {
  planWork,
  type BackendOperationKind,
  type PendingRow,
  type PlannedBatch,
  type WorkKey,
  type WorkPlan,
} from '../core/reconcile/plan-work.js';
import { withTransaction } from '../platform/db/pool.js';
import type { Logger } from '../platform/logging/logger.js';
import type { BackendPlanning, NumberFacts } from './backend/backend.js';
import type { ConsentCache } from './consent-cache.js';
import { rollUpOrders, type StatusSettings } from './roll-up-orders.js';
import * as sql from './sql.js';

export interface PlannerOptions {
  readonly pool: Pool;
  /** The backend's half of planning: desired holdings, their comparison, request bodies. */
  readonly planning: BackendPlanning<unknown>;
  readonly logger: Logger;
  readonly consents: ConsentCache;
  readonly status: StatusSettings;
  readonly maxNumbersPerOrder: number;
  readonly lingerMs: number;
  readonly maxLingerMs: number;
  readonly planBatch: number;
  /**
   * Numbers one planning transaction takes (whole accounts; an account larger than this goes alone).
   * A pass's candidates are planned in transactions of this size, each committed (and announced
   * through onPlanned) before the next starts, so the first operations can be sent while the rest
   * of the pass is still being planned. Defaults to planBatch (one transaction per pass).
   */
  readonly planChunk?: number;
  /**
   * Numbers the first transaction of a pass takes (whole accounts), defaults to planChunk. Smaller,
   * its operations commit and go out sooner while the API may be waiting for work.
   */
  readonly firstChunk?: number;
  /** Called after a planning transaction that created operations committed. */
  readonly onPlanned?: () => void;
  readonly consentRecheckMs: number;
  readonly consentDeadlineMs: number;
  readonly countryOf: (telephoneNumber: string) => string | undefined;
}

export interface PlanPassResult {
  readonly operations: number;
  readonly numbersPlanned: number;
  readonly converged: number;
  readonly held: number;
  readonly failed: number;
  /** Numbers left lingering for their batch to fill. */
  readonly lingering: number;
  /** Numbers (and services) skipped because an operation of theirs is still open: a settle frees them. */
  readonly waiting: number;
  /** The candidates were cut by planBatch: more work is due now, the next pass should follow at once. */
  readonly more: boolean;
}

const NOTHING: PlanPassResult = {
  operations: 0,
  numbersPlanned: 0,
  converged: 0,
  held: 0,
  failed: 0,
  lingering: 0,
  waiting: 0,
  more: false,
};

interface Candidate {
  telephone_number: string;
  account_name: string | null;
  tenant_id: string | null;
}

interface LockedNumber {
  now_ms: number;
  telephone_number: string;
  service_details: NumberServiceDetailsSpec;
  custom_sip_header: string | null;
  deleted: boolean;
  observed: Partial<Record<WorkService, unknown>>;
  repair_services: WorkService[];
  last_order_id: string;
  account_name: string;
  account_order_id: string | null;
  teams_tenant_id: string | null;
  account_details: AccountServiceDetailsSpec | null;
  account_deleted: boolean;
  account_written: boolean;
}

interface UnplannedRow {
  order_id: string;
  item_id: string;
  telephone_number: string;
  service: WorkService;
  outcome: 'pending' | 'held';
  operation: BackendOperationKind;
  due: boolean;
  held_ms: number | null;
  received_ms: number;
  source_offset: number;
}

/**
 * The order in which a number's rows were applied: the row of the order that last changed the number
 * comes last; the others by when their order was received, then its offset (one intake chunk shares
 * received_at and a partition).
 */
function applicationOrder(lastOrderId: string): (a: UnplannedRow, b: UnplannedRow) => number {
  return (a, b) =>
    Number(a.order_id === lastOrderId) - Number(b.order_id === lastOrderId) ||
    a.received_ms - b.received_ms ||
    a.source_offset - b.source_offset ||
    (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0);
}

/** A locked number and its account as the backend's planning reads them. */
const numberFacts = (n: LockedNumber): NumberFacts => ({
  telephoneNumber: n.telephone_number,
  serviceDetails: n.service_details,
  customSipHeader: n.custom_sip_header,
  deleted: n.deleted,
  account: n.account_details
    ? {
        name: n.account_name,
        teamsTenantId: n.teams_tenant_id,
        serviceDetails: n.account_details,
        deleted: n.account_deleted,
        written: n.account_written,
      }
    : null,
});

const add = (a: PlanPassResult, b: PlanPassResult): PlanPassResult => ({
  operations: a.operations + b.operations,
  numbersPlanned: a.numbersPlanned + b.numbersPlanned,
  converged: a.converged + b.converged,
  held: a.held + b.held,
  failed: a.failed + b.failed,
  lingering: a.lingering + b.lingering,
  waiting: a.waiting + b.waiting,
  more: a.more || b.more,
});

const settingsHash = (batch: PlannedBatch<unknown>): string =>
  createHash('sha256')
    .update(JSON.stringify({ teamsPhoneMobile: batch.teamsPhoneMobile }))
    .digest('hex');

/**
 * Turns unplanned work into persisted backend operations, in one transaction
 * per pass: candidate numbers are locked with SKIP LOCKED (another planner or
 * an intake chunk holding one just leaves it for the next pass), desired and
 * observed state are compared by the pure planner, and the operations, held
 * and converged rows, and the order roll-ups are written together.
 */
export class Planner {
  constructor(private readonly options: PlannerOptions) {}

  /**
   * One pass: the candidates, planned in transactions of whole accounts (planChunk numbers each).
   * A transaction that had to read consents first is repeated once after reading them.
   */
  async pass(only?: { numbers?: readonly string[]; ignoreLinger?: boolean }): Promise<PlanPassResult> {
    const consents = this.options.consents;
    consents.startPass();
    const ignoreLinger = only?.ignoreLinger === true;
    let chunks: (readonly string[])[];
    let more = false;
    let readable = true;
    if (only?.numbers) chunks = [only.numbers];
    else {
      const found = await this.candidates(this.options.pool, this.options.planBatch);
      more = found.cut;
      // The candidates' consents are read before anything is locked: the first transaction plans at once instead of twice.
      for (const tenant of new Set(found.rows.map((r) => r.tenant_id))) if (tenant) consents.lookup(tenant);
      // A read that failed is not repeated for every transaction of this pass: its uploads wait for the next.
      if (consents.pending > 0) readable = await consents.refresh();
      chunks = this.chunks(found.rows);
    }
    let result: PlanPassResult = { ...NOTHING, more };
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      let part = await this.planChunk(chunk, ignoreLinger);
      if (readable && consents.pending > 0 && (await consents.refresh())) {
        const again = await this.planChunk(chunk, ignoreLinger);
        part = { ...add(part, again), lingering: again.lingering, waiting: again.waiting };
      }
      result = add(result, part);
      if (part.operations > 0) this.options.onPlanned?.();
    }
    return result;
  }

  private planChunk(numbers: readonly string[], ignoreLinger: boolean): Promise<PlanPassResult> {
    return withTransaction(this.options.pool, (client) => this.planLocked(client, numbers, ignoreLinger));
  }

  /** Candidates cut into runs of whole accounts of at most planChunk numbers, the first of firstChunk (a larger account alone). */
  private chunks(candidates: readonly Candidate[]): string[][] {
    const chunk = Math.max(1, this.options.planChunk ?? this.options.planBatch);
    const first = Math.max(1, Math.min(chunk, this.options.firstChunk ?? chunk));
    const out: string[][] = [];
    let current: string[] = [];
    let i = 0;
    while (i < candidates.length) {
      const account = candidates[i]?.account_name;
      let j = i;
      while (j < candidates.length && candidates[j]?.account_name === account) j += 1;
      if (current.length > 0 && current.length + (j - i) > (out.length === 0 ? first : chunk)) {
        out.push(current);
        current = [];
      }
      for (let k = i; k < j; k += 1) current.push((candidates[k] as { telephone_number: string }).telephone_number);
      i = j;
    }
    if (current.length > 0) out.push(current);
    return out;
  }

  /**
   * Up to `limit` numbers with work, whole accounts oldest first. When the limit cut the list, its last
   * account may go on beyond it: that account waits for the next pass (unless it is the only one),
   * so its numbers are batched together rather than split across two backend orders.
   */
  private async candidates(pool: Pool, limit: number): Promise<{ rows: Candidate[]; cut: boolean }> {
    const rows = (await pool.query<Candidate>(sql.CANDIDATE_NUMBERS, [limit])).rows;
    const last = rows[rows.length - 1];
    if (rows.length < limit || last === undefined) return { rows, cut: false };
    const whole = rows.filter((r) => r.account_name !== last.account_name);
    return { rows: whole.length > 0 ? whole : rows, cut: true };
  }

  private async planLocked(client: PoolClient, candidates: readonly string[], ignoreLinger: boolean): Promise<PlanPassResult> {
    const o = this.options;
    // A number moving between accounts is a candidate under both (its rows' orders name each): lock and plan it once.
    const locked = (await client.query<LockedNumber>(sql.LOCK_NUMBERS, [[...new Set(candidates)]])).rows;
    const numbers = locked.map((n) => n.telephone_number);
    const rows = numbers.length === 0 ? [] : (await client.query<UnplannedRow>(sql.UNPLANNED_ROWS, [numbers])).rows;
    const open = new Set(
      numbers.length === 0
        ? []
        : (await client.query<{ telephone_number: string; service: string }>(sql.OPEN_OPERATION_NUMBERS, [numbers])).rows.map(
            (r) => `${r.telephone_number}\u0000${r.service}`,
          ),
    );
    const nowMs = locked[0]?.now_ms ?? Date.now();
    const lastOrderOf = new Map(locked.map((n) => [n.telephone_number, n.last_order_id]));
    const rowsOfKey = new Map<string, UnplannedRow[]>();
    const servicesOf = new Map<string, Set<WorkService>>();
    for (const r of rows) {
      const k = `${r.telephone_number}\u0000${r.service}`;
      let list = rowsOfKey.get(k);
      if (!list) {
        list = [];
        rowsOfKey.set(k, list);
      }
      list.push(r);
      // Only due rows bring a service into this pass; a held row not due yet is decided with its key when it comes.
      if (!r.due) continue;
      let services = servicesOf.get(r.telephone_number);
      if (!services) {
        services = new Set();
        servicesOf.set(r.telephone_number, services);
      }
      services.add(r.service);
    }
    const pendingRows = (k: string, telephoneNumber: string): PendingRow[] =>
      (rowsOfKey.get(k) ?? []).sort(applicationOrder(lastOrderOf.get(telephoneNumber) ?? '')).map((r, rank) => ({
        orderId: r.order_id,
        itemId: r.item_id,
        outcome: r.outcome,
        heldSinceMs: r.held_ms,
        receivedAtMs: ignoreLinger ? 0 : r.received_ms,
        operation: r.operation,
        rank,
        due: r.due,
      }));
    const keys: WorkKey<unknown>[] = [];
    let waiting = 0;
    for (const n of locked) {
      const services = new Set<WorkService>([...n.repair_services, ...(servicesOf.get(n.telephone_number) ?? [])]);
      const facts = numberFacts(n);
      for (const service of services) {
        const k = `${n.telephone_number}\u0000${service}`;
        if (open.has(k)) {
          waiting += 1;
          continue;
        }
        const desired = o.planning.desired(facts, service);
        keys.push({
          telephoneNumber: n.telephone_number,
          service,
          managed: desired.managed,
          desired: desired.holding,
          observed: n.observed[service] ?? null,
          rows: pendingRows(k, n.telephone_number),
          repair: n.repair_services.includes(service) || ignoreLinger,
          releaseScope: desired.releaseScope,
          blocked: desired.blocked,
          lastOrderId: n.last_order_id,
          accountOrderId: n.account_order_id,
        });
      }
    }
    const plan = planWork(keys, {
      holdings: o.planning.holdings,
      nowMs,
      maxNumbersPerOrder: o.maxNumbersPerOrder,
      lingerMs: o.lingerMs,
      maxLingerMs: o.maxLingerMs,
      consentDeadlineMs: o.consentDeadlineMs,
      consentOf: (tenantId) => o.consents.lookup(tenantId),
      countryOf: o.countryOf,
    });
    const touched = await this.write(client, plan);
    await rollUpOrders(client, touched, o.status);
    const result = {
      operations: plan.batches.length,
      numbersPlanned: plan.batches.reduce((n, b) => n + b.entries.length, 0),
      converged: plan.converged.length,
      held: plan.held.length,
      failed: plan.failed.length,
      lingering: plan.deferred.filter((d) => d.why === 'linger').length,
      waiting,
      more: false,
    };
    if (result.operations + result.held + result.failed > 0) o.logger.debug(result, 'planned flow-through work');
    return result;
  }

  private async write(client: PoolClient, plan: WorkPlan<unknown>): Promise<Set<string>> {
    const touched = new Set<string>();
    const ops = { tenant: [] as string[], service: [] as string[], operation: [] as string[], hash: [] as string[], body: [] as string[] };
    const per = { op: [] as number[], n: [] as string[], s: [] as string[], target: [] as (string | null)[] };
    const link = { order: [] as string[], n: [] as string[], s: [] as string[] };
    const repairs = { n: [] as string[], s: [] as string[], state: [] as string[] };
    const repaired = (n: string, service: string, state: string): void => {
      repairs.n.push(n);
      repairs.s.push(service);
      repairs.state.push(state);
    };
    plan.batches.forEach((batch, i) => {
      ops.tenant.push(batch.scope);
      ops.service.push(batch.service);
      ops.operation.push(batch.operation);
      ops.hash.push(settingsHash(batch));
      ops.body.push(JSON.stringify(this.options.planning.body(batch)));
      for (const e of batch.entries) {
        per.op.push(i + 1);
        per.n.push(e.key.telephoneNumber);
        per.s.push(batch.service);
        per.target.push(e.target ? JSON.stringify(e.target) : null);
        repaired(e.key.telephoneNumber, e.key.service, 'pending');
        for (const row of e.rows) {
          link.order.push(row.orderId);
          link.n.push(e.key.telephoneNumber);
          link.s.push(e.key.service);
          // A held row that joins an operation moves its item back to inProgress.
          if (row.outcome === 'held') touched.add(row.orderId);
        }
      }
    });
    for (const key of plan.converged) repaired(key.telephoneNumber, key.service, 'inSync');
    for (const { key } of plan.failed) repaired(key.telephoneNumber, key.service, 'failed');
    if (per.n.length + repairs.n.length > 0) {
      // The operations, their numbers, the rows they carry and the numbers' sync state: one statement.
      const params = [
        ops.tenant,
        ops.service,
        ops.operation,
        ops.hash,
        ops.body,
        per.op,
        per.n,
        per.s,
        per.target,
        repairs.n,
        repairs.s,
        repairs.state,
        link.order,
        link.n,
        link.s,
      ];
      await client.query(sql.WRITE_PLAN, params);
    }
    if (plan.decided.length > 0) {
      const d = plan.decided;
      const res = await client.query<{ order_id: string }>(sql.DECIDE_UNPLANNED_ROWS, [
        d.map((x) => x.row.orderId),
        d.map((x) => x.key.telephoneNumber),
        d.map((x) => x.key.service),
        d.map((x) => x.outcome),
        d.map((x) => x.code),
        d.map((x) => x.message),
        d.map((x) => x.supersededBy),
      ]);
      for (const r of res.rows) touched.add(r.order_id);
    }
    const held = plan.held.flatMap((h) => h.rows.map((row) => ({ key: h.key, row, reason: h.reason })));
    if (held.length > 0) {
      const res = await client.query<{ order_id: string }>(sql.HOLD_ROWS, [
        held.map((h) => h.row.orderId),
        held.map((h) => h.key.telephoneNumber),
        held.map((h) => h.key.service),
        held.map((h) => JSON.stringify(h.reason)),
        this.options.consentRecheckMs,
      ]);
      for (const r of res.rows) touched.add(r.order_id);
    }
    return touched;
  }
}
