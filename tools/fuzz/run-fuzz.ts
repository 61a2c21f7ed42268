import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Admin } from 'kafkajs';
import { pino } from 'pino';
import { createBenchDatabase, createTopics, deleteTopics, startBenchServices, type Log } from '../bench/lib/services.js';
import { topicExtent } from '../bench/lib/offsets.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { createKafka } from '../../src/platform/kafka/client.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { outboxParks, waitForDrain } from './drain-wait.js';
import type { FuzzOptions } from './fuzz-options.js';
import { buildReport, type FuzzReport } from './fuzz-report.js';
import { startHealthProbe } from './health-probe.js';
import { checkInvariants } from './invariants.js';
import { sampleProcessMemory } from './process-memory.js';
import { publishRecords } from './publish-records.js';
import { buildPlan, PARTITIONS } from './record-plan.js';
import { startStatusCollector } from './status-collector.js';
import { startWorkerProcess } from './worker-process.js';

/**
 * One hostile-input run: fresh database and topics, the production worker
 * in a child process, the plan's records sent, the wait for the intake and
 * the relay, the invariants. Everything it creates is registered on
 * `cleanup` as it is created; the caller runs the cleanup.
 */

/** Time kept after the wait for checking, stopping the worker and cleaning up. */
const FINISH_MARGIN_MS = 45_000;
const WORKER_START_TIMEOUT_MS = 90_000;

async function topicMessageLimit(admin: Admin, topic: string): Promise<number> {
  const described = await admin.describeConfigs({
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
    includeSynonyms: false,
  });
  const value = Number(described.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`could not read max.message.bytes of ${topic}`);
  return value;
}

export async function runFuzz(options: FuzzOptions, log: Log, cleanup: CleanupStack, deadline: number): Promise<FuzzReport> {
  const started = performance.now();
  const services = await startBenchServices(process.env, log);
  cleanup.defer('stop the services this run started', () => services.stop());
  const run = randomBytes(5).toString('hex');
  const kafkaEnv = {
    ...process.env,
    KAFKA_BROKERS: services.kafkaBrokers.join(','),
    DATABASE_URL: services.databaseUrl,
    KAFKA_CLIENT_ID: 'flowthrough-fuzz',
  };
  const logger = createLogger({ level: 'error', name: 'flowthrough-fuzz', destination: pino.destination({ dest: 2, sync: true }) });
  const kafka = createKafka(loadConfig(kafkaEnv), logger);
  const admin = kafka.admin();
  await admin.connect();
  cleanup.defer('disconnect the admin client', () => admin.disconnect());

  const topics = { orders: `fuzz.orders.${run}`, deadLetter: `fuzz.orders.${run}.dlt`, status: `fuzz.status.${run}` };
  const intakeGroup = `fuzz-intake-${run}`;
  const statusGroup = `fuzz-status-${run}`;
  // A worker that was killed still holds its group until its session times out: that deletion then fails, and says so.
  if (!options.keep) cleanup.defer('delete the consumer groups', () => admin.deleteGroups([intakeGroup, statusGroup]));
  await createTopics(admin, Object.values(topics), PARTITIONS);
  if (options.keep) log(`keeping topics ${Object.values(topics).join(', ')}`);
  else
    cleanup.defer(
      'delete the topics',
      async () => (await deleteTopics(admin, Object.values(topics)), log(`deleted topics ${Object.values(topics).join(', ')}`)),
    );
  const database = await createBenchDatabase(services.databaseUrl, log);
  if (options.keep) {
    log(`keeping database ${database.name}`);
    cleanup.defer('close the harness pool', () => database.pool.end());
  } else cleanup.defer(`drop database ${database.name}`, () => database.drop());

  const maxMessageBytes = await topicMessageLimit(admin, topics.orders);
  const collector = await startStatusCollector(kafka, topics.status, statusGroup);
  cleanup.defer('stop the status collector', () => collector.stop());
  const workerLog = join(tmpdir(), `flowthrough-fuzz-${options.seed}-${run}.log`);
  let keepLog = true;
  cleanup.defer('remove the worker log', () => (keepLog ? log(`worker log kept: ${workerLog}`) : rmSync(workerLog, { force: true })));
  // The worker starts (a few seconds of loading) while the plan is built.
  const starting = startWorkerProcess(
    {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: services.kafkaBrokers.join(','),
      KAFKA_CLIENT_ID: 'flowthrough-fuzz-worker',
      KAFKA_GROUP_ID: intakeGroup,
      KAFKA_CREATE_TOPICS: 'false',
      ORDERS_TOPIC: topics.orders,
      DEAD_LETTER_TOPIC: topics.deadLetter,
      STATUS_TOPIC: topics.status,
      STATUS_EVENT_SOURCE: '/flowthrough/fuzz',
      RECONCILER_ENABLED: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: options.logLevel,
      // A row the broker refuses is parked after OUTBOX_MAX_ATTEMPTS; short backoffs get it there in seconds, not a minute.
      OUTBOX_RETRY_BASE_MS: '200',
      OUTBOX_RETRY_CAP_MS: '2000',
    },
    workerLog,
    Math.min(WORKER_START_TIMEOUT_MS, Math.max(1_000, deadline - Date.now())),
  );
  starting.catch(() => undefined); // awaited below; a failure while the plan is built is not "unhandled"
  cleanup.defer('stop the worker', async () => {
    const exit = await (await starting.catch(() => null))?.stop();
    if (exit) log(`worker stopped (code ${exit.code}, signal ${exit.signal})`);
  });
  const planStarted = performance.now();
  const plan = buildPlan({
    seed: options.seed,
    records: options.records,
    validRatio: options.validRatio,
    ordersTopic: topics.orders,
    maxMessageBytes,
    skip: options.skip,
  });
  log(
    `plan: ${plan.records.length} records (${plan.records.filter((r) => r.valid).length} valid) from seed ${options.seed} in ${Math.round(performance.now() - planStarted)} ms; orders topic takes ${maxMessageBytes} bytes a record`,
  );
  const worker = await starting;
  log(`worker pid ${worker.pid} on http://127.0.0.1:${worker.port}, log ${workerLog}`);
  const memory = sampleProcessMemory(worker.pid);
  const probe = startHealthProbe(`http://127.0.0.1:${worker.port}`, () => worker.exited() === null);

  const sendStarted = performance.now();
  let lastShown = 0;
  const sent = await publishRecords(kafka, topics.orders, plan.records, (count) => {
    if (performance.now() - lastShown < 2_000 && count < plan.records.length) return;
    lastShown = performance.now();
    log(`sent ${count}/${plan.records.length}`);
  });
  const extent = await topicExtent(admin, topics.orders);
  if (extent.records !== sent.length) throw new Error(`${topics.orders} holds ${extent.records} records after ${sent.length} were sent`);
  const endOffsets = new Map([...extent.endOffsets].map(([p, o]) => [p, BigInt(o)]));

  const drain = await waitForDrain({
    pool: database.pool,
    admin,
    groupId: intakeGroup,
    topic: topics.orders,
    endOffsets,
    workerExited: () => worker.exited() !== null,
    stallMs: options.stallSeconds * 1_000,
    deadline: Math.max(Date.now() + 5_000, deadline - FINISH_MARGIN_MS),
    log,
  });
  const accountedSeconds = (performance.now() - sendStarted) / 1_000;
  const statusEnd = (await topicExtent(admin, topics.status)).endOffsets;
  const statusCaughtUp = await collector.caughtUp(statusEnd, Date.now() + 15_000);
  if (!statusCaughtUp) log('the status collector did not reach the end of the status topic within 15 s');
  const probeSummary = await probe.stop();
  const memoryFigures = memory.stop();
  const workerExit = worker.exited();

  const results = await checkInvariants({
    pool: database.pool,
    ordersTopic: topics.orders,
    sent,
    drain,
    status: collector.records,
    statusCaughtUp,
    probe: probeSummary,
    workerExit,
    outboxParks: await outboxParks(database.pool),
  });
  const keepsLog = options.keep || results.failures.length > 0 || workerExit !== null;
  const report = buildReport({
    seed: options.seed,
    validRatio: options.validRatio,
    skip: options.skip,
    records: plan.records,
    results,
    workerExit,
    memory: memoryFigures,
    drain: drain.end,
    healthzMaxMs: probeSummary.healthzMaxMs,
    accountedSeconds,
    seconds: (performance.now() - started) / 1_000,
    workerErrors: worker.errors(),
    skipped: plan.skipped,
    workerLog: keepsLog ? workerLog : null,
  });
  keepLog = keepsLog;
  return report;
}
