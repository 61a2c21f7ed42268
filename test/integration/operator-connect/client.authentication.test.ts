import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { ClientSecretCredential, type AccessToken, type TokenCredential } from '@azure/identity';
import { PermanentError, TransientError } from '../../../src/core/errors.js';
import { createCredential, OperatorConnectClient, BackendPermanentError } from '../../../src/operator-connect/index.js';
import { ManualClock } from '../../../src/simulator/index.js';
import {
  capturingLogger,
  clientConfig,
  ocNumber,
  SimulatorCredential,
  silentLogger,
  startSimulator,
  TENANT_US,
  testClient,
  trustSimulatorCertificate,
  virtualSleep,
} from '../../support/operator-connect.js';

/** Wraps a real credential and keeps the tokens it handed out, so a test can look for them in logs. */
class RecordingCredential implements TokenCredential {
  readonly tokens: string[] = [];
  constructor(private readonly inner: TokenCredential) {}
  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    const token = await this.inner.getToken(scopes);
    if (token) this.tokens.push(token.token);
    return token;
  }
}

test('tokens from the real ClientSecretCredential are cached, renewed before expiry, and a new one is fetched after expiry', async (t) => {
  const clock = new ManualClock(Date.now());
  const setup = await startSimulator(t, { clock, tokenLifetimeSeconds: 120 });
  trustSimulatorCertificate(t, setup.endpoints);
  const config = clientConfig(setup.endpoints);
  const credential = new RecordingCredential(createCredential(config.auth));
  const client = new OperatorConnectClient({ config, logger: silentLogger(), credential, clock, sleep: virtualSleep(clock) });
  const tokenRequests = (): number => setup.simulator.counters.snapshot().tokenRequests;

  await client.getConsent(TENANT_US);
  await client.getConsent(TENANT_US);
  assert.equal(tokenRequests(), 1, 'the second call reuses the token');

  // Three quarters into a short token's life (half-life plus room for a slow first token): renewed ahead of expiry, before any 401.
  clock.advance(90_000);
  await client.getConsent(TENANT_US);
  assert.equal(tokenRequests(), 2);

  // Long after that token expired: the next call gets a fresh one and the API accepts it.
  clock.advance(10 * 60_000);
  await client.getConsent(TENANT_US);
  assert.equal(tokenRequests(), 3);
  assert.equal(new Set(credential.tokens).size, 3, 'three different tokens');
  assert.deepEqual(setup.simulator.counters.snapshot().calls.getConsent, { '200': 4 }, 'never an expired token on the wire');
});

test('a 401 drops the cached token and the call is resent once with a new one', async (t) => {
  const setup = await startSimulator(t);
  // The client's clock stands still, so its cache believes the token valid; the service's clock moves past the expiry.
  const clientClock = new ManualClock(setup.clock.now());
  const credential = new SimulatorCredential(setup.simulator, clientClock);
  const { client, calls } = testClient(setup, {}, { credential, clock: clientClock, sleep: virtualSleep(clientClock) });
  await client.getConsent(TENANT_US);
  setup.clock.advance(3600_000);

  const submitted = await client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255551300')] }, 'after-expiry');
  assert.equal(submitted.status, 'pending');
  assert.equal(credential.calls, 2);
  assert.deepEqual(setup.simulator.counters.snapshot().calls.createUploadOrder, { '401': 1, '202': 1 });
  assert.deepEqual(
    calls.slice(1).map((c) => [c.status, c.outcome, c.attempt, c.code]),
    [
      [401, 'retry', 1, 'ExpiredAuthenticationToken'],
      [202, 'ok', 1, undefined],
    ],
  );
});

test('a second 401 in a row is permanent', async (t) => {
  const setup = await startSimulator(t);
  const credential = new SimulatorCredential(setup.simulator, setup.clock, () => 'not-a-jwt');
  const { client } = testClient(setup, {}, { credential });
  await assert.rejects(client.listConsents(), (e: unknown) => {
    assert.ok(e instanceof BackendPermanentError);
    assert.equal(e.code, 'InvalidAuthenticationToken');
    assert.equal(e.status, 401);
    return true;
  });
  assert.deepEqual(setup.simulator.counters.snapshot().calls.listConsents, { '401': 2 });
  assert.equal(credential.calls, 2);
});

test('a wrong client secret is a permanent authentication failure and never reaches the API', async (t) => {
  const setup = await startSimulator(t);
  trustSimulatorCertificate(t, setup.endpoints);
  const config = clientConfig(setup.endpoints, { OPERATOR_CONNECT_CLIENT_SECRET: 'wrong-secret' });
  const client = new OperatorConnectClient({ config, logger: silentLogger(), clock: setup.clock, sleep: virtualSleep(setup.clock) });
  await assert.rejects(client.listConsents(), (e: unknown) => {
    assert.ok(e instanceof PermanentError);
    assert.equal((e as PermanentError).code, 'authentication_failed');
    assert.ok(!e.message.includes('wrong-secret'));
    return true;
  });
  const counters = setup.simulator.counters.snapshot();
  assert.equal(counters.tokenRequests, 1, 'not retried');
  assert.equal(counters.calls.listConsents, undefined);
});

test('neither the client secret nor a bearer token is ever logged, even at trace level and in logged errors', async (t) => {
  const setup = await startSimulator(t, {
    faults: {
      script: [
        { kind: 'serverError', operations: ['listConsents'] },
        { kind: 'reset', operations: ['listConsents'] },
        { kind: 'slow', delayMs: 5_000, operations: ['getConsent'] },
      ],
    },
  });
  trustSimulatorCertificate(t, setup.endpoints);
  const { logger, lines } = capturingLogger();
  const config = clientConfig(setup.endpoints, { OPERATOR_CONNECT_CLIENT_SECRET: setup.endpoints.clientSecret });
  const credential = new RecordingCredential(
    new ClientSecretCredential(setup.endpoints.tenantId, setup.endpoints.clientId, setup.endpoints.clientSecret, {
      authorityHost: setup.endpoints.authorityHost,
      disableInstanceDiscovery: true,
    }),
  );
  const client = new OperatorConnectClient({ config, logger, credential, clock: setup.clock, sleep: virtualSleep(setup.clock) });

  logger.info({ config }, 'configuration');
  await client.listConsents();
  const timedOut = await new OperatorConnectClient({
    config: clientConfig(setup.endpoints, { OPERATOR_CONNECT_REQUEST_TIMEOUT_MS: '100', OPERATOR_CONNECT_RETRY_ATTEMPTS: '1' }),
    logger,
    credential,
    clock: setup.clock,
    sleep: virtualSleep(setup.clock),
  })
    .getConsent(TENANT_US)
    .catch((e: unknown) => e);
  assert.equal((timedOut as { code?: unknown }).code, 'ETIMEDOUT');
  logger.error({ err: timedOut }, 'no answer');
  const unknown = '44444444-4444-4444-8444-444444444444';
  const refused = await client.getConsent(unknown).catch((e: unknown) => e);
  logger.error({ err: refused }, 'refused');
  await tick();

  assert.ok(credential.tokens.length >= 1);
  assert.ok(lines.length >= 4, 'the client logged its retries');
  const text = lines.join('\n');
  assert.ok(!text.includes(setup.endpoints.clientSecret), 'client secret leaked');
  for (const token of credential.tokens) assert.ok(!text.includes(token), 'bearer token leaked');
  assert.ok(!/authorization/i.test(text), 'no Authorization header in any log line');
});

// A reset is left to the unit test (token-cache.test.ts): MSAL retries a network error for ~30 s.
for (const kind of ['serviceUnavailable', 'serverError'] as const) {
  test(`a token endpoint fault (${kind}) through the real ClientSecretCredential is transient: the call is retried later, not given up`, async (t) => {
    const setup = await startSimulator(t, { faults: { token: { probabilities: { [kind]: 1 } } } });
    trustSimulatorCertificate(t, setup.endpoints);
    const client = new OperatorConnectClient({ config: clientConfig(setup.endpoints), logger: silentLogger() });
    const error = await client.listConsents().catch((e: unknown) => e);
    assert.ok(error instanceof TransientError, `transient, got ${String(error)}`);
    assert.equal(error.code, 'token_unavailable');
    assert.match(error.message, /^cannot get an Operator Connect access token: /);
    assert.equal(client.tokenProblem()?.code, 'backend_token_failed', 'readiness hears of it');
  });
}

test('a token request that never answers gives up after OPERATOR_CONNECT_TOKEN_TIMEOUT_MS, transient, and the next call asks again', async (t) => {
  const setup = await startSimulator(t, { faults: { token: { probabilities: { hang: 1 } } } });
  trustSimulatorCertificate(t, setup.endpoints);
  const client = new OperatorConnectClient({
    config: clientConfig(setup.endpoints, { OPERATOR_CONNECT_TOKEN_TIMEOUT_MS: '300' }),
    logger: silentLogger(),
  });
  const started = Date.now();
  const error = await client.listConsents().catch((e: unknown) => e);
  assert.ok(Date.now() - started < 10_000, 'not held for the HTTP server timeout');
  assert.ok(error instanceof TransientError);
  assert.equal(error.code, 'token_timeout');
  assert.match(error.message, /OPERATOR_CONNECT_TOKEN_TIMEOUT_MS=300/);
  setup.simulator.admin.clearFaults();
  const consents = await client.listConsents();
  assert.ok(consents.length > 0, 'a new token request once the endpoint answers');
});
