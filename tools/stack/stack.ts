import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackConfig } from './stack-config.js';
import { PermanentError } from '../../src/core/errors.js';
import { brokerAnswers, brokerDown, brokerReset, brokerRunDir, brokerUp, readBrokerState } from './kafka-broker.js';
import { processAlive } from './port-probe.js';
import type { SecureEndpoints } from './secure-listeners.js';
import { localClusters, probePostgres, startCluster, stopCluster, type LocalCluster } from './postgres.js';

export interface StackEndpoints {
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  /** What this call started, so a caller can stop only that. */
  readonly startedKafka: boolean;
  readonly startedPostgres: boolean;
}

function postgresMarker(config: StackConfig): string {
  return join(config.cacheDir, 'run', 'postgres-started-by-stack.json');
}

async function ensurePostgres(config: StackConfig, log: (line: string) => void): Promise<boolean> {
  const first = await probePostgres(config.databaseUrl);
  if (first.answers) {
    log(`postgres   answers at ${redactUrl(config.databaseUrl)} (server ${first.version})`);
    return false;
  }
  const port = Number(new URL(config.databaseUrl).port || 5432);
  const cluster = (await localClusters()).find((c) => c.port === port);
  if (!cluster) {
    throw new PermanentError(
      'postgres_unreachable',
      `PostgreSQL does not answer at ${redactUrl(config.databaseUrl)} (${first.error}) and no local cluster on port ${port} was found: start PostgreSQL or set DATABASE_URL`,
    );
  }
  if (cluster.status !== 'down') {
    throw new PermanentError(
      'postgres_unreachable',
      `local cluster ${cluster.version}/${cluster.name} is ${cluster.status} but refuses connections: ${first.error}`,
    );
  }
  log(`postgres   local cluster ${cluster.version}/${cluster.name} is down: starting it`);
  const started = await startCluster(cluster);
  if (!started.ok)
    throw new PermanentError(
      'postgres_start_failed',
      `pg_ctlcluster could not start ${cluster.version}/${cluster.name}:\n${started.output}`,
    );
  const second = await probePostgres(config.databaseUrl);
  if (!second.answers)
    throw new PermanentError('postgres_unreachable', `started ${cluster.version}/${cluster.name} but it still refuses: ${second.error}`);
  await mkdir(join(config.cacheDir, 'run'), { recursive: true });
  await writeFile(postgresMarker(config), JSON.stringify({ version: cluster.version, name: cluster.name }));
  log(`postgres   answers at ${redactUrl(config.databaseUrl)} (server ${second.version})`);
  return true;
}

export async function stackUp(config: StackConfig, log: (line: string) => void): Promise<StackEndpoints> {
  const startedPostgres = await ensurePostgres(config, log);
  const up = await brokerUp(config, log);
  if (up.alreadyRunning) {
    log(`kafka      already running: ${up.state.bootstrap} (pid ${up.state.pid}, Kafka ${up.state.version}); nothing to do`);
  } else {
    const data = up.reusedData ? `the same cluster ${up.clusterId} as before (topics and offsets kept)` : `a new cluster ${up.clusterId}`;
    log(
      `kafka      started ${up.state.bootstrap} (pid ${up.state.pid}, Kafka ${up.state.version}, KRaft) in ${up.startMs} ms: ${data}; log: ${up.state.logPath}`,
    );
  }
  if (up.state.secure) for (const line of secureConnectionLines(up.state.secure)) log(line);
  return { kafkaBrokers: up.state.bootstrap, databaseUrl: config.databaseUrl, startedKafka: !up.alreadyRunning, startedPostgres };
}

/** How to point flowthrough at each secure listener: the variables, ready to copy. */
export function secureConnectionLines(secure: SecureEndpoints): string[] {
  const tls = `KAFKA_SSL=true KAFKA_SSL_CA_FILE=${secure.caFile}`;
  return [
    `kafka      SASL_SSL ${secure.saslBootstrap} (${secure.mechanisms.join(', ')}; re-authentication every ${secure.reauthMs} ms at most), mutual TLS ${secure.mtlsBootstrap}`,
    `           SCRAM:  KAFKA_BROKERS=${secure.saslBootstrap} ${tls} KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=${secure.username} KAFKA_SASL_PASSWORD="$(cat ${secure.passwordFile})"`,
    `           mTLS:   KAFKA_BROKERS=${secure.mtlsBootstrap} ${tls} KAFKA_SSL_CERT_FILE=${secure.clientCertFile} KAFKA_SSL_KEY_FILE=${secure.clientKeyFile}`,
    ...(secure.mechanisms.includes('OAUTHBEARER')
      ? [
          `           OAUTHBEARER: KAFKA_BROKERS=${secure.saslBootstrap} ${tls} KAFKA_SASL_MECHANISM=oauthbearer KAFKA_OAUTH_* (the fake Entra ID's client; docs/DEPLOYMENT.md)`,
        ]
      : [
          "           OAUTHBEARER: off (set FLOWTHROUGH_KAFKA_OAUTH_JWKS_URL, _ISSUER, _AUDIENCE and _JWKS_CA_FILE to the fake Entra ID's)",
        ]),
  ];
}

export async function stackDown(
  config: StackConfig,
  log: (line: string) => void,
  which: { kafka?: boolean; postgres?: boolean } = {},
): Promise<void> {
  if (which.kafka ?? true) {
    const stopped = await brokerDown(config, log);
    log(
      stopped
        ? `kafka      stopped; its data stays in ${brokerRunDir(config)} for the next "up" ("stack reset" wipes it)`
        : 'kafka      was not started by the stack: nothing to stop',
    );
  }
  if ((which.postgres ?? true) && existsSync(postgresMarker(config))) {
    const cluster = JSON.parse(await readFile(postgresMarker(config), 'utf8')) as Pick<LocalCluster, 'version' | 'name'>;
    const stopped = await stopCluster(cluster);
    log(
      stopped.ok
        ? `postgres   stopped local cluster ${cluster.version}/${cluster.name} (started by the stack)`
        : `postgres   could not stop: ${stopped.output}`,
    );
    await rm(postgresMarker(config), { force: true });
  }
}

/**
 * Stops what "up" started and wipes the broker's data: the next "up" formats
 * a new cluster. Offsets PostgreSQL stored for the old topics no longer
 * belong to any log; the intake stops those partitions until they are reset.
 */
export async function stackReset(config: StackConfig, log: (line: string) => void): Promise<void> {
  await stackDown(config, log, { kafka: false });
  const reset = await brokerReset(config, log);
  if (reset.stopped) log('kafka      stopped');
  if (reset.wiped === null) {
    log(`kafka      no data to wipe (${brokerRunDir(config)} does not exist)`);
    return;
  }
  log(
    `kafka      wiped ${reset.wiped}${reset.clusterId ? ` (cluster ${reset.clusterId})` : ''}: every topic, record and committed offset is gone; the next "up" starts a new, empty cluster`,
  );
  log(
    '           offsets stored in a database for the old topics no longer match: the intake stops those partitions (flowthrough offsets show, then flowthrough offsets reset --to earliest)',
  );
}

export async function stackStatus(config: StackConfig, log: (line: string) => void): Promise<boolean> {
  const state = await readBrokerState(config);
  const bootstrap = state?.bootstrap ?? `${config.kafkaHost}:${config.kafkaPort}`;
  const kafkaOk = await brokerAnswers(bootstrap);
  if (state && processAlive(state.pid)) {
    log(
      `kafka      ${kafkaOk ? 'answers' : 'does NOT answer'} at ${bootstrap} (pid ${state.pid}, Kafka ${state.version}, started ${state.startedAt}); log: ${state.logPath}`,
    );
    if (state.secure) for (const line of secureConnectionLines(state.secure)) log(line);
  } else {
    log(`kafka      ${kafkaOk ? `answers at ${bootstrap} (not started by the stack)` : `not running (nothing answers at ${bootstrap})`}`);
  }
  const pg = await probePostgres(config.databaseUrl);
  log(
    `postgres   ${pg.answers ? `answers at ${redactUrl(config.databaseUrl)} (server ${pg.version})` : `does NOT answer at ${redactUrl(config.databaseUrl)}: ${pg.error}`}`,
  );
  return kafkaOk && pg.answers;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
