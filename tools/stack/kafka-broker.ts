import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { StackConfig } from './stack-config.js';
import { PermanentError } from '../../src/core/errors.js';
import { ensureKafkaDistribution } from './kafka-distribution.js';
import { portAnswers, processAlive } from './port-probe.js';
import { runCommand } from './run-command.js';
import { ensureCertificates } from './certificates.js';
import {
  ensureStackUser,
  oauthSystemProperties,
  scramFormatArguments,
  secureEndpoints,
  secureListenerProperties,
  type SecureEndpoints,
} from './secure-listeners.js';

export interface BrokerState {
  readonly pid: number;
  readonly bootstrap: string;
  readonly logPath: string;
  readonly dataDir: string;
  readonly version: string;
  readonly startedAt: string;
  /** The secure listeners, when started with them. */
  readonly secure?: SecureEndpoints;
}

export function brokerRunDir(config: StackConfig): string {
  return join(config.cacheDir, 'run', `kafka-${config.kafkaPort}`);
}

function stateFile(config: StackConfig): string {
  return join(brokerRunDir(config), 'broker.json');
}

function serverProperties(config: StackConfig, dataDir: string, secure: { listeners: string[]; lines: string[] } | null): string {
  const { kafkaHost: host, kafkaPort: port, controllerPort } = config;
  const extra = secure?.listeners ?? [];
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=${[`PLAINTEXT://${host}:${port}`, `CONTROLLER://${host}:${controllerPort}`, ...extra].join(',')}`,
    `advertised.listeners=${[`PLAINTEXT://${host}:${port}`, ...extra].join(',')}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL,SSL:SSL' : ''}`,
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=3',
    // A single node: every internal topic has one replica.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    'log.retention.hours=24',
    // An order may carry 10,000 numbers (~2.5 MB of JSON): the 1 MiB default is too small.
    'message.max.bytes=8388608',
    'replica.fetch.max.bytes=8388608',
    ...(secure?.lines ?? []),
    '',
  ].join('\n');
}

const LOG4J2_PROPERTIES = [
  'appender.out.type=Console',
  'appender.out.name=out',
  'appender.out.layout.type=PatternLayout',
  'appender.out.layout.pattern=[%d] %p %m (%c)%n',
  'rootLogger.level=INFO',
  'rootLogger.appenderRef.out.ref=out',
  'logger.state.name=state.change.logger',
  'logger.state.level=WARN',
  'logger.log.name=kafka.log',
  'logger.log.level=WARN',
  'logger.cleaner.name=org.apache.kafka.storage',
  'logger.cleaner.level=WARN',
  '',
].join('\n');

export async function readBrokerState(config: StackConfig): Promise<BrokerState | null> {
  try {
    return JSON.parse(await readFile(stateFile(config), 'utf8')) as BrokerState;
  } catch {
    return null;
  }
}

/** Asks the broker for its metadata: the proof that it serves clients. */
export async function brokerAnswers(bootstrap: string, timeoutMs = 3_000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'flowthrough-stack',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function logTail(path: string, lines = 30): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export interface UpResult {
  readonly state: BrokerState;
  readonly alreadyRunning: boolean;
  readonly startMs: number;
  /** The KRaft cluster id; null when it could not be read (a broker already running). */
  readonly clusterId: string | null;
  /** The broker started on the data of an earlier run (same cluster, topics and offsets). */
  readonly reusedData: boolean;
}

function metaPropertiesPath(dataDir: string): string {
  return join(dataDir, 'meta.properties');
}

/** The cluster id a formatted data directory belongs to; null when it is not formatted. */
async function formattedClusterId(dataDir: string): Promise<string | null> {
  try {
    const meta = await readFile(metaPropertiesPath(dataDir), 'utf8');
    return /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

/**
 * Starts the single-node KRaft broker unless ours is already running. A data
 * directory of an earlier run is started again (a restart is a restart: the
 * same cluster, its topics and committed offsets); only a missing one is
 * formatted as a new cluster (brokerReset wipes it).
 */
export async function brokerUp(config: StackConfig, log: (line: string) => void): Promise<UpResult> {
  const bootstrap = `${config.kafkaHost}:${config.kafkaPort}`;
  const existing = await readBrokerState(config);
  if (existing && processAlive(existing.pid) && (await brokerAnswers(existing.bootstrap))) {
    if (config.secure && !existing.secure) {
      throw new PermanentError(
        'stack_not_secure',
        `the broker at ${existing.bootstrap} runs without the secure listeners: "npm run stack -- down", then "up --secure"`,
      );
    }
    return { state: existing, alreadyRunning: true, startMs: 0, clusterId: await formattedClusterId(existing.dataDir), reusedData: true };
  }
  for (const p of [config.kafkaPort, config.controllerPort]) {
    if (await portAnswers(config.kafkaHost, p)) {
      throw new PermanentError(
        'port_taken',
        `port ${p} on ${config.kafkaHost} is taken by another process: stop it, or choose free ports with FLOWTHROUGH_KAFKA_PORT / FLOWTHROUGH_KAFKA_CONTROLLER_PORT`,
      );
    }
  }
  const libs = await ensureKafkaDistribution(config.cacheDir, config.kafkaVersion, log);
  const runDir = brokerRunDir(config);
  const dataDir = join(runDir, 'data');
  const logPath = join(runDir, 'broker.log');
  await mkdir(dataDir, { recursive: true });
  const propsPath = join(runDir, 'server.properties');
  const log4jPath = join(runDir, 'log4j2.properties');
  const reused = await formattedClusterId(dataDir);
  const security = config.secure ? await prepareSecurity(config, runDir, reused !== null) : null;
  await writeFile(propsPath, serverProperties(config, dataDir, security?.properties ?? null));
  await writeFile(log4jPath, LOG4J2_PROPERTIES);

  const classpath = `${libs}/*`;
  const started = Date.now();
  const cluster = reused ?? newClusterId();
  if (reused === null) {
    // An empty data directory (first start, or after brokerReset); a half-formatted one is refused by the tool.
    const format = await runCommand('java', [
      '-cp',
      classpath,
      `-Dlog4j2.configurationFile=${log4jPath}`,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${cluster}`,
      '-c',
      propsPath,
      ...(security?.formatArguments ?? []),
    ]);
    if (format.code !== 0) {
      throw new PermanentError(
        'kafka_format_failed',
        `formatting KRaft storage in ${dataDir} failed ("npm run stack -- reset" wipes it for a new cluster):\n${format.stdout}${format.stderr}`,
      );
    }
  }
  const out = openSync(logPath, 'a');
  const child = spawn(
    'java',
    [
      `-Xms256m`,
      `-Xmx${config.kafkaHeapMb}m`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4jPath}`,
      `-Dkafka.logs.dir=${runDir}`,
      ...(config.secure ? oauthSystemProperties(config.secure) : []),
      '-cp',
      classpath,
      'kafka.Kafka',
      propsPath,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  let exitedEarly = false;
  child.once('exit', () => (exitedEarly = true));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new PermanentError('kafka_start_failed', 'java did not start');
  const state: BrokerState = {
    pid,
    bootstrap,
    logPath,
    dataDir,
    version: config.kafkaVersion,
    startedAt: new Date().toISOString(),
    ...(security ? { secure: security.endpoints } : {}),
  };
  await writeFile(stateFile(config), JSON.stringify(state, null, 2));

  const deadline = started + config.startTimeoutMs;
  while (Date.now() < deadline) {
    if (exitedEarly || !processAlive(pid)) {
      throw new PermanentError('kafka_exited', `the broker exited during start-up; last lines of ${logPath}:\n${await logTail(logPath)}`);
    }
    if (await brokerAnswers(bootstrap, 1_000))
      return { state, alreadyRunning: false, startMs: Date.now() - started, clusterId: cluster, reusedData: reused !== null };
    await delay(250);
  }
  throw new PermanentError(
    'kafka_start_timeout',
    `the broker did not answer within ${config.startTimeoutMs} ms; see ${logPath}:\n${await logTail(logPath)}`,
  );
}

/**
 * Certificates and the SCRAM user of the secure listeners, kept in the run
 * directory with the data: SCRAM credentials are seeded when the storage is
 * formatted, so data formatted without them cannot gain them here.
 */
async function prepareSecurity(config: StackConfig, runDir: string, formatted: boolean) {
  const secure = config.secure;
  if (!secure) throw new Error('prepareSecurity without secure settings');
  const dir = join(runDir, 'secure');
  if (formatted && !existsSync(dir)) {
    throw new PermanentError(
      'stack_not_secure',
      `the broker's data in ${runDir} was formatted without the secure listeners (no SCRAM users): "npm run stack -- reset", then "up --secure"`,
    );
  }
  const certificates = await ensureCertificates(dir);
  const { user } = await ensureStackUser(dir);
  return {
    properties: secureListenerProperties(config.kafkaHost, secure, certificates, user),
    formatArguments: formatted ? [] : scramFormatArguments(user),
    endpoints: secureEndpoints(config.kafkaHost, secure, certificates, user),
  };
}

/**
 * A KRaft cluster id: a random UUID in URL-safe base64, redrawn while it starts
 * with "-" (as Kafka's own Uuid.randomUuid does): the format tool would read such
 * an id as an option (the chaos run hit it, one id in 64).
 */
export function newClusterId(random: () => string = randomUUID): string {
  for (;;) {
    const id = Buffer.from(random().replaceAll('-', ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Stops the broker that brokerUp started (and nothing else). Its data stays:
 * the next brokerUp starts the same cluster with its topics and offsets.
 */
export async function brokerDown(config: StackConfig, log: (line: string) => void): Promise<boolean> {
  const state = await readBrokerState(config);
  if (!state) return false;
  if (processAlive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (processAlive(state.pid) && Date.now() < deadline) await delay(200);
    if (processAlive(state.pid)) {
      log(`broker pid ${state.pid} did not stop within 30 s: killing it`);
      process.kill(state.pid, 'SIGKILL');
      while (processAlive(state.pid)) await delay(50);
    }
  }
  await rm(stateFile(config), { force: true });
  return true;
}

/**
 * Stops the broker (if the stack started it) and deletes its run directory,
 * data included: the next brokerUp formats a new cluster (new cluster id, no
 * topics, offsets from 0). Returns the directory wiped, or null if there was none.
 */
export async function brokerReset(
  config: StackConfig,
  log: (line: string) => void,
): Promise<{ stopped: boolean; wiped: string | null; clusterId: string | null }> {
  const stopped = await brokerDown(config, log);
  const runDir = brokerRunDir(config);
  if (!existsSync(runDir)) return { stopped, wiped: null, clusterId: null };
  const clusterId = await formattedClusterId(join(runDir, 'data'));
  await rm(runDir, { recursive: true, force: true });
  return { stopped, wiped: runDir, clusterId };
}

export function brokerStateExists(config: StackConfig): boolean {
  return existsSync(stateFile(config));
}
