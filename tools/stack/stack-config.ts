import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/platform/config/load-config.js';
import type { SecureStackSettings } from './secure-listeners.js';

/** The pinned broker: the newest Apache Kafka 4.x, checked with kafkajs 2.2.4 (see docs/KAFKA.md). */
export const KAFKA_VERSION = '4.4.0';

export interface StackConfig {
  readonly kafkaVersion: string;
  readonly kafkaHost: string;
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly cacheDir: string;
  readonly databaseUrl: string;
  readonly kafkaHeapMb: number;
  readonly startTimeoutMs: number;
  /** `up --secure` or FLOWTHROUGH_KAFKA_SECURE=true: SASL_SSL and mutual-TLS listeners too; null: plaintext only. */
  readonly secure: SecureStackSettings | null;
}

function port(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, problems: string[]): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) problems.push(`${name}=${JSON.stringify(text)}: must be a port number 1–65535`);
  return n;
}

function secureSettings(env: Readonly<Record<string, string | undefined>>, kafkaPort: number, problems: string[]): SecureStackSettings {
  const jwksUrl = env.FLOWTHROUGH_KAFKA_OAUTH_JWKS_URL ?? '';
  const issuer = env.FLOWTHROUGH_KAFKA_OAUTH_ISSUER ?? '';
  const audience = env.FLOWTHROUGH_KAFKA_OAUTH_AUDIENCE ?? '';
  if (jwksUrl && (!issuer || !audience))
    problems.push(
      'FLOWTHROUGH_KAFKA_OAUTH_ISSUER and FLOWTHROUGH_KAFKA_OAUTH_AUDIENCE: required with FLOWTHROUGH_KAFKA_OAUTH_JWKS_URL (Kafka 4.4 checks both)',
    );
  const reauthMs = Number(env.FLOWTHROUGH_KAFKA_REAUTH_MS || 300_000);
  if (!Number.isInteger(reauthMs) || reauthMs < 1_000) problems.push('FLOWTHROUGH_KAFKA_REAUTH_MS: must be an integer ≥ 1000');
  return {
    saslPort: port(env, 'FLOWTHROUGH_KAFKA_SASL_PORT', kafkaPort + 2, problems),
    mtlsPort: port(env, 'FLOWTHROUGH_KAFKA_MTLS_PORT', kafkaPort + 3, problems),
    reauthMs,
    oauth: jwksUrl ? { jwksUrl, issuer, audience, jwksCaFile: env.FLOWTHROUGH_KAFKA_OAUTH_JWKS_CA_FILE ?? '' } : null,
  };
}

/** Settings of the local development stack (`npm run stack`, test harness, demo, benchmarks). */
export function loadStackConfig(env: Readonly<Record<string, string | undefined>>, options: { secure?: boolean } = {}): StackConfig {
  const problems: string[] = [];
  const cacheRoot = env.FLOWTHROUGH_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'flowthrough');
  const config: StackConfig = {
    kafkaVersion: env.FLOWTHROUGH_KAFKA_VERSION || KAFKA_VERSION,
    kafkaHost: '127.0.0.1',
    kafkaPort: port(env, 'FLOWTHROUGH_KAFKA_PORT', 9092, problems),
    controllerPort: port(env, 'FLOWTHROUGH_KAFKA_CONTROLLER_PORT', 9093, problems),
    cacheDir: cacheRoot,
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    kafkaHeapMb: Number(env.FLOWTHROUGH_KAFKA_HEAP_MB || 1024),
    startTimeoutMs: Number(env.FLOWTHROUGH_KAFKA_START_TIMEOUT_MS || 90_000),
    secure: null,
  };
  const secure =
    (options.secure ?? /^(1|true|yes)$/i.test(env.FLOWTHROUGH_KAFKA_SECURE ?? '')) ? secureSettings(env, config.kafkaPort, problems) : null;
  if (!Number.isInteger(config.kafkaHeapMb) || config.kafkaHeapMb < 128)
    problems.push('FLOWTHROUGH_KAFKA_HEAP_MB: must be an integer ≥ 128');
  if (config.kafkaPort === config.controllerPort) problems.push('FLOWTHROUGH_KAFKA_PORT and FLOWTHROUGH_KAFKA_CONTROLLER_PORT must differ');
  if (secure) {
    const ports = [config.kafkaPort, config.controllerPort, secure.saslPort, secure.mtlsPort];
    if (new Set(ports).size !== ports.length) problems.push('the Kafka, controller, SASL and mTLS ports must all differ');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...config, secure });
}
