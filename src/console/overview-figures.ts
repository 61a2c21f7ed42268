/**
 * The overview's figures are the worker's own /metrics gauges, read from its
 * registry (the worker hands the console a reader, src/app/worker/services.ts):
 * the same scrape-time snapshot and intake-lag cache, no second set of
 * queries. This is the shape prom-client's getMetricsAsJSON() returns.
 */
export interface MetricFamily {
  readonly name: string;
  readonly values: ReadonlyArray<{ readonly labels: Readonly<Partial<Record<string, string | number>>>; readonly value: number }>;
}

export type FiguresSource = () => Promise<readonly MetricFamily[]>;

export interface OverviewFigures {
  readonly at: string;
  readonly ordersByState: Record<string, number>;
  readonly deadLettersByCode: Record<string, number>;
  readonly deadLetters: number;
  readonly intakeLag: number | null;
  readonly intakeLagByPartition: Record<string, number>;
  readonly outboxBacklog: number | null;
  readonly outboxParked: number | null;
  readonly outboxOldestAgeSeconds: number | null;
  readonly reconcilerOpenWork: Record<string, number>;
  readonly reconcilerOpenOperations: Record<string, number>;
  readonly reconcilerDueOperations: number | null;
  readonly circuit: 'closed' | 'half-open' | 'open' | 'unknown';
}

const CIRCUIT = ['closed', 'half-open', 'open'] as const;

function by(
  family: MetricFamily | undefined,
  label: (labels: Readonly<Partial<Record<string, string | number>>>) => string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of family?.values ?? []) if (v.value !== 0) out[label(v.labels)] = (out[label(v.labels)] ?? 0) + v.value;
  return out;
}

/** A gauge without labels; null when the scrape could not read it (the gauge is then empty). */
function single(family: MetricFamily | undefined): number | null {
  return family?.values[0]?.value ?? null;
}

export async function overviewFigures(source: FiguresSource, now: Date = new Date()): Promise<OverviewFigures> {
  const families = new Map((await source()).map((f) => [f.name, f]));
  const get = (name: string) => families.get(name);
  const deadLettersByCode = by(get('flowthrough_dead_letters'), (l) => String(l.code));
  const lag = get('flowthrough_intake_lag_records');
  const circuit = single(get('flowthrough_operator_connect_circuit_state'));
  return {
    at: now.toISOString(),
    ordersByState: by(get('flowthrough_orders'), (l) => String(l.state)),
    deadLettersByCode,
    deadLetters: Object.values(deadLettersByCode).reduce((t, n) => t + n, 0),
    intakeLag: lag && lag.values.length > 0 ? lag.values.reduce((t, v) => t + v.value, 0) : null,
    intakeLagByPartition: Object.fromEntries((lag?.values ?? []).map((v) => [`partition ${v.labels.partition}`, v.value])),
    outboxBacklog: single(get('flowthrough_outbox_backlog')),
    outboxParked: single(get('flowthrough_outbox_parked')),
    outboxOldestAgeSeconds: single(get('flowthrough_outbox_oldest_unpublished_age_seconds')),
    reconcilerOpenWork: by(get('flowthrough_reconciler_open_work_rows'), (l) => `${l.service} ${l.outcome}`),
    reconcilerOpenOperations: by(get('flowthrough_reconciler_open_operations'), (l) => String(l.state)),
    reconcilerDueOperations: single(get('flowthrough_reconciler_due_operations')),
    circuit: circuit === null ? 'unknown' : (CIRCUIT[circuit] ?? 'unknown'),
  };
}
