import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createTopics } from '../bench/lib/services.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { isTerminal, type OrderState } from '../../src/core/order-state/states.js';
import { STATUS_EVENT_TYPE } from '../../src/core/status/index.js';
import { migrate } from '../../src/platform/db/migrator.js';
import { createPool } from '../../src/platform/db/pool.js';
import { createKafka } from '../../src/platform/kafka/client.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import type { FaultOptions } from '../../src/simulator/index.js';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { Rng, deriveSeed } from '../fuzz/seeded-random.js';
import { startChaosBroker, type ChaosBroker } from './chaos-broker.js';
import type { ChaosOptions } from './chaos-options.js';
import { buildReport, type ChaosReport } from './chaos-report.js';
import { runDeadLetterScenario, type DeadLetterOutcome } from './dead-letter-scenario.js';
import { checkInvariants, type OrdersTopicRecord } from './invariants.js';
import { orderPublisher } from './order-producer.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import { buildSchedule } from './schedule.js';
import { waitForSettle } from './settle.js';
import { startSimulatorProcess } from './simulator-process.js';
import { statusRecordReader, type StatusRecord } from './status-records.js';
import { readWholeTopic } from './topic-reader.js';
import { startWorkerFleet } from './worker-fleet.js';
import { buildWorkload } from './workload.js';

/**
 * One chaos run (docs/CHAOS.md): its own broker and PostgreSQL, the
 * simulator with faults, N supervised workers; the BSS publishes while
 * workers are SIGKILLed, the broker and PostgreSQL restart, consents turn
 * active and a dead-letter replay is killed half-way; then the system is
 * given time to settle and the invariants are checked. Everything it
 * creates is registered on `cleanup` as it is created; the caller runs it.
 */

const TOPICS = { orders: 'chaos.orders.v1', deadLetter: 'chaos.orders.v1.dlt', status: 'chaos.status.v1' } as const;
const GROUP = 'chaos-intake';
const PARTITIONS = 3;
const WORKER_START_TIMEOUT_MS = 180_000;
/** Kept after settling for reading the topics, checking and cleaning up. */
const FINISH_MARGIN_MS = 30_000;

/** The simulator's faults for the chaos window: rate split over the kinds, token endpoint at its own rate. */
export function chaosFaults(options: ChaosOptions): FaultOptions {
  const r = options.faultRate;
  const t = options.tokenFaultRate;
  return {
    probabilities: { throttle: r * 0.25, serviceUnavailable: r * 0.25, serverError: r * 0.2, reset: r * 0.2, hang: r * 0.1 },
    retryAfter: { throttle: 2, serviceUnavailable: 1 },
    // Until the client's own timeout (OPERATOR_CONNECT_REQUEST_TIMEOUT_MS) ends it.
    hangMs: 0,
    // First half: the change is applied and the answer lost; the second half switches to beforeHandling.
    phase: 'afterHandling',
    token: {
      probabilities: { serverError: t * 0.4, serviceUnavailable: t * 0.4, hang: t * 0.2 },
      retryAfterSeconds: 1,
      hangMs: options.tokenHangMs,
    },
  };
}

/** The worker's settings for this run, besides services, topics and the simulator's client settings (docs/CHAOS.md). */
export const WORKER_SETTINGS: Readonly<Record<string, string>> = {
  LOG_LEVEL: 'info',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  KAFKA_CREATE_TOPICS: 'false',
  STATUS_EVENT_SOURCE: '/flowthrough/chaos',
  STARTUP_TIMEOUT_MS: '0',
  SHUTDOWN_TIMEOUT_MS: '10000',
  OUTBOX_RETRY_BASE_MS: '200',
  OUTBOX_RETRY_CAP_MS: '2000',
  KAFKA_SESSION_TIMEOUT_MS: '10000',
  KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
  KAFKA_REBALANCE_TIMEOUT_MS: '15000',
  OPERATOR_CONNECT_REQUEST_TIMEOUT_MS: '5000',
  OPERATOR_CONNECT_TOKEN_TIMEOUT_MS: '5000',
  OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: '50',
  OPERATOR_CONNECT_RETRY_CAP_MS: '5000',
  OPERATOR_CONNECT_CIRCUIT_BREAKER_COOLDOWN_MS: '5000',
  RECONCILER_EXPECTED_PROCESSING_MS: '1000',
  RECONCILER_CONSENT_CACHE_MS: '500',
  RECONCILER_CONSENT_RECHECK_MS: '2000',
  RECONCILER_LEASE_MS: '20000',
  RECONCILER_RETRY_BASE_MS: '500',
  RECONCILER_RETRY_CAP_MS: '5000',
};

export async function runChaos(
  options: ChaosOptions,
  log: (line: string) => void,
  cleanup: CleanupStack,
  deadline: number,
): Promise<ChaosReport> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), `flowthrough-chaos-${options.seed}-`));
  let keepLogs = true;
  cleanup.defer('remove the logs directory', async () => (keepLogs ? log(`logs kept: ${dir}`) : rm(dir, { recursive: true, force: true })));

  // Services: the run's own PostgreSQL and broker, started side by side.
  const [pgStart, brokerStart] = await Promise.allSettled([startPostgresCluster(log), startChaosBroker(log)]);
  if (pgStart.status === 'fulfilled') cleanup.defer('stop PostgreSQL and remove its cluster', () => pgStart.value.destroy());
  if (brokerStart.status === 'fulfilled') cleanup.defer('stop the broker and remove its data', () => brokerStart.value.destroy());
  if (pgStart.status === 'rejected') throw pgStart.reason;
  if (brokerStart.status === 'rejected') throw brokerStart.reason;
  const postgres: PostgresCluster = pgStart.value;
  const broker: ChaosBroker = brokerStart.value;
  const pool = createPool({ url: postgres.url, max: 4, applicationName: 'flowthrough-chaos' });
  cleanup.defer('close the pool', () => pool.end());
  const migrated = await migrate(pool);
  log(`postgres   migrated to ${migrated.current}`);

  const logger = createLogger({ level: 'error', name: 'flowthrough-chaos', destination: pino.destination({ dest: 2, sync: true }) });
  const kafka = createKafka(
    loadConfig({ KAFKA_BROKERS: broker.bootstrap, KAFKA_CLIENT_ID: 'flowthrough-chaos', DATABASE_URL: postgres.url }),
    logger,
  );
  const admin = kafka.admin();
  await admin.connect();
  cleanup.defer('disconnect the admin client', () => admin.disconnect());
  await createTopics(admin, Object.values(TOPICS), PARTITIONS);
  log(`kafka      topics ${Object.values(TOPICS).join(', ')} (${PARTITIONS} partitions)`);

  const workload = buildWorkload({ seed: options.seed, orders: options.orders });
  const held = workload.tenants.filter((t) => t.heldConsent);
  log(
    `workload   ${workload.records.length} orders for ${workload.tenants.length} accounts (${held.length} with a suspended consent), ${workload.lateRecords.length} for an account created later; ${Object.entries(
      workload.kinds,
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );

  const simulator = await startSimulatorProcess({
    dir,
    seed: options.seed,
    consents: workload.consents,
    numbers: workload.foreignNumbers,
    latencyMs: 10,
    processingDelayMs: 1_000,
    rateLimitPerSecond: 60,
    tokenLifetimeSeconds: 60,
  });
  cleanup.defer('stop the simulator', () => simulator.stop());
  await simulator.injectFaults(chaosFaults(options));
  log(
    `simulator  ${simulator.clientEnvironment.OPERATOR_CONNECT_BASE_URL} with faults (${options.faultRate} of API calls, ${options.tokenFaultRate} of token requests); log ${simulator.logFile}`,
  );

  const services = {
    DATABASE_URL: postgres.url,
    KAFKA_BROKERS: broker.bootstrap,
    KAFKA_GROUP_ID: GROUP,
    ORDERS_TOPIC: TOPICS.orders,
    DEAD_LETTER_TOPIC: TOPICS.deadLetter,
    STATUS_TOPIC: TOPICS.status,
  };
  const rng = new Rng(deriveSeed(options.seed, 0, 0x4b111));
  const fleet = startWorkerFleet({
    size: options.workers,
    env: { ...services, ...simulator.clientEnvironment, ...WORKER_SETTINGS, KAFKA_CLIENT_ID: 'flowthrough-chaos-worker' },
    logDir: dir,
    rng,
    log: (line) => log(`workers    ${line}`),
  });
  cleanup.defer('stop the workers', () => fleet.stop());
  await fleet.start(Math.min(WORKER_START_TIMEOUT_MS, Math.max(1_000, deadline - Date.now())));
  log(`workers    ${options.workers} started; logs ${fleet.logFiles.join(', ')}`);

  const publisher = orderPublisher(kafka, TOPICS.orders, log);
  cleanup.defer('close the producer', () => publisher.close());

  const windowMs = options.windowSeconds * 1_000;
  const schedule = buildSchedule({
    seed: options.seed,
    windowMs,
    publishMs: Math.round(windowMs * 0.85),
    kills: options.kills,
    brokerDownMs: [options.brokerDownSeconds[0] * 1_000, options.brokerDownSeconds[1] * 1_000],
  });
  const s = (ms: number): string => `${(ms / 1_000).toFixed(1)} s`;
  log(
    `schedule   window ${s(windowMs)}: ${schedule.kills.length} kills at ${schedule.kills.map(s).join(', ') || '–'}; broker down at ${s(schedule.brokerRestartAt)} for ${s(schedule.brokerDownMs)}; PostgreSQL restart at ${s(schedule.postgresRestartAt)}; consents active at ${s(schedule.consentActiveAt)}; dead letters at ${s(schedule.deadLetters.publishLate)}, account at ${s(schedule.deadLetters.createAccount)}, replay at ${s(schedule.deadLetters.replay)}`,
  );

  const chaosStarted = performance.now();
  const elapsed = (): number => performance.now() - chaosStarted;
  let aborted = false;
  // Runs first on a signal or the deadline: no act of chaos starts once the clean-up has begun.
  cleanup.defer('stop the chaos schedule', () => {
    aborted = true;
  });
  const at = async (ms: number): Promise<void> => {
    const wait = ms - elapsed();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (aborted) throw new Error('the run is stopping');
  };
  let brokerDownMs: number | null = null;
  let postgresRestartMs: number | null = null;
  let consentActivated = false;
  let brokerUp: Promise<void> = Promise.resolve();
  let deadLetters: DeadLetterOutcome | null = null;

  const actors: Array<Promise<unknown>> = [
    publisher
      .publishPaced(workload.records, schedule.publishMs, () => aborted)
      .then(() => log(`producer   all ${workload.records.length} orders published at ${s(elapsed())}`)),
    (async () => {
      for (const time of schedule.kills) {
        await at(time);
        const kill = await fleet.killOne(rng);
        log(
          kill
            ? `chaos      SIGKILL worker ${kill.worker} (pid ${kill.pid}${kill.wasStarted ? '' : ', still starting'}) at ${s(elapsed())}`
            : `chaos      no worker running to kill at ${s(elapsed())}`,
        );
      }
    })(),
    (async () => {
      await at(schedule.brokerRestartAt);
      let up: () => void = () => undefined;
      brokerUp = new Promise<void>((resolve) => (up = resolve));
      const down = performance.now();
      await broker.kill();
      log(`chaos      broker SIGKILLed at ${s(elapsed())}; down for ${s(schedule.brokerDownMs)}`);
      await new Promise((resolve) => setTimeout(resolve, schedule.brokerDownMs));
      if (aborted) throw new Error('the run is stopping');
      const startMs = await broker.start();
      brokerDownMs = performance.now() - down;
      up();
      log(
        `chaos      broker back at ${s(elapsed())} (pid ${broker.pid()}, same data; started in ${s(startMs)}), down ${s(brokerDownMs)} in all`,
      );
    })(),
    (async () => {
      await at(schedule.postgresRestartAt);
      log(`chaos      PostgreSQL restart (pg_ctl restart -m fast) at ${s(elapsed())}`);
      postgresRestartMs = await postgres.restart();
      log(`chaos      PostgreSQL back after ${Math.round(postgresRestartMs)} ms`);
    })(),
    (async () => {
      await at(schedule.consentActiveAt);
      for (const tenant of held) await simulator.setConsent(tenant.tenantId, { status: 'active' });
      consentActivated = true;
      log(`chaos      consents of ${held.length} tenant(s) active at ${s(elapsed())}: their held uploads may go`);
    })(),
    (async () => {
      await at(schedule.faultPhaseSwitchAt);
      await simulator.injectFaults({ phase: 'beforeHandling' });
      log(`chaos      API faults now before handling (nothing applied) at ${s(elapsed())}`);
    })(),
    (async () => {
      deadLetters = await runDeadLetterScenario({
        workload,
        publisher,
        pool,
        env: { ...services, KAFKA_CLIENT_ID: 'flowthrough-chaos-dlq', LOG_LEVEL: 'warn' },
        logFile: join(dir, 'dlq-replay.log'),
        log: (line) => log(`chaos      ${line}`),
        at,
        brokerUp: () => brokerUp,
        deadline: deadline - FINISH_MARGIN_MS,
        times: schedule.deadLetters,
      });
    })(),
  ];
  try {
    await Promise.all(actors);
  } catch (error) {
    aborted = true;
    await Promise.allSettled(actors);
    throw error;
  }
  const chaosSeconds = elapsed() / 1_000;
  log(`chaos over after ${chaosSeconds.toFixed(1)} s; waiting for every worker to run again`);
  if (!(await fleet.whenAllStarted(Math.min(deadline - FINISH_MARGIN_MS, Date.now() + WORKER_START_TIMEOUT_MS))))
    log('not every worker is running again');
  await simulator.clearFaults();
  log('faults cleared; letting the system settle');
  const settle = await waitForSettle({
    pool,
    admin,
    groupId: GROUP,
    topic: TOPICS.orders,
    deadline: Math.min(Date.now() + options.settleSeconds * 1_000, deadline - FINISH_MARGIN_MS),
    log,
  });
  log(settle.settled ? `settled in ${settle.seconds.toFixed(1)} s` : `NOT settled after ${settle.seconds.toFixed(1)} s`);

  const reader = statusRecordReader();
  const status: StatusRecord[] = [];
  await readWholeTopic(kafka, admin, TOPICS.status, (partition, message) => status.push(reader.read(partition, message)));
  const ordersRecords: OrdersTopicRecord[] = [];
  await readWholeTopic(kafka, admin, TOPICS.orders, (partition, message) => {
    let orderId: string | undefined;
    try {
      const value = JSON.parse(message.value?.toString('utf8') ?? 'null') as { orderId?: unknown } | null;
      orderId = typeof value?.orderId === 'string' ? value.orderId : undefined;
    } catch {
      orderId = undefined;
    }
    ordersRecords.push({ partition, offset: message.offset, orderId, value: message.value });
  });
  const [ledger, backendNumbers, counters] = await Promise.all([simulator.ledger(), simulator.numbers(), simulator.counters()]);

  const lifecycle = status.filter(
    (r) => r.problem === undefined && r.ceType === STATUS_EVENT_TYPE && r.orderId !== undefined && r.sequence !== undefined,
  );
  const heldOrders = new Set(lifecycle.filter((r) => r.state === 'held').map((r) => r.orderId as string)).size;
  const outcome = deadLetters as DeadLetterOutcome | null;
  const results = await checkInvariants({
    pool,
    ordersTopic: TOPICS.orders,
    ordersRecords,
    status,
    ledger,
    backendNumbers,
    unexpectedExits: fleet.unexpectedExits,
    lateOrderIds: workload.lateRecords.map((r) => r.orderId),
    replayCompleted: outcome?.completed === true,
    outboxParked: settle.snapshot?.outboxParked ?? 0,
    chaos: {
      killsPlanned: options.kills,
      killsDone: fleet.kills.length,
      brokerRestarted: brokerDownMs !== null,
      postgresRestarted: postgresRestartMs !== null,
      consentActivated,
      replayKilled: outcome?.killedAfter !== null && outcome?.killedAfter !== undefined,
      heldOrders,
    },
  });

  // Time to terminal, as the BSS sees it: from its publish being acknowledged to the terminal event's ce_time.
  const terminalAt = new Map<string, number>();
  for (const r of lifecycle) {
    if (r.time === undefined || r.state === undefined || !isTerminal(r.state as OrderState)) continue;
    const id = r.orderId as string;
    terminalAt.set(id, Math.min(terminalAt.get(id) ?? Number.POSITIVE_INFINITY, r.time));
  }
  const acked = publisher.progress.ackedAt;
  const timesToTerminalMs: number[] = [];
  for (const record of workload.records) {
    if (record.kind === 'resend') continue;
    const from = acked.get(record.orderId);
    const to = terminalAt.get(record.orderId);
    if (from !== undefined && to !== undefined) timesToTerminalMs.push(Math.max(0, to - from));
  }

  // Where the time went: publish → intake (orders.received_at), intake → terminal state (ce_time), and the relay (outbox).
  const receivedAt = new Map(
    (
      await pool.query<{ order_id: string; at: number }>(
        `SELECT order_id, (extract(epoch FROM received_at) * 1000)::float8 AS at FROM orders`,
      )
    ).rows.map((r) => [r.order_id, r.at]),
  );
  const intakeMs: number[] = [];
  const flowMs: number[] = [];
  for (const record of workload.records) {
    if (record.kind === 'resend') continue;
    const from = acked.get(record.orderId);
    const received = receivedAt.get(record.orderId);
    const to = terminalAt.get(record.orderId);
    if (from !== undefined && received !== undefined) intakeMs.push(Math.max(0, received - from));
    if (received !== undefined && to !== undefined) flowMs.push(Math.max(0, to - received));
  }
  const relayMs = (
    await pool.query<{ ms: number }>(
      `SELECT (extract(epoch FROM published_at - created_at) * 1000)::float8 AS ms FROM outbox WHERE published_at IS NOT NULL`,
    )
  ).rows.map((r) => r.ms);

  const report = buildReport({
    options,
    results,
    seconds: (performance.now() - started) / 1_000,
    chaosSeconds,
    settle,
    kills: fleet.kills,
    workerRestarts: fleet.restarts(),
    brokerDownMs,
    postgresRestartMs,
    counters,
    resends: workload.kinds.resend ?? 0,
    producerFailedSends: publisher.progress.failedSends,
    heldOrders,
    deadLetters: outcome,
    timesToTerminalMs,
    stagesMs: { intake: intakeMs, flow: flowMs, relay: relayMs },
    unexpectedExits: fleet.unexpectedExits,
    workerErrors: fleet.errors(),
    logs: options.keep || results.failures.length > 0 ? dir : null,
  });
  keepLogs = report.logs !== null;
  return report;
}
