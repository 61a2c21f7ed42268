import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CircuitOpenError } from '../../../src/operator-connect/index.js';
import { startSimulator, TENANT_US, testClient } from '../../support/operator-connect.js';

const env = {
  OPERATOR_CONNECT_CIRCUIT_BREAKER_THRESHOLD: '3',
  OPERATOR_CONNECT_CIRCUIT_BREAKER_COOLDOWN_MS: '10000',
  OPERATOR_CONNECT_RETRY_ATTEMPTS: '5',
};

test('the circuit opens after repeated failures, fails fast without a request, half-opens after the cool-down and closes on a good trial', async (t) => {
  const setup = await startSimulator(t, {
    faults: { script: [{ kind: 'serverError' }, { kind: 'serviceUnavailable' }, { kind: 'reset' }, { kind: 'serverError' }] },
  });
  const { client, calls, circuit } = testClient(setup, env);
  const apiCalls = (): number => setup.simulator.counters.snapshot().totalCalls;

  // Three transient failures open the circuit; the fourth attempt is refused before any request.
  await assert.rejects(client.getConsent(TENANT_US), (e: unknown) => {
    assert.ok(e instanceof CircuitOpenError);
    assert.equal(e.retryable, true, 'the caller may come back later');
    assert.equal(e.code, 'circuit_open');
    return true;
  });
  assert.equal(apiCalls(), 3);
  assert.equal(client.circuitState, 'open');
  assert.deepEqual(
    calls.map((c) => c.outcome),
    ['retry', 'retry', 'retry', 'circuit_open'],
  );

  // Open: calls fail fast and nothing reaches the service.
  await assert.rejects(client.listConsents(), CircuitOpenError);
  await assert.rejects(client.getNumberStatus(TENANT_US, '+14255551100'), CircuitOpenError);
  assert.equal(apiCalls(), 3);

  // After the cool-down one trial goes out; it fails (the fourth scripted fault) and the circuit opens again.
  setup.clock.advance(10_000);
  assert.equal(client.circuitState, 'half-open');
  await assert.rejects(client.getConsent(TENANT_US), CircuitOpenError);
  assert.equal(apiCalls(), 4);
  assert.equal(client.circuitState, 'open');

  // The next trial succeeds and closes it.
  setup.clock.advance(10_000);
  assert.equal((await client.getConsent(TENANT_US)).tenantId, TENANT_US);
  assert.equal(client.circuitState, 'closed');
  assert.deepEqual(circuit, ['open', 'half-open', 'open', 'half-open', 'closed']);
});

test('permanent refusals and 429s do not open the circuit: the service is answering', async (t) => {
  const setup = await startSimulator(t, {
    faults: {
      script: [
        { kind: 'throttle', retryAfterSeconds: 1 },
        { kind: 'throttle', retryAfterSeconds: 1 },
        { kind: 'throttle', retryAfterSeconds: 1 },
        { kind: 'throttle', retryAfterSeconds: 1 },
      ],
    },
  });
  const { client } = testClient(setup, env);
  await client.listConsents();
  const unknown = '44444444-4444-4444-8444-444444444444';
  for (let i = 0; i < 4; i++) await assert.rejects(client.getConsent(unknown), { code: 'ConsentNotFound' });
  assert.equal(client.circuitState, 'closed');
});

test('an open circuit refuses at once, without queueing behind the rate limiter', async (t) => {
  const setup = await startSimulator(t, { faults: { script: [{ kind: 'serverError', operations: ['getConsent'] }] } });
  const { client, sleeps } = testClient(setup, {
    ...env,
    OPERATOR_CONNECT_CIRCUIT_BREAKER_THRESHOLD: '1',
    OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: '1',
  });
  await assert.rejects(client.getConsent(TENANT_US), CircuitOpenError);
  const waitedBefore = sleeps.length;
  const refusals = await Promise.allSettled(Array.from({ length: 5 }, () => client.getConsent(TENANT_US)));
  assert.ok(refusals.every((r) => r.status === 'rejected' && r.reason instanceof CircuitOpenError));
  assert.equal(sleeps.length, waitedBefore, 'no waiting for a slot while open');
});

test('an aborted signal ends a call during its retry wait', async (t) => {
  const setup = await startSimulator(t, {
    faults: { script: [{ kind: 'serviceUnavailable', retryAfterSeconds: 5, operations: ['getConsent'] }] },
  });
  const controller = new AbortController();
  const { client } = testClient(setup, {}, { onRetry: () => controller.abort(new Error('shutting down')) });
  await assert.rejects(client.getConsent(TENANT_US, { signal: controller.signal }), /shutting down/);
  assert.equal(setup.simulator.counters.snapshot().calls.getConsent?.['503'], 1);
  assert.equal(setup.simulator.counters.snapshot().calls.getConsent?.['200'], undefined, 'no further attempt');
  assert.equal(client.circuitState, 'closed');
});
