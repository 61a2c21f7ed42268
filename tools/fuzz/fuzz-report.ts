import type { DrainEnd } from './drain-wait.js';
import { INVARIANTS, type Failure, type InvariantResults } from './invariants.js';
import type { MemoryFigures } from './process-memory.js';
import type { LoggedError, WorkerExit } from './worker-process.js';

/** The run's one JSON object (the last line of stdout with --json), and its reading for a human. */
export interface FuzzReport {
  readonly records: number;
  readonly valid: number;
  readonly hostile: number;
  readonly accepted: number;
  readonly dead_lettered: number;
  readonly dead_lettered_by_code: Record<string, number>;
  readonly duplicates: number;
  readonly unaccounted: number;
  readonly internal_errors: number;
  readonly stalls: number;
  readonly stalled_partitions: number;
  readonly valid_not_completed: number;
  readonly status_events: number;
  readonly status_event_types: Record<string, number>;
  readonly status_events_unparseable: number;
  readonly duplicate_ce_ids: number;
  readonly ready_failures: number;
  readonly worker_exit: WorkerExit | null;
  readonly rss_mb_start: number | null;
  readonly rss_mb_peak: number | null;
  /** Records over the time from the first send until every record was accounted for; null when they never were. */
  readonly records_per_second: number | null;
  readonly seconds: number;
  readonly seed: number;
  readonly valid_ratio: number;
  readonly skip: readonly string[];
  readonly ok: boolean;
  readonly failures: readonly Failure[];
  /** Stale orders a plain producer forced through with the ops replay's header (the contract says only the replay may). */
  readonly force_stale_honoured: number;
  readonly outbox_unpublished: number;
  /** Rows the relay parked after its bounded retries (an invariant: must be 0), with the records they came from. */
  readonly outbox_parked: number;
  readonly parked: ReadonlyArray<{ record?: string; at?: string; detail: string }>;
  readonly drain: DrainEnd;
  /** The longest the intake sat on one chunk, and the record that starts it. */
  readonly longest_intake_pause: { seconds: number; record?: string; at?: string } | null;
  /** The slowest /healthz answer (no I/O behind it: the worst event-loop block seen). */
  readonly healthz_max_ms: number;
  readonly worker_errors: ReadonlyArray<{ message: string; count: number }>;
  readonly kinds: Record<string, number>;
  readonly outcomes_by_kind: Record<string, Record<string, number>>;
  readonly skipped: readonly string[];
  readonly worker_log: string | null;
}

const round = (value: number, places = 1): number => Math.round(value * 10 ** places) / 10 ** places;
const finite = (value: number): number | null => (Number.isFinite(value) ? round(value) : null);

export function buildReport(input: {
  readonly seed: number;
  readonly validRatio: number;
  readonly skip: readonly string[];
  readonly records: ReadonlyArray<{ valid: boolean; kind: string }>;
  readonly results: InvariantResults;
  readonly workerExit: WorkerExit | null;
  readonly memory: MemoryFigures | null;
  readonly drain: DrainEnd;
  readonly healthzMaxMs: number;
  readonly accountedSeconds: number;
  readonly seconds: number;
  readonly workerErrors: readonly LoggedError[];
  readonly skipped: readonly string[];
  readonly workerLog: string | null;
}): FuzzReport {
  const { results } = input;
  const valid = input.records.filter((r) => r.valid).length;
  const kinds: Record<string, number> = {};
  for (const r of input.records) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
  const ok = INVARIANTS.every((name) => results.counts[name] === 0) && input.workerExit === null;
  const failures = [...results.failures];
  return {
    records: input.records.length,
    valid,
    hostile: input.records.length - valid,
    accepted: results.accepted,
    dead_lettered: results.deadLettered,
    dead_lettered_by_code: results.deadLetteredByCode,
    duplicates: results.duplicates,
    unaccounted: results.counts.unaccounted,
    internal_errors: results.counts.internal_errors,
    stalls: results.counts.stalls,
    stalled_partitions: results.stalledPartitions,
    valid_not_completed: results.validNotCompleted,
    status_events: results.statusEvents,
    status_event_types: results.statusEventTypes,
    status_events_unparseable: results.counts.status_events_unparseable,
    duplicate_ce_ids: results.counts.duplicate_ce_ids,
    ready_failures: results.counts.ready_failures,
    worker_exit: input.workerExit,
    rss_mb_start: input.memory === null ? null : finite(input.memory.startMb),
    rss_mb_peak: input.memory === null ? null : finite(input.memory.peakMb),
    records_per_second:
      input.drain === 'drained' && results.counts.unaccounted === 0 ? round(input.records.length / input.accountedSeconds) : null,
    seconds: round(input.seconds),
    seed: input.seed,
    valid_ratio: input.validRatio,
    skip: input.skip,
    ok,
    failures,
    force_stale_honoured: results.forceStaleHonoured,
    outbox_unpublished: results.outboxUnpublished,
    outbox_parked: results.outboxParked,
    parked: results.parked,
    drain: input.drain,
    longest_intake_pause:
      results.longestIntakePause === null
        ? null
        : {
            seconds: results.longestIntakePause.seconds,
            ...(results.longestIntakePause.record ? { record: results.longestIntakePause.record } : {}),
            ...(results.longestIntakePause.at ? { at: results.longestIntakePause.at } : {}),
          },
    healthz_max_ms: Math.round(input.healthzMaxMs),
    worker_errors: input.workerErrors
      .map((e) => ({ message: e.message, count: e.count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 10),
    kinds,
    outcomes_by_kind: results.outcomesByKind,
    skipped: input.skipped,
    worker_log: input.workerLog,
  };
}

/** The report as lines for a human: every invariant, then each failure with its record kinds and examples. */
export function formatReport(report: FuzzReport): string[] {
  const lines = [
    `result: seed ${report.seed}, ${report.records} records (${report.valid} valid, ${report.hostile} hostile), ${report.seconds} s`,
  ];
  for (const name of INVARIANTS) {
    const value = report[name];
    lines.push(`  ${name.padEnd(27)} ${String(value).padStart(6)}  ${value === 0 ? 'ok' : 'FAIL'}`);
  }
  lines.push(
    `  ${'worker_exit'.padEnd(27)} ${(report.worker_exit === null ? 'none' : `code ${report.worker_exit.code} signal ${report.worker_exit.signal}`).padStart(6)}  ${report.worker_exit === null ? 'ok' : 'FAIL'}`,
  );
  const codes = Object.entries(report.dead_lettered_by_code)
    .sort(([, a], [, b]) => b - a)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  lines.push(
    `  accepted ${report.accepted} · dead-lettered ${report.dead_lettered} (${codes || 'none'}) · duplicates ${report.duplicates}`,
  );
  lines.push(
    `  stalled partitions ${report.stalled_partitions} · valid orders not completed ${report.valid_not_completed} · status events ${report.status_events} · outbox unpublished ${report.outbox_unpublished}, parked ${report.outbox_parked} · drain: ${report.drain}`,
  );
  for (const e of report.parked) lines.push(`    ${e.record ?? ''}${e.at ? ` [${e.at}]` : ''}${e.record || e.at ? ': ' : ''}${e.detail}`);
  lines.push(
    `  worker RSS ${report.rss_mb_start ?? '?'} MB at start, ${report.rss_mb_peak ?? '?'} MB peak · ${report.records_per_second ?? '–'} records/s · force-stale honoured from a plain producer: ${report.force_stale_honoured}`,
  );
  const pause = report.longest_intake_pause;
  lines.push(
    `  slowest /healthz ${report.healthz_max_ms} ms · longest intake pause ${pause === null ? '–' : `${pause.seconds} s at ${pause.at ?? '?'} (chunk starting with ${pause.record ?? '?'})`}`,
  );
  for (const note of report.skipped) lines.push(`  skipped: ${note}`);
  for (const failure of report.failures) {
    const kinds = Object.entries(failure.kinds)
      .sort(([, a], [, b]) => b - a)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    lines.push(`FAILED ${failure.invariant} = ${failure.count}${kinds ? ` (records: ${kinds})` : ''}`);
    for (const e of failure.examples)
      lines.push(`    ${e.record ?? ''}${e.at ? ` [${e.at}]` : ''}${e.record || e.at ? ': ' : ''}${e.detail}`);
  }
  if (report.failures.length > 0)
    lines.push(
      `reproduce: npm run fuzz -- --seed ${report.seed} --records ${report.records} --valid-ratio ${report.valid_ratio}${report.skip.length > 0 ? ` --skip ${report.skip.join(',')}` : ''}`,
    );
  if (report.worker_errors.length > 0) {
    lines.push('worker error log lines (most frequent first):');
    for (const e of report.worker_errors.slice(0, 6)) lines.push(`    ${e.count}× ${e.message}`);
  }
  if (report.worker_log) lines.push(`worker log: ${report.worker_log}`);
  return lines;
}
