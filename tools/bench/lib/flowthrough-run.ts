import { readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import type { Producer } from 'kafkajs';
import type pg from 'pg';
import type { CallEvent } from '../../../src/operator-connect/index.js';
import type { Config } from '../../../src/platform/config/load-config.js';
import type { BenchContext } from './context.js';
import { watchStatus, type StatusWatcher } from './flowthrough-status.js';
import { flowThroughWorker } from './flowthrough-worker.js';
import type { FlowThroughWorkload } from './flowthrough-workload.js';
import { benchProducer, publishRecords, type ProduceResult } from './producer.js';
import type { Figures } from './scenario.js';
import { BYTES_PER_MB } from './stats.js';

/**
 * The steps the flow-through benchmark takes whatever the backend (Operator Connect in
 * ../scenarios/flowthrough.ts, Azure Communications Gateway in ../scenarios/flowthrough-acg.ts):
 * topics, trusted simulator CA, the worker's environment and settings, the pipeline (worker,
 * status subscriber, producer), the untimed account phase and the correctness checks of the orders.
 */

/** `value` rounded to `digits` decimals. */
export const r = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Peak RSS of this process (VmHWM), MB; it includes the harness. */
export function peakRssMb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Math.round((Number(match[1]) * 1024) / BYTES_PER_MB);
  } catch {
    // not Linux: fall back below
  }
  return Math.round((process.resourceUsage().maxRSS * 1024) / BYTES_PER_MB);
}

export interface FlowThroughTopics {
  readonly ordersTopic: string;
  readonly deadLetterTopic: string;
  readonly statusTopic: string;
}

/** The order, dead-letter and status topics of this run. */
export async function flowThroughTopics(context: BenchContext, partitions: number): Promise<FlowThroughTopics> {
  const [ordersTopic, deadLetterTopic, statusTopic] = (await context.createTopics(['ft-orders', 'ft-dlt', 'ft-status'], partitions)) as [
    string,
    string,
    string,
  ];
  return { ordersTopic, deadLetterTopic, statusTopic };
}

/** The simulator's CA trusted by this process's TLS clients until the run's cleanup. */
export function trustCaCertificate(context: BenchContext, caCertificatePem: string): void {
  const trusted = getCACertificates('default');
  setDefaultCACertificates([...trusted, caCertificatePem]);
  context.defer('restore the trusted CA certificates', () => setDefaultCACertificates(trusted));
}

/** The reconciler variables the benchmark's settings line reports, before the backend's own. */
export const RECONCILER_TUNED_NAMES = [
  'RECONCILER_LINGER_MS',
  'RECONCILER_MAX_LINGER_MS',
  'RECONCILER_CONCURRENCY',
  'RECONCILER_PLAN_BATCH',
  'RECONCILER_IDLE_POLL_MS',
  'RECONCILER_EXPECTED_PROCESSING_MS',
  'RECONCILER_POLL_MAX_MS',
  'RECONCILER_CONSENT_CACHE_MS',
] as const;

/** The benchmark's tuning, each variable set in the environment winning over it. */
export function overriddenByEnvironment(tuning: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tuning).map(([name, value]) => [name, process.env[name] ?? value]));
}

/** The worker's database, topics, consumer group and reconciler switch. */
export function pipelineEnvironment(context: BenchContext, databaseUrl: string, topics: FlowThroughTopics): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ORDERS_TOPIC: topics.ordersTopic,
    DEAD_LETTER_TOPIC: topics.deadLetterTopic,
    STATUS_TOPIC: topics.statusTopic,
    KAFKA_GROUP_ID: context.groupId('ft-intake'),
    RECONCILER_ENABLED: 'true',
  };
}

/** The reconciler's effective settings, for the figures. */
export function reconcilerSettings(config: Config): Record<string, number> {
  return {
    reconciler_linger_ms: config.reconciler.lingerMs,
    reconciler_max_linger_ms: config.reconciler.maxLingerMs,
    reconciler_expected_processing_ms: config.reconciler.expectedProcessingMs,
    reconciler_concurrency: config.reconciler.concurrency,
    reconciler_plan_batch: config.reconciler.planBatch,
    reconciler_idle_poll_ms: config.reconciler.idlePollMs,
    reconciler_poll_max_ms: config.reconciler.pollMaxMs,
    reconciler_consent_cache_ms: config.reconciler.consent.cacheMs,
  };
}

/** Intake and database settings, for the figures. */
export function pipelineSettings(config: Config): Record<string, number> {
  return { intake_chunk_size: config.intake.chunkSize, database_pool_max: config.database.poolMax };
}

/** The `settings:` log line: each tuned variable as set, and the effective settings. */
export function logSettings(
  context: BenchContext,
  names: readonly string[],
  tuned: Readonly<Record<string, string>>,
  settings: Readonly<Record<string, number | string>>,
): void {
  context.log(`settings: ${names.map((n) => `${n}=${tuned[n] ?? '(default)'}`).join(' ')}; effective ${JSON.stringify(settings)}`);
}

export interface FlowThroughPipeline {
  /** Every HTTP exchange of the worker's backend client. */
  readonly calls: CallEvent[];
  readonly watcher: StatusWatcher;
  readonly producer: Producer;
  /** Stops the worker (once; the run's cleanup calls it too). */
  stopWorker(): Promise<void>;
}

/** The worker, a status subscriber and a producer, each stopped by the run's cleanup. */
export async function startFlowThroughPipeline(context: BenchContext, config: Config, statusTopic: string): Promise<FlowThroughPipeline> {
  const calls: CallEvent[] = [];
  const worker = flowThroughWorker(config, context.logger, (event) => void calls.push(event));
  let workerStopped = false;
  const stopWorker = async (): Promise<void> => {
    if (workerStopped) return;
    workerStopped = true;
    await worker.stop();
  };
  const watcher = await watchStatus(context.kafka, statusTopic, context.groupId('ft-status'));
  context.defer('stop the status subscriber', () => watcher.stop());
  await worker.start();
  context.defer('stop the worker', stopWorker);

  const producer = benchProducer(context.kafka);
  await producer.connect();
  context.defer('disconnect the producer', () => producer.disconnect());
  return { calls, watcher, producer, stopWorker };
}

/** Phase 1, not timed: publishes the account orders and waits until every one completed; its seconds. */
export async function runAccountPhase(
  pipeline: FlowThroughPipeline,
  ordersTopic: string,
  workload: FlowThroughWorkload,
  stepTimeoutMs: number,
): Promise<number> {
  const { watcher } = pipeline;
  const accountsStarted = performance.now();
  await publishRecords(pipeline.producer, ordersTopic, workload.accountRecords());
  await watcher.whenTerminal(workload.accountOrderIds, stepTimeoutMs);
  const accountSeconds = (performance.now() - accountsStarted) / 1000;
  const accountStates = workload.accountOrderIds.map((id) => watcher.terminalState(id));
  const accountsNotCompleted = accountStates.filter((state) => state !== 'completed').length;
  if (accountsNotCompleted > 0)
    throw new Error(`${accountsNotCompleted} account orders did not complete (states: ${[...new Set(accountStates)].join(', ')})`);
  return accountSeconds;
}

export interface NumberPublication {
  /** Wall clock and performance.now() at the first number order published: the clock's start. */
  readonly t0WallMs: number;
  readonly t0: number;
  readonly published: ProduceResult;
  readonly publishSeconds: number;
}

/** Phase 2 starts: the number orders published. */
export async function publishNumberOrders(
  pipeline: FlowThroughPipeline,
  ordersTopic: string,
  workload: FlowThroughWorkload,
): Promise<NumberPublication> {
  const t0WallMs = Date.now();
  const t0 = performance.now();
  const published = await publishRecords(pipeline.producer, ordersTopic, workload.numberRecords());
  const publishSeconds = (performance.now() - t0) / 1000;
  return { t0WallMs, t0, published, publishSeconds };
}

/** The publication's log line, `suffix` inside its end. */
export function publishedLine(workload: FlowThroughWorkload, publishSeconds: number, suffix = ''): string {
  return `published ${workload.numberOrders} number orders (${workload.numbers.toLocaleString('en-US')} numbers, ${workload.spec.interleave}) in ${publishSeconds.toFixed(2)} s; waiting for their terminal status events${suffix}…`;
}

/** How the untimed account phase and the number orders' publication went, for the figures. */
export function phaseFigures(publication: NumberPublication, accountSeconds: number): Figures {
  return {
    publish_seconds: r(publication.publishSeconds),
    publish_msgs_per_s: Math.round(publication.published.recordsPerSec),
    account_phase_seconds: r(accountSeconds),
  };
}

/** When the last number order's terminal status event arrived (performance.now()). */
export function lastTerminalAt(watcher: StatusWatcher, workload: FlowThroughWorkload): number {
  return Math.max(...workload.numberOrderIds.map((id) => watcher.terminalAt(id) ?? Number.NaN));
}

export interface OrderOutcomes {
  /** Number orders by terminal state, as the status subscriber saw them. */
  readonly states: Map<string, number>;
  readonly completed: number;
  /** Orders by state in the database. */
  readonly dbStates: readonly { state: string; n: number }[];
  readonly deadLetters: number;
}

/** Where the number orders ended: status events, the database and its dead letters. */
export async function orderOutcomes(watcher: StatusWatcher, workload: FlowThroughWorkload, pool: pg.Pool): Promise<OrderOutcomes> {
  const states = new Map<string, number>();
  for (const id of workload.numberOrderIds) {
    const state = watcher.terminalState(id) ?? 'none';
    states.set(state, (states.get(state) ?? 0) + 1);
  }
  const dbStates = (
    await pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM orders GROUP BY state ORDER BY state')
  ).rows;
  const deadLetters = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters')).rows[0]?.n ?? -1;
  return { states, completed: states.get('completed') ?? 0, dbStates, deadLetters };
}

/** `state:n …` of the database's orders. */
export function dbOrdersByState(outcomes: OrderOutcomes): string {
  return outcomes.dbStates.map((row) => `${row.state}:${row.n}`).join(' ');
}

/** Where the orders ended, for the figures. */
export function orderFigures(outcomes: OrderOutcomes, workload: FlowThroughWorkload): Figures {
  return {
    orders_completed: outcomes.completed,
    orders_not_completed: workload.numberOrders - outcomes.completed,
    db_orders_by_state: dbOrdersByState(outcomes),
    dead_letters: outcomes.deadLetters,
  };
}

/** What is wrong with the orders' ends: not every number order completed, or not every order in the database. */
export function orderProblems(outcomes: OrderOutcomes, workload: FlowThroughWorkload): string[] {
  const problems: string[] = [];
  if (outcomes.completed !== workload.numberOrders)
    problems.push(
      `${workload.numberOrders - outcomes.completed} number orders did not end completed: ${[...outcomes.states].map(([state, n]) => `${state} ${n}`).join(', ')}`,
    );
  if (outcomes.dbStates.some((row) => row.state !== 'completed'))
    problems.push(`orders in the database not completed: ${dbOrdersByState(outcomes)}`);
  return problems;
}

/** Fails the run on any problem (dead letters checked last), after logging its figures. */
export function failOnProblems(context: BenchContext, figures: Figures, problems: string[], deadLetters: number): void {
  if (deadLetters !== 0) problems.push(`${deadLetters} dead letters`);
  if (problems.length > 0) {
    context.log(`figures of the failed run: ${JSON.stringify(figures)}`);
    throw new Error(`the flow-through run is not correct:\n  ${problems.join('\n  ')}`);
  }
}
