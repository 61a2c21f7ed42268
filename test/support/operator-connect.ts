import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import tls from 'node:tls';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { pino, type Logger } from 'pino';
import { loadOperatorConnectConfig, type OperatorConnectConfig } from '../../src/platform/config/operator-connect-variables.js';
import {
  OperatorConnectClient,
  type CallEvent,
  type CircuitState,
  type OperatorConnectClientOptions,
  type RetryEvent,
} from '../../src/operator-connect/index.js';
import { createSimulator, ManualClock, type Simulator, type SimulatorEndpoints, type SimulatorOptions } from '../../src/simulator/index.js';
import { simulatorClientEnvironment } from '../../src/simulator/client-environment.js';
import type { Clock } from '../../src/platform/time/clock.js';

/** Tenants seeded in every simulator these tests start. */
export const TENANT_US = '11111111-1111-4111-8111-111111111111';
export const TENANT_EU = '22222222-2222-4222-8222-222222222222';
export const TENANT_SUSPENDED = '33333333-3333-4333-8333-333333333333';

export const SEED_CONSENTS: SimulatorOptions['consents'] = [
  { tenantId: TENANT_US, consentedCountries: ['US', 'CA'] },
  { tenantId: TENANT_EU, consentedCountries: ['DE', 'GB'] },
  { tenantId: TENANT_SUSPENDED, status: 'suspended', consentedCountries: ['US'] },
];

export const ocNumber = (telephoneNumber: string) =>
  ({ telephoneNumber, usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] }) as const;

/**
 * A simulator on a ManualClock, seeded, unthrottled and with instant orders
 * unless a test says otherwise. The clock starts at the real time so that
 * @azure/identity's expiry timestamps (real time) and the simulator's agree.
 */
export async function startSimulator(
  t: TestContext,
  options: SimulatorOptions = {},
): Promise<{ simulator: Simulator; endpoints: SimulatorEndpoints; clock: ManualClock }> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(Date.now());
  const simulator = createSimulator({ processingDelayMs: 0, rateLimitPerSecond: 0, consents: SEED_CONSENTS, ...options, clock });
  const endpoints = await simulator.start();
  t.after(() => simulator.stop());
  return { simulator, endpoints, clock };
}

/** The client settings for a started simulator, through the real loader; `env` overrides. */
export function clientConfig(endpoints: SimulatorEndpoints, env: Record<string, string> = {}): OperatorConnectConfig {
  return loadOperatorConnectConfig({
    ...simulatorClientEnvironment(endpoints),
    OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: '0',
    OPERATOR_CONNECT_REQUEST_TIMEOUT_MS: '5000',
    ...env,
  });
}

/**
 * A TokenCredential that mints simulator tokens in-process (no HTTPS round
 * trip) and remembers what it handed out, for tests that are not about the
 * token endpoint.
 */
export class SimulatorCredential implements TokenCredential {
  readonly issued: string[] = [];

  constructor(
    simulator: Simulator,
    private readonly clock: Clock,
    private readonly mint: () => string = () => simulator.admin.issueToken(),
  ) {}

  get calls(): number {
    return this.issued.length;
  }

  async getToken(): Promise<AccessToken> {
    const token = this.mint();
    this.issued.push(token);
    return { token, expiresOnTimestamp: this.clock.now() + 3_599_000 };
  }
}

/** Virtual time: the client's waits move the clock instead of passing. */
export function virtualSleep(clock: ManualClock, sleeps: number[] = []) {
  return async (ms: number, signal?: AbortSignal): Promise<void> => {
    signal?.throwIfAborted();
    sleeps.push(ms);
    clock.advance(ms);
  };
}

export interface TestClient {
  readonly client: OperatorConnectClient;
  readonly calls: CallEvent[];
  readonly retries: RetryEvent[];
  readonly sleeps: number[];
  readonly circuit: CircuitState[];
  readonly credential: TokenCredential;
}

/**
 * A client on the simulator's clock with virtual sleeps, an in-process
 * credential and every hook recorded. `env` overrides settings; `options`
 * overrides construction.
 */
export function testClient(
  setup: { simulator: Simulator; endpoints: SimulatorEndpoints; clock: ManualClock },
  env: Record<string, string> = {},
  options: Partial<OperatorConnectClientOptions> = {},
): TestClient {
  const calls: CallEvent[] = [];
  const retries: RetryEvent[] = [];
  const sleeps: number[] = [];
  const circuit: CircuitState[] = [];
  const credential = options.credential ?? new SimulatorCredential(setup.simulator, setup.clock);
  const client = new OperatorConnectClient({
    config: clientConfig(setup.endpoints, env),
    logger: silentLogger(),
    credential,
    clock: setup.clock,
    sleep: virtualSleep(setup.clock, sleeps),
    random: () => 0.5,
    onCall: (event) => calls.push(event),
    onRetry: (event) => retries.push(event),
    onCircuitStateChange: (state) => circuit.push(state),
    ...options,
  });
  return { client, calls, retries, sleeps, circuit, credential };
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A pino logger at trace level writing into an array, with no redaction: whatever the client logs shows up as it is. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l.length > 0),
      );
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

/** Trusts the fake Entra ID's self-signed certificate in this process for the test's duration (Node 24). */
export function trustSimulatorCertificate(t: TestContext, endpoints: SimulatorEndpoints): void {
  const before = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...before, endpoints.caCertificatePem]);
  t.after(() => tls.setDefaultCACertificates(before));
}
