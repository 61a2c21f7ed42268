import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type Simulator, type SimulatorEndpoints } from '../../src/simulator/index.js';
import { freePorts } from '../../tools/shared/free-port.js';
import { brokerReset, brokerUp } from '../../tools/stack/kafka-broker.js';
import type { SecureEndpoints } from '../../tools/stack/secure-listeners.js';
import { loadStackConfig } from '../../tools/stack/stack-config.js';
import { onCleanup } from './test-context.js';

/** The resource the broker expects tokens for, shaped like an Event Hubs namespace's. */
export const KAFKA_AUDIENCE = 'https://flowthrough-local.servicebus.windows.net';

/** How a client reaches the secure broker; each names the listener and the credentials it uses. */
export type SecureMode = 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'mtls' | 'oauthbearer';

export interface SecureKafka {
  readonly secure: SecureEndpoints;
  /** The plaintext listener of the same broker (for set-up and checks outside the mode under test). */
  readonly plaintext: string;
  /** The broker's log directory: `<topic>-<partition>/` holds each partition's segments. */
  readonly dataDir: string;
  readonly simulator: Simulator;
  readonly endpoints: SimulatorEndpoints;
  /** The fake Entra ID's certificate as a file: NODE_EXTRA_CA_CERTS of a process that asks it for tokens. */
  readonly entraCaFile: string;
  /** KAFKA_* of a client in `mode` (oauthbearer: the fake Entra ID's client, with NODE_EXTRA_CA_CERTS). */
  env(mode: SecureMode): Record<string, string>;
}

export interface SecureKafkaOptions {
  /** Lifetime of every token the fake Entra ID issues (the broker ends a session when its token expires). */
  readonly tokenLifetimeSeconds?: number;
  /** connections.max.reauth.ms of the SASL listener. */
  readonly reauthMs?: number;
}

/**
 * A broker of this test file's own, started by the project's launcher with
 * `--secure` (SASL_SSL: PLAIN, SCRAM, OAUTHBEARER; mutual TLS), whose
 * OAUTHBEARER tokens are checked against the JWKS of a simulator's fake
 * Entra ID started here first (the broker fetches the keys at start).
 */
export async function startSecureKafka(options: SecureKafkaOptions = {}): Promise<SecureKafka> {
  const simulator = createSimulator({
    processingDelayMs: 0,
    rateLimitPerSecond: 0,
    otherAudiences: [KAFKA_AUDIENCE],
    ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  });
  const endpoints = await simulator.start();
  onCleanup(() => simulator.stop());
  const dir = await mkdtemp(join(tmpdir(), 'flowthrough-secure-kafka-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const entraCaFile = join(dir, 'entra-ca.pem');
  await writeFile(entraCaFile, endpoints.caCertificatePem);

  const [port, controller, sasl, mtls] = await freePorts(4);
  const tenantBase = `${endpoints.authorityHost}/${endpoints.tenantId}`;
  const stack = loadStackConfig(
    {
      ...process.env,
      FLOWTHROUGH_KAFKA_PORT: String(port),
      FLOWTHROUGH_KAFKA_CONTROLLER_PORT: String(controller),
      FLOWTHROUGH_KAFKA_SASL_PORT: String(sasl),
      FLOWTHROUGH_KAFKA_MTLS_PORT: String(mtls),
      FLOWTHROUGH_KAFKA_HEAP_MB: '384',
      FLOWTHROUGH_KAFKA_REAUTH_MS: String(options.reauthMs ?? 300_000),
      FLOWTHROUGH_KAFKA_OAUTH_JWKS_URL: `${tenantBase}/discovery/v2.0/keys`,
      FLOWTHROUGH_KAFKA_OAUTH_ISSUER: `${tenantBase}/v2.0`,
      FLOWTHROUGH_KAFKA_OAUTH_AUDIENCE: KAFKA_AUDIENCE,
      FLOWTHROUGH_KAFKA_OAUTH_JWKS_CA_FILE: entraCaFile,
    },
    { secure: true },
  );
  const quiet = (): void => undefined;
  const up = await brokerUp(stack, quiet);
  onCleanup(() => brokerReset(stack, quiet));
  const secure = up.state.secure;
  if (!secure) throw new Error('the launcher started the broker without its secure listeners');

  const tls = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: secure.caFile };
  const login = { KAFKA_SASL_USERNAME: secure.username, KAFKA_SASL_PASSWORD: (await readFile(secure.passwordFile, 'utf8')).trim() };
  return {
    secure,
    plaintext: up.state.bootstrap,
    dataDir: up.state.dataDir,
    simulator,
    endpoints,
    entraCaFile,
    env(mode) {
      switch (mode) {
        case 'mtls':
          return {
            KAFKA_BROKERS: secure.mtlsBootstrap,
            ...tls,
            KAFKA_SSL_CERT_FILE: secure.clientCertFile,
            KAFKA_SSL_KEY_FILE: secure.clientKeyFile,
          };
        case 'oauthbearer':
          return {
            KAFKA_BROKERS: secure.saslBootstrap,
            ...tls,
            KAFKA_SASL_MECHANISM: 'oauthbearer',
            KAFKA_OAUTH_CREDENTIAL: 'client-secret',
            KAFKA_OAUTH_AUTHORITY_HOST: endpoints.authorityHost,
            KAFKA_OAUTH_DISABLE_INSTANCE_DISCOVERY: 'true',
            KAFKA_OAUTH_TENANT_ID: endpoints.tenantId,
            KAFKA_OAUTH_CLIENT_ID: endpoints.clientId,
            KAFKA_OAUTH_CLIENT_SECRET: endpoints.clientSecret,
            KAFKA_OAUTH_SCOPE: `${KAFKA_AUDIENCE}/.default`,
            NODE_EXTRA_CA_CERTS: entraCaFile,
          };
        default:
          return { KAFKA_BROKERS: secure.saslBootstrap, ...tls, KAFKA_SASL_MECHANISM: mode, ...login };
      }
    },
  };
}
