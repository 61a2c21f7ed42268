import { createSimulator, type CounterSnapshot } from '../../../src/simulator/index.js';
import { startSimulatorProcess, type BenchSimulator, type SimulatorProcessOptions } from '../lib/flowthrough-simulator-process.js';
import { simulatorClientEnvironment } from '../../../src/simulator/client-environment.js';
import { flowThroughProfile } from '../lib/flowthrough-profile.js';
import {
  failOnProblems,
  flowThroughTopics,
  lastTerminalAt,
  logSettings,
  orderFigures,
  orderOutcomes,
  orderProblems,
  overriddenByEnvironment,
  peakRssMb,
  phaseFigures,
  pipelineEnvironment,
  pipelineSettings,
  publishedLine,
  publishNumberOrders,
  r,
  RECONCILER_TUNED_NAMES,
  reconcilerSettings,
  runAccountPhase,
  startFlowThroughPipeline,
  trustCaCertificate,
} from '../lib/flowthrough-run.js';
import { flowThroughWorkload, type FlowThroughSpec } from '../lib/flowthrough-workload.js';
import type { BenchOptions } from '../lib/options.js';
import type { Figures, OptionSpec, Scenario } from '../lib/scenario.js';
import { runAcgFlowThrough } from './flowthrough-acg.js';

/**
 * The flow-through benchmark (the contract): 200 tenants, 2,000
 * orders of 50 Operator Connect numbers (100,000 numbers) published to Kafka,
 * taken in by the worker's intake, flowed by its reconciler to the Operator
 * Connect simulator over real HTTP (50 ms latency per call, orders complete
 * 200 ms after acceptance, 1,000 numbers per order, 20 requests/s), status
 * events out through the outbox. Timed from the first number order published
 * to the last terminal status event a subscriber receives, against the
 * API-imposed minimum computed from the same parameters.
 * `--backend acg`: the same against the Azure Communications Gateway simulator
 * at ACG's published limits (./flowthrough-acg.ts, where its minimum is derived).
 */

const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'backend',
    description:
      'operator-connect (the Operator Connect simulator) or acg (Azure Communications Gateway at its published limits: 100 requests/minute, 100 numbers per request; the worker with BACKEND=acg)',
    default: 'operator-connect',
  },
  { name: 'tenants', description: 'tenants (accounts, each with its own Teams tenant and an active consent)', default: '200' },
  { name: 'orders-per-tenant', description: 'number orders per tenant (auto: 10; acg 1)', default: 'auto' },
  { name: 'numbers-per-order', description: 'Operator Connect numbers per order (auto: 50; acg 100)', default: 'auto' },
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
  {
    name: 'processing-ms',
    description: 'simulator: time from acceptance to a terminal order (acg: write → numbers synced) (auto: 200; acg 2000)',
    default: 'auto',
  },
  { name: 'max-per-order', description: 'simulator and client: numbers per backend order (operator-connect only)', default: '1000' },
  { name: 'rate', description: 'simulator limit and client pacing, requests/s (operator-connect only)', default: '20' },
  {
    name: 'rate-per-minute',
    description: 'acg only: simulator limit (429 above) and ACG_PROVISIONING_REQUESTS_PER_MINUTE, requests/minute',
    default: '100',
  },
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

const TUNED_NAMES = [...RECONCILER_TUNED_NAMES, 'OPERATOR_CONNECT_PAGE_SIZE'] as const;

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

/** An option whose default is `auto`: the backend's value then. */
function perBackend(options: BenchOptions, name: string, auto: number, range: { min: number; max: number }): number {
  return options.string(name) === 'auto' ? auto : options.integer(name, range);
}

async function run(context: Parameters<Scenario['run']>[0], options: BenchOptions): Promise<Figures> {
  const { log } = context;
  const backend = options.choice('backend', ['operator-connect', 'acg'] as const);
  const acg = backend === 'acg';
  const interleave = options.string('interleave');
  if (interleave !== 'by-tenant' && interleave !== 'round-robin')
    throw new Error(`--interleave ${interleave}: must be by-tenant or round-robin`);
  const spec: FlowThroughSpec = {
    seed: options.integer('seed', { min: 0, max: 2 ** 32 - 1 }),
    tenants: options.integer('tenants', { min: 1, max: 10_000 }),
    ordersPerTenant: perBackend(options, 'orders-per-tenant', acg ? 1 : 10, { min: 1, max: 10_000 }),
    numbersPerOrder: perBackend(options, 'numbers-per-order', acg ? 100 : 50, { min: 1, max: 10_000 }),
    interleave,
  };
  const latencyMs = options.integer('latency-ms', { min: 0, max: 10_000 });
  const processingMs = perBackend(options, 'processing-ms', acg ? 2000 : 200, { min: 0, max: 600_000 });
  if (acg) {
    const where = options.string('simulator');
    if (where !== 'process' && where !== 'in-process') throw new Error(`--simulator ${where}: must be process or in-process`);
    log(
      `backend acg: ${spec.tenants} accounts × ${spec.ordersPerTenant} order(s) × ${spec.numbersPerOrder} numbers, provisioning delay ${processingMs} ms`,
    );
    return runAcgFlowThrough(context, {
      spec,
      latencyMs,
      processingMs,
      ratePerMinute: options.integer('rate-per-minute', { min: 1, max: 100_000 }),
      partitions: options.integer('partitions', { min: 1, max: 64 }),
      stepTimeoutMs: options.number('step-timeout-s', { min: 1, max: 86_400 }) * 1000,
      where,
    });
  }
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
  const topics = await flowThroughTopics(context, partitions);
  const { ordersTopic, statusTopic } = topics;

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
  trustCaCertificate(context, endpoints.caCertificatePem);

  const tuning = overriddenByEnvironment(TUNING);
  const config = context.config({
    ...simulatorClientEnvironment(endpoints),
    ...tuning,
    OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: String(rate),
    OPERATOR_CONNECT_MAX_NUMBERS_PER_ORDER: String(maxPerOrder),
    ...pipelineEnvironment(context, db.url, topics),
  });
  const oc = config.operatorConnect;
  if (oc === null) throw new Error('no Operator Connect client configuration');
  const settings: Record<string, number> = {
    ...reconcilerSettings(config),
    oc_rate_limit_per_s: oc.rateLimitPerSecond,
    oc_max_numbers_per_order: oc.maxNumbersPerOrder,
    oc_page_size: oc.pageSize,
    ...pipelineSettings(config),
  };
  logSettings(context, TUNED_NAMES, tuning, settings);

  const pipeline = await startFlowThroughPipeline(context, config, statusTopic);
  const { calls, watcher } = pipeline;

  // Phase 1, not timed: the accounts, each acknowledged as completed before any number order is published.
  log(`publishing ${spec.tenants} account orders to ${ordersTopic} (not timed)…`);
  const accountSeconds = await runAccountPhase(pipeline, ordersTopic, workload, stepTimeoutMs);
  log(`accounts: ${spec.tenants} completed in ${accountSeconds.toFixed(1)} s; the clock starts at the first number order`);

  // Phase 2, timed: first number order published → last terminal status event received.
  const before = await simulator.counters();
  const ledgerBefore = await simulator.ledgerSize();
  const publication = await publishNumberOrders(pipeline, ordersTopic, workload);
  const { t0WallMs, t0, publishSeconds } = publication;
  log(publishedLine(workload, publishSeconds));
  await watcher.whenTerminal(workload.numberOrderIds, stepTimeoutMs);
  const lastTerminal = lastTerminalAt(watcher, workload);
  const seconds = (lastTerminal - t0) / 1000;
  const after = await simulator.counters();
  const d = delta(after, before);
  const statusEvents = watcher.eventsBetween(t0, lastTerminal);
  log(`last terminal status event after ${seconds.toFixed(2)} s (API-imposed minimum ${apiBoundSeconds.toFixed(2)} s)`);

  // Correctness, same run.
  const outcomes = await orderOutcomes(watcher, workload, db.pool);
  const { completed, deadLetters } = outcomes;
  const uploads = await simulator.uploads();
  const repeated = await simulator.repeatedChanges();
  const ledgerSize = await simulator.ledgerSize();
  const profile = await flowThroughProfile(db.pool, t0WallMs, calls);
  await pipeline.stopWorker();

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
    ...phaseFigures(publication, accountSeconds),
    // Correctness.
    ...orderFigures(outcomes, workload),
    ledger_uploads: uploads,
    ledger_entries_in_window: ledgerSize - ledgerBefore,
    simulator_process: where,
    ledger_repeated_changes: repeated,
    unparsable_status_events: watcher.unparsable,
    ...settings,
    ...profile,
  };
  const problems = orderProblems(outcomes, workload);
  if (uploads !== workload.numbers) problems.push(`the simulator ledger holds ${uploads} uploads, not ${workload.numbers}`);
  if (ledgerSize !== workload.numbers) problems.push(`the simulator ledger holds ${ledgerSize} entries in all, not ${workload.numbers}`);
  if (repeated !== 0) problems.push(`${repeated} changes were applied more than once`);
  failOnProblems(context, figures, problems, deadLetters);
  log(
    `verified: ${completed} orders completed, ${uploads.toLocaleString('en-US')} uploads in the simulator ledger, no change applied twice, no dead letter; ` +
      `mutating calls ${d.mutating} (minimum ${minMutatingCalls}), status reads ${d.orderReads}, consent calls ${d.consent}, token requests ${d.token}, 429s ${d.throttled}`,
  );
  return figures;
}

export const flowthrough: Scenario = {
  name: 'flowthrough',
  description:
    'orders → intake → reconciler → Operator Connect simulator (real HTTP) → status events: 100,000 numbers of 200 tenants, first number order published → last terminal status event, against the API-imposed minimum; --backend acg: Azure Communications Gateway at 100 requests/minute, 20,000 numbers of 200 accounts',
  options: OPTIONS,
  run,
};
