import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ORDER_STATES } from '../../core/order-state/states.js';
import { get, type Route } from '../../platform/http/http-server.js';
import type { IntakeCounts, InternalErrorStage } from '../../intake/index.js';
import type { Logger } from '../../platform/logging/logger.js';
import { OPERATIONS, type CallEvent, type CallOutcome, type CircuitState, type RetryEvent } from '../../operator-connect/index.js';
import { CachedValue } from './cached-value.js';
import { circuitStateValue } from './circuit-state.js';
import { fetchIntakeLag, type PartitionLag } from './intake-lag.js';
import { METRICS_SNAPSHOT, type MetricsSnapshot } from './metrics-sql.js';
import { componentLogger } from '../../platform/logging/component-logger.js';

export interface WorkerMetricsOptions {
  readonly pool: Pool;
  /** Connected by the worker before its HTTP port opens. */
  readonly admin: Admin;
  readonly logger: Logger;
  readonly ordersTopic: string;
  readonly groupId: string;
  /** How long one PostgreSQL snapshot serves scrapes (default 1 s). */
  readonly databaseCacheMs?: number;
  /** How long one intake-lag reading serves scrapes (default 5 s). */
  readonly lagCacheMs?: number;
}

const CALL_OUTCOMES: readonly CallOutcome[] = ['ok', 'retry', 'permanent', 'transient_exhausted', 'circuit_open'];
const DECISIONS = ['accepted', 'duplicate', 'rejected'] as const;
const INTERNAL_ERROR_STAGES: readonly InternalErrorStage[] = ['parse', 'process', 'dead_letter'];

/**
 * One worker's Prometheus metrics, in a registry of its own (several workers
 * may share a process). Counters and histograms are fed by the hooks below;
 * PostgreSQL and Kafka gauges are read when scraped, and a failed read leaves
 * its gauges empty for that scrape (logged, counted) instead of failing it.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly logger: Logger;
  private readonly snapshot: CachedValue<MetricsSnapshot | undefined>;
  private readonly lag: CachedValue<PartitionLag[] | undefined>;
  private readonly collectErrors: Counter<'source'>;
  private readonly chunkRecords: Histogram;
  private readonly chunkSeconds: Histogram;
  private readonly records: Counter<'decision'>;
  private readonly internalErrors: Counter<'stage'>;
  private readonly published: Counter;
  private readonly parked: Counter;
  private readonly calls: Counter<'operation' | 'outcome'>;
  private readonly callSeconds: Histogram<'operation'>;
  private readonly retries: Counter<'operation'>;
  private readonly circuit: Gauge;
  private readCircuit: (() => CircuitState) | undefined;
  private readRateShare: (() => number) | undefined;
  private readReadiness: (() => ReadonlyArray<{ name: string; ok: boolean }>) | undefined;
  private readonly consumerCrashes: Counter;
  private readonly partitionStops: Counter<'reason'>;
  /** False until a client reports: a worker without flow-through exports no circuit state. */
  private circuitKnown = false;

  constructor(options: WorkerMetricsOptions) {
    this.logger = componentLogger(options.logger, 'metrics');
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    this.snapshot = new CachedValue(
      () => this.guard('postgres', async () => (await options.pool.query<MetricsSnapshot>(METRICS_SNAPSHOT)).rows[0]),
      options.databaseCacheMs ?? 1_000,
    );
    this.lag = new CachedValue(
      () => this.guard('kafka', () => fetchIntakeLag(options.admin, options.groupId, options.ordersTopic)),
      options.lagCacheMs ?? 5_000,
    );
    const reads = [this.snapshot, this.lag];
    this.collectErrors = new Counter({
      name: 'flowthrough_metrics_collect_errors_total',
      help: 'Scrape-time reads that failed (their gauges were left empty)',
      labelNames: ['source'],
      registers,
      // Waits for this scrape's reads (shared with the gauges), so a failure shows in the same scrape.
      async collect() {
        await Promise.all(reads.map((r) => r.get()));
      },
    });
    for (const source of ['postgres', 'kafka']) this.collectErrors.inc({ source }, 0);
    this.databaseGauges(registers);

    const lag = this.lag;
    new Gauge({
      name: 'flowthrough_intake_lag_records',
      help: "Records on the orders topic not yet committed by the intake's consumer group (high watermark minus committed offset)",
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        this.reset();
        for (const p of (await lag.get()) ?? []) this.set({ topic: options.ordersTopic, partition: String(p.partition) }, p.lag);
      },
    });

    this.chunkRecords = new Histogram({
      name: 'flowthrough_intake_chunk_records',
      help: 'Records per intake chunk (one PostgreSQL transaction)',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
      registers,
    });
    this.chunkSeconds = new Histogram({
      name: 'flowthrough_intake_chunk_duration_seconds',
      help: 'Time to parse, validate and write one intake chunk, inside its transaction',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.records = new Counter({
      name: 'flowthrough_intake_records_total',
      help: 'Order records applied by the intake, by decision',
      labelNames: ['decision'],
      registers,
    });
    for (const decision of DECISIONS) this.records.inc({ decision }, 0);
    this.internalErrors = new Counter({
      name: 'flowthrough_intake_internal_errors_total',
      help: 'Records whose decision failed for a reason of ours (a bug), dead-lettered as internal_error, by where it failed',
      labelNames: ['stage'],
      registers,
    });
    for (const stage of INTERNAL_ERROR_STAGES) this.internalErrors.inc({ stage }, 0);

    const readinessOf = () => this.readReadiness;
    new Gauge({
      name: 'flowthrough_component_ready',
      help: "Each component's readiness as /readyz reports it (1 ready, 0 not): intake, outbox-relay, reconciler, startup",
      labelNames: ['component'],
      registers,
      collect() {
        this.reset();
        for (const c of readinessOf()?.() ?? []) this.set({ component: c.name }, c.ok ? 1 : 0);
      },
    });
    this.partitionStops = new Counter({
      name: 'flowthrough_intake_partition_stops_total',
      help: 'Partitions the intake stopped because their stored offset does not belong to the log (a recreated topic, retention, an offset beyond the end): see flowthrough offsets show',
      labelNames: ['reason'],
      registers,
    });
    this.consumerCrashes = new Counter({
      name: 'flowthrough_intake_consumer_restarts_total',
      help: 'Times the intake consumer crashed and was restarted (by kafkajs or by the worker)',
      registers,
    });
    this.published = new Counter({
      name: 'flowthrough_outbox_published_total',
      help: 'Records (status events, dead letters) the relay published to Kafka',
      registers,
    });
    this.parked = new Counter({
      name: 'flowthrough_outbox_parked_total',
      help: 'Outbox rows the relay parked: refused by Kafka OUTBOX_MAX_ATTEMPTS times, or undecodable (flowthrough outbox list --parked)',
      registers,
    });

    this.calls = new Counter({
      name: 'flowthrough_operator_connect_calls_total',
      help: 'Operator Connect HTTP attempts, by operation and outcome',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.callSeconds = new Histogram({
      name: 'flowthrough_operator_connect_call_duration_seconds',
      help: 'Wall time of Operator Connect HTTP exchanges',
      labelNames: ['operation'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.retries = new Counter({
      name: 'flowthrough_operator_connect_retries_total',
      help: 'Operator Connect attempts that failed and were retried after a delay',
      labelNames: ['operation'],
      registers,
    });
    for (const operation of OPERATIONS) for (const outcome of CALL_OUTCOMES) this.calls.inc({ operation, outcome }, 0);
    const circuitOf = () => this.readCircuit;
    const circuitKnown = () => this.circuitKnown;
    this.circuit = new Gauge({
      name: 'flowthrough_operator_connect_circuit_state',
      help: 'Operator Connect circuit breaker: 0 closed, 1 half-open, 2 open',
      registers,
      collect() {
        // Reading the breaker moves an open circuit past its cool-down to half-open.
        const read = circuitOf();
        if (read) this.set(circuitStateValue(read()));
        else if (!circuitKnown()) this.remove({});
      },
    });
    const rateShareOf = () => this.readRateShare;
    new Gauge({
      name: 'flowthrough_operator_connect_rate_share_per_second',
      help: 'Operator Connect calls per second this worker paces at: OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND, or its share of it with OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet (0: no pacing)',
      registers,
      collect() {
        const read = rateShareOf();
        if (read) this.set(read());
        else this.remove({});
      },
    });
  }

  /** IntakeService onChunk. */
  readonly onChunk = (counts: IntakeCounts, durationMs: number): void => {
    this.chunkRecords.observe(counts.accepted + counts.duplicates + counts.rejected);
    this.chunkSeconds.observe(durationMs / 1000);
    this.records.inc({ decision: 'accepted' }, counts.accepted);
    this.records.inc({ decision: 'duplicate' }, counts.duplicates);
    this.records.inc({ decision: 'rejected' }, counts.rejected);
  };

  /** The worker's component readiness, read at each scrape. */
  observeReadiness(read: () => ReadonlyArray<{ name: string; ok: boolean }>): void {
    this.readReadiness = read;
  }

  /** IntakeService onPartitionStopped. */
  readonly onPartitionStopped = (_partition: number, reason: string): void => {
    this.partitionStops.inc({ reason });
  };

  /** IntakeService onConsumerCrash. */
  readonly onConsumerCrash = (): void => {
    this.consumerCrashes.inc();
  };

  /** IntakeService onInternalError. */
  readonly onIntakeInternalError = (stage: InternalErrorStage): void => {
    this.internalErrors.inc({ stage });
  };

  /** OutboxRelay onPublished. */
  readonly onPublished = (count: number): void => {
    this.published.inc(count);
  };

  /** OutboxRelay onParked. */
  readonly onParked = (rows: readonly unknown[]): void => {
    this.parked.inc(rows.length);
  };

  /** OperatorConnectClient onCall. */
  readonly onCall = (event: CallEvent): void => {
    this.calls.inc({ operation: event.operation, outcome: event.outcome });
    if (event.durationMs > 0) this.callSeconds.observe({ operation: event.operation }, event.durationMs / 1000);
  };

  /** OperatorConnectClient onRetry. */
  readonly onRetry = (event: RetryEvent): void => {
    this.retries.inc({ operation: event.operation });
  };

  /** OperatorConnectClient onCircuitStateChange. */
  readonly onCircuitStateChange = (state: CircuitState): void => {
    this.circuitKnown = true;
    this.circuit.set(circuitStateValue(state));
  };

  /** Reads the breaker at scrape time too (its open → half-open step happens only when read). */
  observeCircuit(read: () => CircuitState): void {
    this.readCircuit = read;
    this.circuit.set(circuitStateValue(read()));
  }

  /** Reads the client's pacing rate (its fleet share) at scrape time; without a client the gauge has no value. */
  observeRateShare(read: () => number): void {
    this.readRateShare = read;
  }

  /** GET /metrics in the Prometheus text format. */
  route(): Route {
    return get('/metrics', async () => ({ status: 200, body: await this.registry.metrics(), contentType: this.registry.contentType }));
  }

  private databaseGauges(registers: Registry[]): void {
    const snapshot = this.snapshot;
    const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: MetricsSnapshot) => void): void => {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          this.reset();
          const s = await snapshot.get();
          if (s) fill(this, s);
          // An unlabelled gauge reads 0 after reset(): a failed read must not look like an empty queue.
          else this.remove({});
        },
      });
    };
    gauge('flowthrough_orders', 'Orders in PostgreSQL, by state', ['state'], (g, s) => {
      for (const state of ORDER_STATES) g.set({ state }, s.orders[state] ?? 0);
      for (const [state, n] of Object.entries(s.orders)) g.set({ state }, n);
    });
    gauge('flowthrough_dead_letters', 'Dead letters kept in PostgreSQL, by error code (purges lower it)', ['code'], (g, s) => {
      for (const [code, n] of Object.entries(s.dead_letters)) g.set({ code }, n);
    });
    gauge('flowthrough_outbox_backlog', 'Outbox rows not yet published by the relay', [], (g, s) => g.set(s.outbox_backlog));
    gauge(
      'flowthrough_outbox_oldest_unpublished_age_seconds',
      'Age of the oldest unpublished outbox row that is not parked (relay lag); 0 when none',
      [],
      (g, s) => g.set(s.outbox_oldest_age_seconds ?? 0),
    );
    gauge(
      'flowthrough_outbox_parked',
      'Outbox rows parked now: unpublished, skipped by the relay until flowthrough outbox retry',
      [],
      (g, s) => g.set(s.outbox_parked),
    );
    gauge(
      'flowthrough_reconciler_open_work_rows',
      'Per-number work rows still open (pending or held), by service and outcome',
      ['service', 'outcome'],
      (g, s) => {
        for (const w of s.open_work) g.set({ service: w.service, outcome: w.outcome }, w.n);
      },
    );
    gauge('flowthrough_reconciler_open_operations', 'Backend operations not yet settled, by state', ['state'], (g, s) => {
      for (const state of ['planned', 'submitted']) g.set({ state }, s.open_operations[state] ?? 0);
    });
    gauge('flowthrough_reconciler_due_operations', 'Open backend operations whose next attempt or poll is due now', [], (g, s) =>
      g.set(s.due_operations),
    );
  }

  private async guard<T>(source: 'postgres' | 'kafka', read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.collectErrors.inc({ source });
      this.logger.warn({ err: error, source }, 'metrics: scrape-time read failed; its gauges are left empty');
      return undefined;
    }
  }
}
