import { INVARIANTS, type Failure, type InvariantName, type InvariantResults } from './invariants.js';
import type { DeadLetterOutcome } from './dead-letter-scenario.js';
import type { ChaosOptions } from './chaos-options.js';
import type { KillRecord, UnexpectedExit } from './worker-fleet.js';

/** The run's one JSON object (the last line of stdout with --json), and its reading for a human. */
export type ChaosReport = Record<InvariantName, number> & {
  readonly ok: boolean;
  readonly seed: number;
  readonly orders: number;
  readonly workers: number;
  readonly seconds: number;
  readonly chaos_seconds: number;
  readonly settle_seconds: number;
  readonly settled: boolean;
  readonly kills_planned: number;
  readonly kills_done: number;
  readonly restarts: { readonly workers: number; readonly broker: number; readonly postgres: number };
  readonly broker_down_s: number | null;
  readonly postgres_restart_ms: number | null;
  readonly faults_injected: Readonly<Record<string, number>>;
  readonly faults_injected_total: number;
  readonly token_requests: number;
  readonly token_faults: number;
  readonly api_calls: number;
  readonly throttled: number;
  readonly repeatability_replays: number;
  readonly records: number;
  readonly accepted: number;
  readonly dead_lettered: number;
  readonly dead_lettered_by_code: Readonly<Record<string, number>>;
  readonly duplicates: number;
  readonly resends_published: number;
  readonly producer_failed_sends: number;
  readonly terminal_states: Readonly<Record<string, number>>;
  /** Some orders that ended failed or partial, with their items' states and reasons. */
  readonly unsuccessful_orders: readonly string[];
  readonly held_orders: number;
  readonly status_events: number;
  readonly ledger_entries: number;
  readonly numbers_by_sync_state: Readonly<Record<string, number>>;
  readonly replayed_dead_letters: number;
  readonly dead_letter_replay: (DeadLetterOutcome & { readonly accepted: number }) | null;
  readonly time_to_terminal_s: Spread;
  /** The stages of it: publish → accepted by the intake, accepted → terminal state, and an outbox row's wait for the relay. */
  readonly stages_s: { readonly intake: Spread; readonly flow: Spread; readonly relay: Spread };
  readonly kills: readonly KillRecord[];
  readonly unexpected_exit_details: readonly UnexpectedExit[];
  readonly failures: readonly Failure[];
  readonly worker_errors: ReadonlyArray<{ message: string; count: number }>;
  readonly logs: string | null;
  readonly reproduce: string;
};

export interface Spread {
  /** How many values (orders, or outbox rows for the relay). */
  readonly count: number;
  readonly median: number | null;
  readonly p95: number | null;
  readonly max: number | null;
}

export interface ReportInput {
  readonly options: ChaosOptions;
  readonly results: InvariantResults;
  readonly seconds: number;
  readonly chaosSeconds: number;
  readonly settle: { readonly settled: boolean; readonly seconds: number };
  readonly kills: readonly KillRecord[];
  readonly workerRestarts: number;
  readonly brokerDownMs: number | null;
  readonly postgresRestartMs: number | null;
  readonly counters: {
    faultsInjected: Readonly<Record<string, number>>;
    totalCalls: number;
    tokenRequests: number;
    throttled: number;
    replays: number;
    calls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  } | null;
  readonly resends: number;
  readonly producerFailedSends: number;
  readonly heldOrders: number;
  readonly deadLetters: DeadLetterOutcome | null;
  readonly timesToTerminalMs: readonly number[];
  readonly stagesMs: { readonly intake: readonly number[]; readonly flow: readonly number[]; readonly relay: readonly number[] };
  readonly unexpectedExits: readonly UnexpectedExit[];
  readonly workerErrors: ReadonlyArray<{ message: string; count: number }>;
  readonly logs: string | null;
}

const round = (value: number, places = 1): number => Math.round(value * 10 ** places) / 10 ** places;

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const s = (ms: number | null): number | null => (ms === null ? null : round(ms / 1_000));
  return { count: sorted.length, median: s(percentile(sorted, 0.5)), p95: s(percentile(sorted, 0.95)), max: s(sorted.at(-1) ?? null) };
}

export function reproduceCommand(options: ChaosOptions): string {
  const [a, b] = options.brokerDownSeconds;
  return `npm run chaos -- --seed ${options.seed} --orders ${options.orders} --workers ${options.workers} --kills ${options.kills} --window-s ${options.windowSeconds} --broker-down-s ${a === b ? a : `${a}-${b}`} --fault-rate ${options.faultRate} --token-fault-rate ${options.tokenFaultRate} --token-hang-ms ${options.tokenHangMs}`;
}

export function buildReport(input: ReportInput): ChaosReport {
  const { results, options } = input;
  const seconds = (ms: number | null): number | null => (ms === null ? null : round(ms / 1_000));
  const faults = input.counters?.faultsInjected ?? {};
  const tokenCalls = input.counters?.calls.token ?? {};
  const tokenFaults = Object.entries(tokenCalls)
    .filter(([status]) => status !== '200')
    .reduce((n, [, c]) => n + c, 0);
  const ok = INVARIANTS.every((name) => results.counts[name] === 0);
  return {
    ok,
    ...results.counts,
    seed: options.seed,
    orders: options.orders,
    workers: options.workers,
    seconds: round(input.seconds),
    chaos_seconds: round(input.chaosSeconds),
    settle_seconds: round(input.settle.seconds),
    settled: input.settle.settled,
    kills_planned: options.kills,
    kills_done: input.kills.length,
    restarts: {
      workers: input.workerRestarts,
      broker: input.brokerDownMs === null ? 0 : 1,
      postgres: input.postgresRestartMs === null ? 0 : 1,
    },
    broker_down_s: seconds(input.brokerDownMs),
    postgres_restart_ms: input.postgresRestartMs === null ? null : Math.round(input.postgresRestartMs),
    faults_injected: faults,
    faults_injected_total: Object.values(faults).reduce((n, c) => n + c, 0),
    token_requests: input.counters?.tokenRequests ?? 0,
    token_faults: tokenFaults,
    api_calls: input.counters?.totalCalls ?? 0,
    throttled: input.counters?.throttled ?? 0,
    repeatability_replays: input.counters?.replays ?? 0,
    records: results.records,
    accepted: results.accepted,
    dead_lettered: results.deadLettered,
    dead_lettered_by_code: results.deadLetteredByCode,
    duplicates: results.duplicates,
    resends_published: input.resends,
    producer_failed_sends: input.producerFailedSends,
    terminal_states: results.terminalStates,
    unsuccessful_orders: results.unsuccessful,
    held_orders: input.heldOrders,
    status_events: results.statusEvents,
    ledger_entries: results.ledgerEntries,
    numbers_by_sync_state: results.numbersBySyncState,
    replayed_dead_letters: results.replayedAccepted,
    dead_letter_replay: input.deadLetters === null ? null : { ...input.deadLetters, accepted: results.replayedAccepted },
    time_to_terminal_s: spread(input.timesToTerminalMs),
    stages_s: { intake: spread(input.stagesMs.intake), flow: spread(input.stagesMs.flow), relay: spread(input.stagesMs.relay) },
    kills: input.kills,
    unexpected_exit_details: input.unexpectedExits,
    failures: results.failures,
    worker_errors: input.workerErrors.slice(0, 10),
    logs: input.logs,
    reproduce: reproduceCommand(options),
  };
}

/** The report as lines for a human: every invariant, the figures, then each failure with examples. */
export function formatReport(report: ChaosReport): string[] {
  const lines = [
    `result: seed ${report.seed}, ${report.orders} orders, ${report.workers} workers, ${report.seconds} s (chaos ${report.chaos_seconds} s, settle ${report.settle_seconds} s${report.settled ? '' : ', NOT settled'})`,
  ];
  for (const name of INVARIANTS)
    lines.push(`  ${name.padEnd(30)} ${String(report[name]).padStart(6)}  ${report[name] === 0 ? 'ok' : 'FAIL'}`);
  const codes = Object.entries(report.dead_lettered_by_code)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  const states = Object.entries(report.terminal_states)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  lines.push(
    `  chaos: ${report.kills_done}/${report.kills_planned} kills, ${report.restarts.workers} worker restarts, broker down ${report.broker_down_s ?? '–'} s, PostgreSQL restart ${report.postgres_restart_ms ?? '–'} ms, ${report.held_orders} orders held for a consent`,
  );
  lines.push(
    `  faults: ${report.faults_injected_total} injected (${
      Object.entries(report.faults_injected)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }) over ${report.api_calls} calls; ${report.token_faults} of ${report.token_requests} token requests failed; ${report.throttled} 429s; ${report.repeatability_replays} Repeatability replays`,
  );
  lines.push(
    `  records ${report.records}: accepted ${report.accepted}, dead-lettered ${report.dead_lettered} (${codes || 'none'}), duplicates ${report.duplicates} (${report.resends_published} resends published, ${report.producer_failed_sends} producer sends repeated)`,
  );
  lines.push(
    `  orders: ${states || 'none'} · status events ${report.status_events} · ledger entries ${report.ledger_entries} · dead letters replayed and accepted ${report.replayed_dead_letters}`,
  );
  for (const o of report.unsuccessful_orders) lines.push(`    e.g. ${o}`);
  const replay = report.dead_letter_replay;
  if (replay)
    lines.push(
      `  dead-letter replay: ${replay.deadLettered} dead-lettered, first run ${replay.killedAfter === null ? `not killed (${replay.firstRunExit})` : `SIGKILLed after ${replay.killedAfter}`}, then ${replay.finalRuns.length} run(s) (exit ${replay.finalRuns.join(', ')}), ${replay.completed ? 'completed' : 'NOT completed'}`,
    );
  const t = report.time_to_terminal_s;
  lines.push(
    `  time to terminal (publish → terminal status event) over ${t.count} orders: median ${t.median ?? '–'} s, p95 ${t.p95 ?? '–'} s, max ${t.max ?? '–'} s`,
  );
  const st = report.stages_s;
  const f = (x: Spread): string => `median ${x.median ?? '–'} / p95 ${x.p95 ?? '–'} / max ${x.max ?? '–'} s`;
  lines.push(`    publish → accepted ${f(st.intake)} · accepted → terminal ${f(st.flow)} · outbox row → published ${f(st.relay)}`);
  for (const failure of report.failures) {
    lines.push(`FAILED ${failure.invariant} = ${failure.count}`);
    for (const e of failure.examples) lines.push(`    ${e}`);
  }
  if (report.failures.length > 0) lines.push(`reproduce: ${report.reproduce}`);
  if (report.worker_errors.length > 0) {
    lines.push('worker error log lines (most frequent first):');
    for (const e of report.worker_errors.slice(0, 8)) lines.push(`    ${e.count}× ${e.message}`);
  }
  if (report.logs) lines.push(`logs: ${report.logs}`);
  return lines;
}
