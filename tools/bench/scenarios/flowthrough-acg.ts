import { ACG_API_VERSION, acgClientEnvironment, loadAcgSpec, type AcgCounterSnapshot } from '../../../src/acg-simulator/index.js';
import { describeCalls } from '../../shared/describe-calls.js';
import { acgCallFigures } from '../lib/acg-call-figures.js';
import { inProcessAcgSimulator, startAcgSimulatorProcess, type BenchAcgSimulator } from '../lib/acg-simulator-process.js';
import { ACG_PROFILE, flowThroughProfile } from '../lib/flowthrough-profile.js';
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
import type { Figures, Scenario } from '../lib/scenario.js';

/**
 * The flow-through benchmark against Azure Communications Gateway
 * (`npm run bench -- flowthrough --backend acg`), at ACG's published limits:
 * the ACG simulator answers 429 above 100 requests per minute (all clients
 * together) and takes at most 100 numbers per :createOrUpdateNumbers; the
 * worker runs with BACKEND=acg, paced at ACG_PROVISIONING_REQUESTS_PER_MINUTE=100.
 *
 * Workload (defaults): 200 accounts (each its own Teams tenant, Operator Connect
 * enabled + syncEnabled, an active request for information covering GB) of 100
 * Operator Connect numbers each, 20,000 numbers. Setup, NOT timed: the account
 * orders, until every account item completed (ACG holds and has provisioned every
 * account). Timed: first number order published → last terminal status event.
 *
 * The API-bound minimum, from the same parameters:
 * - writes: each account's numbers need ceil(numbers per account / 100) :createOrUpdateNumbers
 *   requests; 100 numbers per account → 1 per account, 200 in all (= the minimum mutating calls);
 * - status reads: the write answers each number `pending` (Operator Connect numbers sync to Teams
 *   for the simulator's provisioning delay), so each account's numbers need at least one
 *   read of their serviceProvisioningStatus after it; the cheapest read is one page of
 *   GET /accounts/{name}/numbers, which holds all 100 when the page size is ≥ 100 (the bench
 *   asks for ACG_PROVISIONING_PAGE_SIZE=1000), so at least ceil(numbers per account / page size)
 *   reads per account: 200 in all;
 * - every request counts against the same 100 requests/minute, so the minimum time is
 *   (writes + reads) / rate = 400 / (100/min) = 240 s. The client paces without a burst, so
 *   the requests cannot come faster than that whatever the simulator's bucket holds. Not
 *   included (they would only raise the floor): the consent (request for information)
 *   reads the worker makes to check consents, the provisioning delay after the last write
 *   (overlapped by the other accounts' requests) and the last answer's latency.
 * ratio = measured seconds / minimum seconds; mutating_calls (every POST/PUT/PATCH/DELETE the
 * simulator answered in the timed phase, whatever the status) against 200.
 */

/** The targets of the issue. */
const TARGET_RATIO = 1.05;
const TARGET_MUTATING_FACTOR = 1.02;
/** Numbers per :createOrUpdateNumbers (the swagger's maxItems, MAX_NUMBERS_PER_REQUEST of the client). */
const ACG_MAX_NUMBERS_PER_REQUEST = 100;

/**
 * The reconciler and client tuning, through the worker's own variables only; a
 * variable set in the environment wins over these. `processingMs` is the
 * simulator's provisioning delay.
 */
function tuning(processingMs: number): Record<string, string> {
  return {
    // The first status read of a write is sent this long after its answer: the provisioning delay plus margin
    // for the write's own latency, so that one read finds the numbers settled.
    RECONCILER_EXPECTED_PROCESSING_MS: String(processingMs + 250),
    RECONCILER_LINGER_MS: '200',
    RECONCILER_MAX_LINGER_MS: '2000',
    RECONCILER_PLAN_BATCH: '10000',
    // One consent list per minute of planning, not one per 5 s.
    RECONCILER_CONSENT_CACHE_MS: '60000',
    // An account's numbers (100) and the 200 requests for information in one page each.
    ACG_PROVISIONING_PAGE_SIZE: '1000',
    // Setup: an account written is read again once the simulator has provisioned it.
    ACG_PROVISIONING_POLL_INTERVAL_MS: String(processingMs + 250),
  };
}

const TUNED_NAMES = [
  ...RECONCILER_TUNED_NAMES,
  'ACG_PROVISIONING_PAGE_SIZE',
  'ACG_PROVISIONING_POLL_INTERVAL_MS',
  'ACG_PROVISIONING_RATE_LIMIT_SCOPE',
] as const;

/** Every number ACG holds (GET /numbers, paged), read once the run is over: the simulator's own view. */
async function heldNumbers(simulator: BenchAcgSimulator, token: string): Promise<Map<string, number>> {
  const { url, apiVersion } = simulator.endpoints;
  const byStatus = new Map<string, number>();
  let next: string | undefined = `${url}/numbers?api-version=${encodeURIComponent(apiVersion)}&maxpagesize=1000`;
  for (let pages = 0; next !== undefined && pages < 10_000; pages += 1) {
    const response = await fetch(next, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    if (response.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Number(response.headers.get('retry-after') ?? '1')) * 1000));
      continue;
    }
    if (!response.ok) throw new Error(`GET /numbers: HTTP ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { value: { serviceProvisioningStatus?: string }[]; nextLink?: string };
    for (const n of page.value) {
      const status = n.serviceProvisioningStatus ?? 'none';
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    }
    next = page.nextLink;
  }
  return byStatus;
}

export interface AcgRunSettings {
  readonly spec: FlowThroughSpec;
  readonly latencyMs: number;
  readonly processingMs: number;
  readonly ratePerMinute: number;
  readonly partitions: number;
  readonly stepTimeoutMs: number;
  readonly where: 'process' | 'in-process';
}

export async function runAcgFlowThrough(context: Parameters<Scenario['run']>[0], s: AcgRunSettings): Promise<Figures> {
  const { log } = context;
  const { spec, latencyMs, processingMs, ratePerMinute, partitions, stepTimeoutMs, where } = s;
  const workload = flowThroughWorkload(spec);
  const pageSize = Number(process.env.ACG_PROVISIONING_PAGE_SIZE ?? tuning(processingMs).ACG_PROVISIONING_PAGE_SIZE);

  // The API-bound minimum (see the module comment).
  const numbersPerAccount = spec.ordersPerTenant * spec.numbersPerOrder;
  const minMutatingCalls = spec.tenants * Math.ceil(numbersPerAccount / ACG_MAX_NUMBERS_PER_REQUEST);
  const minStatusReads = spec.tenants * Math.ceil(numbersPerAccount / Math.min(pageSize, 1000));
  const minRequests = minMutatingCalls + minStatusReads;
  const apiBoundSeconds = minRequests / (ratePerMinute / 60);

  const spec_ = await loadAcgSpec(ACG_API_VERSION);
  const db = await context.createDatabase();
  const topics = await flowThroughTopics(context, partitions);
  const { ordersTopic, statusTopic } = topics;

  const simulatorOptions = { latencyMs, provisioningDelayMs: processingMs, rateLimitPerMinute: ratePerMinute, seed: spec.seed };
  const simulator = where === 'process' ? await startAcgSimulatorProcess(simulatorOptions) : await inProcessAcgSimulator(simulatorOptions);
  context.defer('stop the ACG simulator', () => simulator.stop());
  // Every tenant consented in Teams (a request for information covering the numbers' country).
  for (const consent of workload.consents) {
    await simulator.putRequestForInformation({
      tenantId: consent.tenantId,
      status: 'active',
      consentedCountries: [...(consent.consentedCountries ?? [])],
    });
  }
  const endpoints = simulator.endpoints;
  trustCaCertificate(context, endpoints.caCertificatePem);

  const tuned = overriddenByEnvironment(tuning(processingMs));
  const config = context.config({
    ...acgClientEnvironment(endpoints),
    ...tuned,
    BACKEND: 'acg',
    ACG_PROVISIONING_REQUESTS_PER_MINUTE: String(ratePerMinute),
    ...pipelineEnvironment(context, db.url, topics),
  });
  const acg = config.acg;
  if (acg === null || config.reconciler.backend !== 'acg') throw new Error('no ACG Provisioning API client configuration (BACKEND=acg)');
  const settings: Record<string, number | string> = {
    backend: config.reconciler.backend,
    ...reconcilerSettings(config),
    acg_requests_per_minute: acg.requestsPerMinute,
    acg_rate_limit_scope: acg.rateLimitScope,
    acg_page_size: acg.pageSize,
    acg_poll_interval_ms: acg.pollIntervalMs,
    ...pipelineSettings(config),
  };
  logSettings(context, TUNED_NAMES, tuned, settings);

  const pipeline = await startFlowThroughPipeline(context, config, statusTopic);
  const { calls, watcher } = pipeline;

  // Phase 1, not timed: the accounts, each written to ACG and provisioned (its item completed) before any number order.
  log(
    `publishing ${spec.tenants} account orders to ${ordersTopic} (not timed; at ${ratePerMinute} requests/minute this takes ≥ ${Math.ceil((spec.tenants * 2) / ratePerMinute)} min)…`,
  );
  const accountSeconds = await runAccountPhase(pipeline, ordersTopic, workload, stepTimeoutMs);
  const setupCalls = await simulator.counters();
  log(
    `accounts: ${spec.tenants} completed in ${accountSeconds.toFixed(1)} s (${setupCalls.totalCalls} simulator calls: ${describeCalls(setupCalls.calls)}); the clock starts at the first number order`,
  );

  // Phase 2, timed: first number order published → last terminal status event received.
  const before: AcgCounterSnapshot = await simulator.counters();
  const publication = await publishNumberOrders(pipeline, ordersTopic, workload);
  const { t0WallMs, t0, publishSeconds } = publication;
  log(publishedLine(workload, publishSeconds, ` (API-bound minimum ${apiBoundSeconds.toFixed(0)} s)`));
  const progress = setInterval(() => {
    const done = workload.numberOrderIds.filter((id) => watcher.terminalState(id) !== undefined).length;
    void simulator.counters().then(
      (now) => {
        const d = acgCallFigures(now, before, spec_.operations);
        log(
          `  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${done}/${workload.numberOrders} orders terminal; ${d.requests} requests (${d.numberWrites} number writes, ${d.numberListPages} number list pages, ${d.consentReads} consent reads, ${d.throttled} 429s)`,
        );
      },
      () => undefined,
    );
  }, 30_000);
  try {
    await watcher.whenTerminal(workload.numberOrderIds, stepTimeoutMs);
  } finally {
    clearInterval(progress);
  }
  const lastTerminal = lastTerminalAt(watcher, workload);
  const seconds = (lastTerminal - t0) / 1000;
  const after = await simulator.counters();
  const d = acgCallFigures(after, before, spec_.operations);
  const statusEvents = watcher.eventsBetween(t0, lastTerminal);
  log(`last terminal status event after ${seconds.toFixed(2)} s (API-bound minimum ${apiBoundSeconds.toFixed(2)} s)`);
  log(`timed-phase calls: ${describeCalls(d.byOperation)}`);

  // Correctness, same run.
  const outcomes = await orderOutcomes(watcher, workload, db.pool);
  const { completed, deadLetters } = outcomes;
  const perAccount = (
    await db.pool.query<{ ops: number; polls: number }>(
      `SELECT count(*)::int AS ops, coalesce(sum(polls), 0)::int AS polls FROM backend_operations
        WHERE created_at >= to_timestamp($1::float8 / 1000) GROUP BY tenant_id`,
      [t0WallMs],
    )
  ).rows;
  const profile = await flowThroughProfile(db.pool, t0WallMs, calls, ACG_PROFILE);
  await pipeline.stopWorker();
  // What ACG holds, read through its API once the worker stopped (after the counters were read).
  const held = await heldNumbers(simulator, await simulator.issueToken());
  const heldSynced = held.get('synced') ?? 0;
  const heldTotal = [...held.values()].reduce((a, b) => a + b, 0);
  const final = await simulator.counters();

  const clientCalls = calls.filter((c) => c.sentAt >= t0WallMs && c.status !== undefined);
  const figures: Figures = {
    scenario: 'flowthrough',
    backend: 'acg',
    numbers: workload.numbers,
    seconds: r(seconds),
    api_bound_seconds: r(apiBoundSeconds),
    ratio: r(seconds / apiBoundSeconds),
    ratio_target: TARGET_RATIO,
    mutating_calls: d.mutating,
    min_mutating_calls: minMutatingCalls,
    mutating_calls_target: Math.floor(minMutatingCalls * TARGET_MUTATING_FACTOR),
    mutating_calls_ratio: r(d.mutating / minMutatingCalls),
    targets_met: `ratio ${seconds / apiBoundSeconds <= TARGET_RATIO ? 'yes' : 'no'}, mutating_calls ${d.mutating <= minMutatingCalls * TARGET_MUTATING_FACTOR ? 'yes' : 'no'}`,
    requests_total: d.requests,
    min_requests: minRequests,
    reads: d.reads,
    status_reads: d.numberListPages,
    min_status_reads: minStatusReads,
    status_reads_per_account_mean: r(d.numberListPages / spec.tenants, 2),
    consent_reads: d.consentReads,
    consent_writes: d.consentWrites,
    account_calls: d.accountCalls,
    number_writes_accepted: d.numberWrites,
    number_deletes: d.numberDeletes,
    mutating_calls_accepted: d.mutatingAccepted,
    throttled_429: d.throttled,
    client_429s: clientCalls.filter((c) => c.status === 429).length,
    entra_requests: d.entra,
    repeatability_replays: d.replays,
    request_violations: final.requestViolations,
    response_violations: final.responseViolations,
    calls_by_operation: describeCalls(d.byOperation),
    rss_mb_peak: peakRssMb(),
    // The run's shape.
    tenants: spec.tenants,
    numbers_per_account: numbersPerAccount,
    number_orders: workload.numberOrders,
    interleave: spec.interleave,
    numbers_per_s: r(workload.numbers / seconds, 1),
    api_rate_limit_per_minute: ratePerMinute,
    simulator_provisioning_delay_ms: processingMs,
    simulator_latency_ms: latencyMs,
    api_calls_before_clock: before.totalCalls,
    status_events: statusEvents,
    ...phaseFigures(publication, accountSeconds),
    // Correctness.
    ...orderFigures(outcomes, workload),
    acg_numbers_held: heldTotal,
    acg_numbers_synced: heldSynced,
    backend_operations_per_account_max: Math.max(0, ...perAccount.map((row) => row.ops)),
    unfinished_reads_per_account_max: Math.max(0, ...perAccount.map((row) => row.polls)),
    unparsable_status_events: watcher.unparsable,
    simulator_process: where,
    ...settings,
    ...profile,
  };
  const problems = orderProblems(outcomes, workload);
  if (heldTotal !== workload.numbers || heldSynced !== workload.numbers)
    problems.push(`ACG holds ${heldTotal} numbers (${heldSynced} synced), not ${workload.numbers} synced`);
  if (d.numberWrites < minMutatingCalls)
    problems.push(`only ${d.numberWrites} :createOrUpdateNumbers were accepted (≥ ${minMutatingCalls} needed)`);
  if (final.requestViolations !== 0) problems.push(`${final.requestViolations} requests broke the swagger (request violations)`);
  if (final.responseViolations !== 0)
    problems.push(`${final.responseViolations} simulator answers broke the swagger (response violations)`);
  failOnProblems(context, figures, problems, deadLetters);
  log(
    `verified: ${completed} orders completed, ACG holds ${heldTotal.toLocaleString('en-US')} numbers (${heldSynced.toLocaleString('en-US')} synced), no dead letter, no swagger violation; ` +
      `requests ${d.requests} (minimum ${minRequests}), mutating ${d.mutating} (minimum ${minMutatingCalls}), number list pages ${d.numberListPages} (minimum ${minStatusReads}), consent reads ${d.consentReads}, 429s ${d.throttled}`,
  );
  return figures;
}
