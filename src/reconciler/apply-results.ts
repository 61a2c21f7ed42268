import type { PoolClient } from 'pg';
import type { FlowThroughService } from '../core/order-state/initial-item-state.js';
import type { Association } from '../core/reconcile/association.js';
import type { BackendOperationKind } from '../core/reconcile/plan-work.js';
import { NOTIFY_RECONCILER } from '../contracts/reconciler-channel.js';
import { rollUpOrders, type StatusSettings } from './roll-up-orders.js';
import * as sql from './sql.js';

/** One number's outcome in a backend operation. */
export interface NumberOutcome {
  readonly telephoneNumber: string;
  readonly succeeded: boolean;
  readonly errorCode?: string | undefined;
  readonly message?: string | undefined;
}

export interface OperationOutcome {
  /** settled: the backend order ended (some numbers may have failed); failed: the operation itself failed. */
  readonly state: 'settled' | 'failed';
  readonly remoteStatus: string | null;
  readonly remoteOrderId: string | null;
  readonly results: readonly NumberOutcome[];
  readonly lastError?: { code: string; message: string } | undefined;
}

interface OperationRow {
  id: string;
  tenant_id: string;
  service: FlowThroughService;
  operation: BackendOperationKind;
  attempts: number;
}

type Observed = Partial<Record<FlowThroughService, Association & { remoteOrderId?: string | null; at?: string }>>;

export interface AppliedOutcome {
  /** false: this instance no longer holds the operation (its lease ran out and another took it); nothing was written. */
  readonly applied: boolean;
  /**
   * Work rows the operation carried without making their change (an upload
   * waiting for the release from the number's previous tenant) that went back
   * to unplanned work when it succeeded: the planner has work at once.
   */
  readonly requeued: number;
}

/**
 * Applies a backend operation's per-number results in one transaction: the
 * numbers' observed state, the operation's numbers, the order work rows it
 * carries, the items' and orders' states and their status events. A row
 * succeeds only on the backend's own per-number success (or, for a release,
 * its NumberNotFound: the tenant does not hold the number) of an operation
 * that makes the row's change (SETTLE_LINKED_ROWS).
 */
export async function applyOperationOutcome(
  client: PoolClient,
  input: { operationId: string; instanceId: string; outcome: OperationOutcome; status: StatusSettings },
): Promise<AppliedOutcome> {
  const { operationId, instanceId, outcome, status } = input;
  const op = (await client.query<OperationRow>(sql.LOCK_OWN_OPERATION, [operationId, instanceId])).rows[0];
  if (!op) return { applied: false, requeued: 0 };
  const targets = (await client.query<{ telephone_number: string; target: Association | null }>(sql.OPERATION_NUMBERS, [operationId])).rows;
  const byNumber = new Map(outcome.results.map((r) => [r.telephoneNumber, r]));
  const at = new Date().toISOString();
  const decided = targets.map((t) => {
    const r = byNumber.get(t.telephone_number);
    if (!r)
      return {
        number: t.telephone_number,
        target: t.target,
        succeeded: false,
        code: 'MissingResult',
        message: 'the backend reported no result for this number',
      };
    // A release of a number the tenant does not hold has reached what it wanted.
    if (!r.succeeded && op.operation === 'release' && r.errorCode === 'NumberNotFound') {
      return {
        number: t.telephone_number,
        target: t.target,
        succeeded: true,
        code: null,
        message: `the backend answered ${r.errorCode}: the tenant does not hold the number, so it is released`,
      };
    }
    return {
      number: t.telephone_number,
      target: t.target,
      succeeded: r.succeeded,
      code: r.succeeded ? null : (r.errorCode ?? 'failed'),
      message: r.message ?? null,
    };
  });

  const numbers = decided.map((d) => d.number);
  const observedRows = (await client.query<{ telephone_number: string; observed: Observed }>(sql.LOCK_OBSERVED, [numbers])).rows;
  const observedOf = new Map(observedRows.map((r) => [r.telephone_number, r.observed]));
  const upd = { n: [] as string[], observed: [] as string[], state: [] as string[], error: [] as (string | null)[] };
  for (const d of decided) {
    const current: Observed = { ...(observedOf.get(d.number) ?? {}) };
    if (d.succeeded) {
      if (op.operation === 'release') delete current[op.service];
      else if (d.target) current[op.service] = { ...d.target, remoteOrderId: outcome.remoteOrderId, at };
    }
    upd.n.push(d.number);
    upd.observed.push(JSON.stringify(current));
    upd.state.push(d.succeeded ? 'inSync' : 'failed');
    upd.error.push(
      d.succeeded ? null : JSON.stringify({ code: d.code, message: d.message, service: op.service, operation: op.operation, at }),
    );
  }
  if (upd.n.length > 0) await client.query(sql.UPDATE_OBSERVED, [upd.n, upd.observed, upd.state, upd.error]);

  const outcomes = decided.map((d) => (d.succeeded ? 'succeeded' : 'failed'));
  const codes = decided.map((d) => d.code);
  const messages = decided.map((d) => d.message);
  await client.query(sql.CLOSE_OPERATION_NUMBERS, [operationId, numbers, outcomes, codes, messages]);
  const linked = (
    await client.query<{ order_id: string; requeued: boolean }>(sql.SETTLE_LINKED_ROWS, [
      operationId,
      numbers,
      outcomes,
      codes,
      messages,
      op.operation,
    ])
  ).rows;
  await client.query(sql.FINISH_OPERATION, [
    operationId,
    outcome.state,
    outcome.remoteStatus,
    outcome.lastError ? JSON.stringify(outcome.lastError) : null,
  ]);
  const orders = new Set(linked.map((r) => r.order_id));
  await rollUpOrders(client, orders, status, new Map([...orders].map((o) => [o, op.attempts])));
  const requeued = linked.filter((r) => r.requeued).length;
  // Work back in planning: every reconciler's planner is woken at commit (this instance's is woken directly too).
  if (requeued > 0) await client.query(NOTIFY_RECONCILER);
  return { applied: true, requeued };
}
