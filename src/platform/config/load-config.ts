import { ConfigError } from './config-error.js';
import { loadAcgConfig, type AcgConfig } from './acg-variables.js';
import { deepFreeze } from './backend-client-variables.js';
import { loadOpsConfig, opsSecrets, type ReadApiSettings } from './ops-variables.js';
import { loadOperatorConnectConfig, type OperatorConnectConfig } from './operator-connect-variables.js';
import { loadReconcilerConfig, type ReconcilerConfig } from './reconciler-variables.js';
import { parseVariable } from './parse-variable.js';
import { Secret } from './secret.js';
import { VARIABLES, type VariableSpec } from './variables.js';
import { entraProblems, entraSettings } from './entra-variables.js';
import { derivedDefaults, kafkaConnection, kafkaProblems, type KafkaConnectionConfig } from './kafka-variables.js';
import type { DatabaseEntraConfig, DatabaseSslConfig } from '../db/connection-options.js';

export { ConfigError };

/** The intake consumer's group membership timings (KAFKA_SESSION_TIMEOUT_MS and its neighbours). */
export interface GroupTimeouts {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
}

export type { KafkaSasl, KafkaTls } from './kafka-variables.js';

export interface Config {
  readonly logLevel: string;
  readonly database: {
    readonly url: string;
    readonly poolMax: number;
    /** DATABASE_SSL_*; absent (a configuration built by hand): DATABASE_URL's sslmode. */
    readonly ssl?: DatabaseSslConfig;
    /** DATABASE_AUTH=entra; null or absent: DATABASE_URL's password. */
    readonly entra?: DatabaseEntraConfig | null;
  };
  readonly kafka: KafkaConnectionConfig & {
    readonly groupId: string;
    readonly group: GroupTimeouts;
  };
  readonly topics: {
    readonly orders: string;
    readonly deadLetter: string;
    readonly status: string;
    readonly create: boolean;
    readonly partitions: number;
  };
  readonly intake: {
    readonly chunkSize: number;
    readonly chunkBytes: number;
    readonly partitionsConcurrently: number;
    readonly statusSource: string;
    readonly maxRecordBytes: number;
    readonly maxJsonDepth: number;
    readonly maxFutureSkewMs: number;
    readonly deadLetterMaxRecordBytes: number;
  };
  readonly outbox: {
    readonly batchSize: number;
    readonly pollIntervalMs: number;
    readonly retentionHours: number;
    readonly maxBatchBytes: number;
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
    readonly retryCapMs: number;
    /** STATUS_EVENT_MAX_BYTES: a larger status event summarises its per-number results. */
    readonly statusEventMaxBytes: number;
  };
  readonly http: { readonly host: string; readonly port: number };
  readonly startupTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly customHeaderName: string;
  readonly readApi: ReadApiSettings;
  readonly reconciler: ReconcilerConfig;
  /** null when OPERATOR_CONNECT_BASE_URL is not set; a worker with its reconciler enabled refuses to start then. */
  readonly operatorConnect: OperatorConnectConfig | null;
  /** null when ACG_PROVISIONING_BASE_URL is not set; a worker with BACKEND=acg and its reconciler enabled refuses to start then. */
  readonly acg: AcgConfig | null;
  /** Values that must never appear in a log line. */
  readonly secrets: readonly Secret[];
}

type Raw = Record<string, string | number | boolean | string[]>;

function urlPassword(url: string): string[] {
  try {
    const pw = decodeURIComponent(new URL(url).password);
    return pw ? [pw] : [];
  } catch {
    return [];
  }
}

/**
 * Reads, validates and freezes the configuration. Pure: takes the environment
 * as an argument, reports every problem at once.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: string[] = [];
  const raw: Raw = {};
  const derived = derivedDefaults(env);
  for (const spec of VARIABLES as readonly VariableSpec[]) {
    const given = env[spec.name];
    const text = given ?? derived[spec.name] ?? spec.default;
    if (text === undefined) {
      problems.push(`${spec.name}: required (${spec.description})`);
      continue;
    }
    raw[spec.name] = parseVariable(spec, text, problems);
  }
  problems.push(...kafkaProblems(raw));
  if (Number(raw.KAFKA_HEARTBEAT_INTERVAL_MS) * 3 > Number(raw.KAFKA_SESSION_TIMEOUT_MS)) {
    problems.push(
      `KAFKA_HEARTBEAT_INTERVAL_MS: at most a third of KAFKA_SESSION_TIMEOUT_MS=${String(raw.KAFKA_SESSION_TIMEOUT_MS)} (got ${String(raw.KAFKA_HEARTBEAT_INTERVAL_MS)})`,
    );
  }
  if (raw.DATABASE_AUTH === 'entra') problems.push(...entraProblems('DATABASE_ENTRA', 'DATABASE_AUTH is entra', raw));
  if (Boolean(raw.DATABASE_SSL_CERT_FILE) !== Boolean(raw.DATABASE_SSL_KEY_FILE)) {
    problems.push('DATABASE_SSL_CERT_FILE and DATABASE_SSL_KEY_FILE: set both or neither');
  }
  const ops = collectProblems(() => loadOpsConfig(env), problems);
  const reconciler = collectProblems(() => loadReconcilerConfig(env), problems);
  // Only the worker's reconciler talks to Operator Connect (it checks the section is there);
  // migrate, dlq and the other commands run without it.
  const operatorConnect = env.OPERATOR_CONNECT_BASE_URL ? collectProblems(() => loadOperatorConnectConfig(env), problems) : null;
  // Likewise the ACG Provisioning API's client (BACKEND=acg).
  const acg = env.ACG_PROVISIONING_BASE_URL ? collectProblems(() => loadAcgConfig(env), problems) : null;
  if (problems.length > 0 || ops === undefined || reconciler === undefined || operatorConnect === undefined || acg === undefined)
    throw new ConfigError(problems);

  const str = (k: string): string => raw[k] as string;
  const num = (k: string): number => raw[k] as number;
  const secrets = [...VARIABLES.filter((v) => 'secret' in v && v.secret).map((v) => str(v.name)), ...urlPassword(str('DATABASE_URL'))]
    .filter((s) => s.length >= 4)
    .map((s) => new Secret(s))
    .concat(opsSecrets(ops))
    .concat(operatorConnect?.secrets ?? [])
    .concat(acg?.secrets ?? []);

  const config: Config = {
    logLevel: str('LOG_LEVEL'),
    database: {
      url: str('DATABASE_URL'),
      poolMax: num('DATABASE_POOL_MAX'),
      ssl: {
        mode: str('DATABASE_SSL_MODE') as DatabaseSslConfig['mode'],
        caFile: str('DATABASE_SSL_CA_FILE'),
        certFile: str('DATABASE_SSL_CERT_FILE'),
        keyFile: str('DATABASE_SSL_KEY_FILE'),
      },
      entra: str('DATABASE_AUTH') === 'entra' ? entraSettings('DATABASE_ENTRA', raw) : null,
    },
    kafka: {
      ...kafkaConnection(raw),
      groupId: str('KAFKA_GROUP_ID'),
      group: {
        sessionTimeoutMs: num('KAFKA_SESSION_TIMEOUT_MS'),
        heartbeatIntervalMs: num('KAFKA_HEARTBEAT_INTERVAL_MS'),
        rebalanceTimeoutMs: num('KAFKA_REBALANCE_TIMEOUT_MS'),
      },
    },
    topics: {
      orders: str('ORDERS_TOPIC'),
      deadLetter: str('DEAD_LETTER_TOPIC'),
      status: str('STATUS_TOPIC'),
      create: raw.KAFKA_CREATE_TOPICS as boolean,
      partitions: num('KAFKA_TOPIC_PARTITIONS'),
    },
    intake: {
      chunkSize: num('INTAKE_CHUNK_SIZE'),
      chunkBytes: num('INTAKE_CHUNK_BYTES'),
      partitionsConcurrently: num('INTAKE_PARTITIONS_CONCURRENTLY'),
      statusSource: str('STATUS_EVENT_SOURCE'),
      maxRecordBytes: num('INTAKE_MAX_RECORD_BYTES'),
      maxJsonDepth: num('INTAKE_MAX_JSON_DEPTH'),
      maxFutureSkewMs: num('INTAKE_MAX_FUTURE_SKEW_MS'),
      deadLetterMaxRecordBytes: num('DEAD_LETTER_MAX_RECORD_BYTES'),
    },
    outbox: {
      batchSize: num('OUTBOX_BATCH_SIZE'),
      pollIntervalMs: num('OUTBOX_POLL_INTERVAL_MS'),
      retentionHours: num('OUTBOX_RETENTION_HOURS'),
      maxBatchBytes: num('OUTBOX_MAX_BATCH_BYTES'),
      maxAttempts: num('OUTBOX_MAX_ATTEMPTS'),
      retryBaseMs: num('OUTBOX_RETRY_BASE_MS'),
      retryCapMs: num('OUTBOX_RETRY_CAP_MS'),
      statusEventMaxBytes: num('STATUS_EVENT_MAX_BYTES'),
    },
    http: { host: str('HTTP_HOST'), port: num('HTTP_PORT') },
    startupTimeoutMs: num('STARTUP_TIMEOUT_MS'),
    shutdownTimeoutMs: num('SHUTDOWN_TIMEOUT_MS'),
    customHeaderName: str('CUSTOM_HEADER_NAME'),
    readApi: ops.readApi,
    reconciler,
    operatorConnect,
    acg,
    secrets,
  };
  return deepFreeze(config);
}

/** Runs a section's loader, adding its problems to the list instead of throwing, so all are reported at once. */
function collectProblems<T>(load: () => T, problems: string[]): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}
