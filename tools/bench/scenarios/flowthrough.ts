import { readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import type { CallEvent } from '../../../src/operator-connect/index.js';
import { createSimulator, type CounterSnapshot } from '../../../src/simulator/index.js';
import { startSimulatorProcess, type BenchSimulator, type SimulatorProcessOptions } from '../lib/flowthrough-simulator-process.js';
import { simulatorClientEnvironment } from '../../../src/simulator/client-environment.js';
import { flowThroughProfile } from '../lib/flowthrough-profile.js';
import { watchStatus } from '../lib/flowthrough-status.js';
import { flowThroughWorker } from '../lib/flowthrough-worker.js';
import { flowThroughWorkload, type FlowThroughSpec } from '../lib/flowthrough-workload.js';
import type { BenchOptions } from '../lib/options.js';
import { benchProducer, publishRecords } from '../lib/producer.js';
import type { Figures, OptionSpec, Scenario } from '../lib/scenario.js';
import { BYTES_PER_MB } from '../lib/stats.js';

/**
 * The flow-through benchmark (the issue's contract): 200 tenants, 2,000
 * orders of 50 Operator Connect numbers (100,000 numbers) published to Kafka,
 * taken in by the worker's intake, flowed by its reconciler to the Operator
 * Connect simulator over real HTTP (50 ms latency per call, orders complete
 * 200 ms after acceptance, 1,000 numbers per order, 20 requests/s), status
 * events out through the outbox. Timed from the first number order published
 * to the last terminal status event a subscriber receives, against the
 * API-imposed minimum computed from the same parameters.
 */

const OPTIONS: readonly OptionSpec[] = [
  { name: 'tenants', description: 'tenants (accounts, each with its own Teams tenant and an active consent)', default: '200' },
  { name: 'orders-per-tenant', description: 'number orders per tenant', default: '10' },
  { name: 'numbers-per-order', description: 'Operator Connect numbers per order', default: '50' },
  {
    name: 'simulator',
    description:
      'where the Operator Connect simulator runs: process (its own, as the real API is remote) or in-process (shares the worker’s event loop)',
    default: 'process',
  },
  {
    name: 'interleave',
    description: 'publishing order of the number orders: by-tenant (a tenant’s orders together) or round-robin',
    default: 'by-tenant',
  },
  { name: 'seed', description: 'seed of the tenants and numbers', default: '20261129' },
  { name: 'partitions', description: 'partitions of the order and status topics', default: '3' },
  { name: 'latency-ms', description: 'simulator: latency added to every call', default: '50' },
  { name: 'processing-ms', description: 'simulator: time from acceptance to a terminal order', default: '200' },
  { name: 'max-per-order', description: 'simulator and client: numbers per backend order', default: '1000' },
  { name: 'rate', description: 'simulator limit and client pacing, requests/s', default: '20' },
  { name: 'step-timeout-s', description: 'bound of each phase (accounts, numbers)', default: '600' },
];

/**
 * The benchmark's reconciler and client tuning, set only through the worker's
 * own variables. A variable set in the environment wins over these.
 */
const TUNING: Readonly<Record<string, string>> = {
  // The simulator settles an order 200 ms after accepting it; the first status read is sent after this,
  // and takes one call latency to arrive: 250 ms leaves margin for one read per order.
  RECONCILER_EXPECTED_PROCESSING_MS: '250',
  RECONCILER_LINGER_MS: '200',
  RECONCILER_MAX_LINGER_MS: '2000',
  // Passes of at most 10,000 numbers (20 whole tenants) commit their operations sooner than the default 20,000.
  RECONCILER_PLAN_BATCH: '10000',
  // One consent list per run, not one per 5 s of planning.
  RECONCILER_CONSENT_CACHE_MS: '60000',
  // 200 consents in one page (the service allows up to 500).
  OPERATOR_CONNECT_PAGE_SIZE: '500',
};

const TUNED_NAMES = [
  'RECONCILER_LINGER_MS',
  'RECONCILER_MAX_LINGER_MS',
  'RECONCILER_CONCURRENCY',
  'RECONCILER_PLAN_BATCH',
  'RECONCILER_IDLE_POLL_MS',
  'RECONCILER_EXPECTED_PROCESSING_MS',
  'RECONCILER_POLL_MAX_MS',
  'RECONCILER_CONSENT_CACHE_MS',
  'OPERATOR_CONNECT_PAGE_SIZE',
] as const;

/** Peak RSS of this process (VmHWM), MB; it includes the harness. */
function peakRssMb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Math.round((Number(match[1]) * 1024) / BYTES_PER_MB);
  } catch {
    // not Linux: fall back below
  }
  return Math.round((process.resourceUsage().maxRSS * 1024) / BYTES_PER_MB);
}

function delta(
  after: CounterSnapshot,
  before: CounterSnapshot,
): Record<'mutating' | 'orderReads' | 'numberReads' | 'consent' | 'token' | 'throttled' | 'replays' | 'total', number> {
  return {
    mutating: after.mutatingCalls - before.mutatingCalls,
    orderReads: after.orderReads - before.orderReads,
    numberReads: after.statusReads - before.statusReads,
    consent: after.consentCalls - before.consentCalls,
    token: after.tokenRequests - before.tokenRequests,
    throttled: after.throttled - before.throttled,
    replays: after.replays - before.replays,
    total: after.totalCalls - before.totalCalls,
  };
}

const r = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The simulator in this process, behind the same interface as the separate process. */
async function inProcessSimulator(options: SimulatorProcessOptions): Promise<BenchSimulator> {
  const simulator = createSimulator(options);
  const endpoints = await simulator.start();
  return {
    endpoints,
    counters: async () => simulator.counters.snapshot(),
    ledgerSize: async () => simulator.ledger.size,
    uploads: async () => simulator.ledger.entries({ operation: 'upload' }).length,
    repeatedChanges: async () => simulator.ledger.repeatedChanges().length,
    stop: () => simulator.stop(),
  };
}

async function run(context: Parameters<Scenario['run']>[0], options: BenchOptions): Promise<Figures> {
  const { log } = context;
  const interleave = options.string('interleave');
  if (interleave !== 'by-tenant' && interleave !== 'round-robin')
    throw new Error(`--interleave ${interleave}: must be by-tenant or round-robin`);
  const spec: FlowThroughSpec = {
    seed: options.integer('seed', { min: 0, max: 2 ** 32 - 1 }),
    tenants: options.integer('tenants', { min: 1, max: 10_000 }),
    ordersPerTenant: options.integer('orders-per-tenant', { min: 1, max: 10_000 }),
    numbersPerOrder: options.integer('numbers-per-order', { min: 1, max: 10_000 }),
    interleave,
  };
  const latencyMs = options.integer('latency-ms', { min: 0, max: 10_000 });
  const processingMs = options.integer('processing-ms', { min: 0, max: 600_000 });
  const maxPerOrder = options.integer('max-per-order', { min: 1, max: 100_000 });
  const rate = options.integer('rate', { min: 1, max: 10_000 });
  const partitions = options.integer('partitions', { min: 1, max: 64 });
  const stepTimeoutMs = options.number('step-timeout-s', { min: 1, max: 86_400 }) * 1000;
  const workload = flowThroughWorkload(spec);

  // The API-imposed minimum, from the same parameters: every tenant's numbers in ceil(n / max) uploads,
  // one status read per backend order, all at `rate` calls/s, plus one call's latency and one processing delay.
  const numbersPerTenant = spec.ordersPerTenant * spec.numbersPerOrder;
  const minMutatingCalls = spec.tenants * Math.ceil(numbersPerTenant / maxPerOrder);
  const minStatusReads = minMutatingCalls;
  const apiBoundSeconds = (minMutatingCalls + minStatusReads) / rate + latencyMs / 1000 + processingMs / 1000;

  const db = await context.createDatabase();
  const [ordersTopic, deadLetterTopic, statusTopic] = (await context.createTopics(['ft-orders', 'ft-dlt', 'ft-status'], partitions)) as [
    string,
    string,
    string,
  ];

  const where = options.string('simulator');
  if (where !== 'process' && where !== 'in-process') throw new Error(`--simulator ${where}: must be process or in-process`);
  const simulatorOptions = {
    latencyMs,
    processingDelayMs: processingMs,
    maxNumbersPerOrder: maxPerOrder,
    rateLimitPerSecond: rate,
    consents: workload.consents,
    seed: spec.seed,
  };
  const simulator = where === 'process' ? await startSimulatorProcess(simulatorOptions) : await inProcessSimulator(simulatorOptions);
  const endpoints = simulator.endpoints;
  context.defer('stop the Operator Connect simulator', () => simulator.stop());
  const trusted = getCACertificates('default');
  setDefaultCACertificates([...trusted, endpoints.caCertificatePem]);
  context.defer('restore the trusted CA certificates', () => setDefaultCACertificates(trusted));

  const tuning = Object.fromEntries(Object.entries(TUNING).map(([name, value]) => [name, process.env[name] ?? value]));
  const config = context.config({
    ...simulatorClientEnvironment(endpoints),
    ...tuning,
    OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: String(rate),
    OPERATOR_CONNECT_MAX_NUMBERS_PER_ORDER: String(maxPerOrder),
    DATABASE_URL: db.url,
    ORDERS_TOPIC: ordersTopic,
    DEAD_LETTER_TOPIC: deadLetterTopic,
    STATUS_TOPIC: statusTopic,
    KAFKA_GROUP_ID: context.groupId('ft-intake'),
    RECONCILER_ENABLED: 'true',
  });
  const oc = config.operatorConnect;
  if (oc === null) throw new Error('no Operator Connect client configuration');
  const settings: Record<string, number> = {
    reconciler_linger_ms: config.reconciler.lingerMs,
    reconciler_max_linger_ms: config.reconciler.maxLingerMs,
    reconciler_expected_processing_ms: config.reconciler.expectedProcessingMs,
    reconciler_concurrency: config.reconciler.concurrency,
    reconciler_plan_batch: config.reconciler.planBatch,
    reconciler_idle_poll_ms: config.reconciler.idlePollMs,
    reconciler_poll_max_ms: config.reconciler.pollMaxMs,
    reconciler_consent_cache_ms: config.reconciler.consent.cacheMs,
    oc_rate_limit_per_s: oc.rateLimitPerSecond,
    oc_max_numbers_per_order: oc.maxNumbersPerOrder,
    oc_page_size: oc.pageSize,
    intake_chunk_size: config.intake.chunkSize,
    database_pool_max: config.database.poolMax,
  };
  log(`settings: ${TUNED_NAMES.map((n) => `${n}=${tuning[n] ?? '(default)'}`).join(' ')}; effective ${JSON.stringify(settings)}`);

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

  // Phase 1, not timed: the accounts, each acknowledged as completed before any number order is published.
  log(`publishing ${spec.tenants} account orders to ${ordersTopic} (not timed)…`);
  const accountsStarted = performance.now();
  await publishRecords(producer, ordersTopic, workload.accountRecords());
  await watcher.whenTerminal(workload.accountOrderIds, stepTimeoutMs);
  const accountSeconds = (performance.now() - accountsStarted) / 1000;
  const accountStates = workload.accountOrderIds.map((id) => watcher.terminalState(id));
  const accountsNotCompleted = accountStates.filter((s) => s !== 'completed').length;
  if (accountsNotCompleted > 0)
    throw new Error(`${accountsNotCompleted} account orders did not complete (states: ${[...new Set(accountStates)].join(', ')})`);
  log(`accounts: ${spec.tenants} completed in ${accountSeconds.toFixed(1)} s; the clock starts at the first number order`);

  // Phase 2, timed: first number order published → last terminal status event received.
  const before = await simulator.counters();
  const ledgerBefore = await simulator.ledgerSize();
  const t0WallMs = Date.now();
  const t0 = performance.now();
  const published = await publishRecords(producer, ordersTopic, workload.numberRecords());
  const publishSeconds = (performance.now() - t0) / 1000;
  log(
    `published ${workload.numberOrders} number orders (${workload.numbers.toLocaleString('en-US')} numbers, ${spec.interleave}) in ${publishSeconds.toFixed(2)} s; waiting for their terminal status events…`,
  );
  await watcher.whenTerminal(workload.numberOrderIds, stepTimeoutMs);
  const lastTerminal = Math.max(...workload.numberOrderIds.map((id) => watcher.terminalAt(id) ?? Number.NaN));
  const seconds = (lastTerminal - t0) / 1000;
  const after = await simulator.counters();
  const d = delta(after, before);
  const statusEvents = watcher.eventsBetween(t0, lastTerminal);
  log(`last terminal status event after ${seconds.toFixed(2)} s (API-imposed minimum ${apiBoundSeconds.toFixed(2)} s)`);

  // Correctness, same run.
  const states = new Map<string, number>();
  for (const id of workload.numberOrderIds) {
    const state = watcher.terminalState(id) ?? 'none';
    states.set(state, (states.get(state) ?? 0) + 1);
  }
  const dbStates = (
    await db.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM orders GROUP BY state ORDER BY state')
  ).rows;
  const deadLetters = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters')).rows[0]?.n ?? -1;
  const uploads = await simulator.uploads();
  const repeated = await simulator.repeatedChanges();
  const ledgerSize = await simulator.ledgerSize();
  const profile = await flowThroughProfile(db.pool, t0WallMs, calls);
  await stopWorker();

  const completed = states.get('completed') ?? 0;
  const rssMbPeak = peakRssMb();
  const figures: Figures = {
    scenario: 'flowthrough',
    numbers: workload.numbers,
    seconds: r(seconds),
    api_bound_seconds: r(apiBoundSeconds),
    ratio: r(seconds / apiBoundSeconds),
    mutating_calls: d.mutating,
    min_mutating_calls: minMutatingCalls,
    status_reads: d.orderReads,
    rss_mb_peak: rssMbPeak,
    // The run's shape and the rest of the API traffic.
    tenants: spec.tenants,
    number_orders: workload.numberOrders,
    interleave: spec.interleave,
    numbers_per_s: r(workload.numbers / seconds, 1),
    api_rate_limit_per_s: rate,
    min_status_reads: minStatusReads,
    number_status_reads: d.numberReads,
    consent_calls: d.consent,
    token_requests: d.token,
    throttled_429: d.throttled,
    repeatability_replays: d.replays,
    api_calls_total: d.total,
    api_calls_before_clock: before.totalCalls,
    status_events: statusEvents,
    status_events_per_s: r(statusEvents / seconds, 1),
    publish_seconds: r(publishSeconds),
    publish_msgs_per_s: Math.round(published.recordsPerSec),
    account_phase_seconds: r(accountSeconds),
    // Correctness.
    orders_completed: completed,
    orders_not_completed: workload.numberOrders - completed,
    db_orders_by_state: dbStates.map((row) => `${row.state}:${row.n}`).join(' '),
    dead_letters: deadLetters,
    ledger_uploads: uploads,
    ledger_entries_in_window: ledgerSize - ledgerBefore,
    simulator_process: where,
    ledger_repeated_changes: repeated,
    unparsable_status_events: watcher.unparsable,
    ...settings,
    ...profile,
  };
  const problems: string[] = [];
  if (completed !== workload.numberOrders)
    problems.push(
      `${workload.numberOrders - completed} number orders did not end completed: ${[...states].map(([s, n]) => `${s} ${n}`).join(', ')}`,
    );
  if (dbStates.some((row) => row.state !== 'completed'))
    problems.push(`orders in the database not completed: ${figures.db_orders_by_state as string}`);
  if (uploads !== workload.numbers) problems.push(`the simulator ledger holds ${uploads} uploads, not ${workload.numbers}`);
  if (ledgerSize !== workload.numbers) problems.push(`the simulator ledger holds ${ledgerSize} entries in all, not ${workload.numbers}`);
  if (repeated !== 0) problems.push(`${repeated} changes were applied more than once`);
  if (deadLetters !== 0) problems.push(`${deadLetters} dead letters`);
  if (problems.length > 0) {
    log(`figures of the failed run: ${JSON.stringify(figures)}`);
    throw new Error(`the flow-through run is not correct:\n  ${problems.join('\n  ')}`);
  }
  log(
    `verified: ${completed} orders completed, ${uploads.toLocaleString('en-US')} uploads in the simulator ledger, no change applied twice, no dead letter; ` +
      `mutating calls ${d.mutating} (minimum ${minMutatingCalls}), status reads ${d.orderReads}, consent calls ${d.consent}, token requests ${d.token}, 429s ${d.throttled}`,
  );
  return figures;
}

export const flowthrough: Scenario = {
  name: 'flowthrough',
  description:
    'orders → intake → reconciler → Operator Connect simulator (real HTTP) → status events: 100,000 numbers of 200 tenants, first number order published → last terminal status event, against the API-imposed minimum',
  options: OPTIONS,
  run,
};
