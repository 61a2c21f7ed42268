import type pg from 'pg';
import type { CallEvent } from '../../../src/operator-connect/index.js';

/**
 * Where a flow-through run's time went, from the client's own call events
 * and the reconciler's rows (backend_operations keeps when each operation was
 * planned — created_at is its planning transaction's start —, first sent,
 * accepted and finished). Every time is seconds after the clock started.
 */
export interface FlowThroughProfile {
  readonly [figure: string]: number;
}

const round = (value: number, digits = 3): number =>
  Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : Number.NaN;

interface OperationRow {
  created_ms: number;
  first_sent_ms: number | null;
  submitted_ms: number | null;
  completed_ms: number | null;
  tenant_id: string;
  numbers: number;
  attempts: number;
  polls: number;
  state: string;
}

/**
 * The client operations that write numbers and read their status: Operator Connect's uploadNumbers and getOrder
 * by default; the ACG Provisioning API's createOrUpdateNumbers and listAccountNumbers (one call per page).
 */
export interface ProfileOperations {
  readonly write: string;
  readonly read: string;
}

export const OPERATOR_CONNECT_PROFILE: ProfileOperations = { write: 'uploadNumbers', read: 'getOrder' };
export const ACG_PROFILE: ProfileOperations = { write: 'createOrUpdateNumbers', read: 'listAccountNumbers' };

export async function flowThroughProfile(
  pool: pg.Pool,
  t0WallMs: number,
  calls: readonly CallEvent[],
  names: ProfileOperations = OPERATOR_CONNECT_PROFILE,
): Promise<FlowThroughProfile> {
  const s = (ms: number | null | undefined): number => (ms === null || ms === undefined ? Number.NaN : round((ms - t0WallMs) / 1000));
  const ops = (
    await pool.query<OperationRow>(`
      SELECT (extract(epoch FROM created_at) * 1000)::float8 AS created_ms, (extract(epoch FROM first_sent_at) * 1000)::float8 AS first_sent_ms,
             (extract(epoch FROM submitted_at) * 1000)::float8 AS submitted_ms, (extract(epoch FROM completed_at) * 1000)::float8 AS completed_ms,
             tenant_id, cardinality(numbers) AS numbers, attempts, polls, state
        FROM backend_operations ORDER BY created_at, id`)
  ).rows;
  const intake = (
    await pool.query<{ first_ms: number | null; last_ms: number | null }>(
      `
      SELECT (extract(epoch FROM min(received_at)) * 1000)::float8 AS first_ms, (extract(epoch FROM max(received_at)) * 1000)::float8 AS last_ms
        FROM orders o WHERE received_at >= to_timestamp($1::float8 / 1000)`,
      [t0WallMs],
    )
  ).rows[0];
  const passes = new Map<number, number>();
  for (const op of ops) passes.set(op.created_ms, (passes.get(op.created_ms) ?? 0) + 1);
  const passTimes = [...passes.keys()].sort((a, b) => a - b);
  const perTenant = new Map<string, number>();
  for (const op of ops) perTenant.set(op.tenant_id, (perTenant.get(op.tenant_id) ?? 0) + 1);

  const inWindow = calls.filter((c) => c.sentAt >= t0WallMs);
  const of = (name: string): CallEvent[] => inWindow.filter((c) => c.operation === name);
  const uploads = of(names.write);
  const polls = of(names.read);
  const api = inWindow.filter((c) => c.status !== undefined);
  const first = (list: readonly CallEvent[]): number => Math.min(...list.map((c) => c.sentAt));
  const last = (list: readonly CallEvent[]): number => Math.max(...list.map((c) => c.sentAt));
  const lastAnswer = Math.max(...api.map((c) => c.sentAt + c.durationMs));
  const meanMs = (list: readonly number[]): number => (list.length === 0 ? Number.NaN : list.reduce((a, b) => a + b, 0) / list.length);
  const settled = ops.filter((o) => o.submitted_ms !== null && o.completed_ms !== null);
  const busySpan = (last(api) - first(api)) / 1000;

  return {
    intake_first_order_s: s(intake?.first_ms),
    intake_last_order_s: s(intake?.last_ms),
    first_plan_s: s(passTimes[0]),
    last_plan_s: s(passTimes[passTimes.length - 1]),
    planning_passes_with_operations: passTimes.length,
    backend_operations: ops.length,
    numbers_per_operation_min: ops.length === 0 ? Number.NaN : Math.min(...ops.map((o) => o.numbers)),
    numbers_per_operation_max: ops.length === 0 ? Number.NaN : Math.max(...ops.map((o) => o.numbers)),
    operations_per_tenant_max: Math.max(0, ...perTenant.values()),
    first_api_call_s: s(first(api)),
    first_upload_sent_s: s(first(uploads)),
    last_upload_sent_s: s(last(uploads)),
    last_poll_sent_s: s(last(polls)),
    last_api_answer_s: s(lastAnswer),
    api_calls_in_window: api.length,
    api_calls_per_s_first_to_last: round(busySpan > 0 ? (api.length - 1) / busySpan : Number.NaN, 2),
    call_ms_mean: round(meanMs(api.map((c) => c.durationMs)), 1),
    client_429s: api.filter((c) => c.status === 429).length,
    client_retries: inWindow.filter((c) => c.outcome === 'retry').length,
    submit_attempts_max: Math.max(0, ...ops.map((o) => o.attempts)),
    // backend_operations.polls counts status reads that found the order unfinished (the final read is not counted there).
    status_reads_unfinished: ops.reduce((n, o) => n + o.polls, 0),
    operations_read_unfinished: ops.filter((o) => o.polls > 0).length,
    planned_to_first_send_ms_mean: round(
      meanMs(ops.filter((o) => o.first_sent_ms !== null).map((o) => (o.first_sent_ms as number) - o.created_ms)),
      0,
    ),
    accepted_to_settled_ms_mean: round(meanMs(settled.map((o) => (o.completed_ms as number) - (o.submitted_ms as number))), 0),
  };
}
