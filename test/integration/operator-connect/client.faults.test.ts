import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from '../../../src/core/errors.js';
import { BackendPermanentError, BackendTransientError } from '../../../src/operator-connect/index.js';
import { SIMULATOR_DEFAULTS } from '../../../src/simulator/index.js';
import { ocNumber, SimulatorCredential, startSimulator, TENANT_US, testClient } from '../../support/operator-connect.js';

test('a 500, a 503 and a connection reset are retried, then the call succeeds', async (t) => {
  const setup = await startSimulator(t, {
    faults: { script: [{ kind: 'serverError' }, { kind: 'serviceUnavailable', retryAfterSeconds: 1 }, { kind: 'reset' }] },
  });
  const { client, calls, retries } = testClient(setup);
  const consent = await client.getConsent(TENANT_US);
  assert.equal(consent.tenantId, TENANT_US);
  assert.deepEqual(setup.simulator.counters.snapshot().calls.getConsent, { '500': 1, '503': 1, reset: 1, '200': 1 });
  assert.deepEqual(
    calls.map((c) => [c.status, c.outcome, c.code]),
    [
      [500, 'retry', 'InternalServerError'],
      [503, 'retry', 'ServiceUnavailable'],
      [undefined, 'retry', 'ECONNRESET'],
      [200, 'ok', undefined],
    ],
  );
  // Backoff with the injected jitter draw (0.5), equal jitter: ¾ of 500 ms, then the 503's Retry-After, then ¾ of 2 000 ms.
  assert.deepEqual(
    retries.map((r) => r.delayMs),
    [375, 1000, 1500],
  );
});

test('transient failures past the last attempt surface as a retryable BackendTransientError', async (t) => {
  const setup = await startSimulator(t, {
    faults: { script: [{ kind: 'serverError' }, { kind: 'serverError' }, { kind: 'serverError' }] },
  });
  const { client, calls } = testClient(setup, { OPERATOR_CONNECT_RETRY_ATTEMPTS: '3' });
  await assert.rejects(client.listConsents(), (e: unknown) => {
    assert.ok(e instanceof BackendTransientError);
    assert.equal(e.retryable, true);
    assert.equal(e.code, 'InternalServerError');
    assert.equal(e.status, 500);
    assert.equal(e.context.operation, 'listConsents');
    return true;
  });
  assert.deepEqual(
    calls.map((c) => c.outcome),
    ['retry', 'retry', 'transient_exhausted'],
  );
  assert.equal(setup.simulator.counters.snapshot().calls.listConsents?.['500'], 3);
});

test('a permanent 400 is not retried: one call, the Azure code and message in the error', async (t) => {
  const setup = await startSimulator(t);
  const { client, calls, retries } = testClient(setup);
  await assert.rejects(client.uploadNumbers('not-a-guid', { numbers: [ocNumber('+14255550900')] }, 'bad-tenant'), (e: unknown) => {
    assert.ok(e instanceof PermanentError, 'a PermanentError');
    assert.ok(e instanceof BackendPermanentError);
    assert.equal(e.retryable, false);
    assert.equal(e.code, 'InvalidTenantId');
    assert.equal(e.status, 400);
    assert.deepEqual([e.context.operation, e.context.httpStatus, e.context.azureCode], ['uploadNumbers', 400, 'InvalidTenantId']);
    assert.match(e.message, /is not a Teams tenant id/);
    assert.equal(typeof e.context.msRequestId, 'string');
    return true;
  });
  await assert.rejects(
    client.uploadNumbers(TENANT_US, { numbers: [{ ...ocNumber('+14255550901'), usage: 'Bogus' as 'CallingUserAssignment' }] }, 'bad-body'),
    (e: unknown) => {
      assert.ok(e instanceof BackendPermanentError);
      assert.equal(e.code, 'InvalidRequestBody');
      assert.equal(e.details[0]?.target, 'numbers[0].usage', 'Azure error details are kept');
      return true;
    },
  );
  assert.deepEqual(setup.simulator.counters.snapshot().calls.createUploadOrder, { '400': 2 });
  assert.deepEqual(
    calls.map((c) => c.outcome),
    ['permanent', 'permanent'],
  );
  assert.deepEqual(retries, []);
});

test('a 409 RepeatabilityConflict (same id, different request) is permanent and sent once', async (t) => {
  const setup = await startSimulator(t);
  const { client } = testClient(setup);
  await client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550910')] }, 'reused-id');
  await assert.rejects(client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550911')] }, 'reused-id'), (e: unknown) => {
    assert.ok(e instanceof BackendPermanentError);
    assert.equal(e.code, 'RepeatabilityConflict');
    assert.equal(e.status, 409);
    return true;
  });
  assert.deepEqual(setup.simulator.counters.snapshot().calls.createUploadOrder, { '202': 1, '409': 1 });
});

test('a 403 for an app not registered in the portal is permanent', async (t) => {
  const unregistered = '0c0ffee0-0000-4000-8000-0000000000c2';
  const setup = await startSimulator(t, {
    clients: [
      { clientId: SIMULATOR_DEFAULTS.clientId, clientSecret: SIMULATOR_DEFAULTS.clientSecret },
      { clientId: unregistered, clientSecret: 'other-secret', registered: false },
    ],
  });
  const credential = new SimulatorCredential(setup.simulator, setup.clock, () => setup.simulator.admin.issueToken(unregistered));
  const { client } = testClient(setup, {}, { credential });
  await assert.rejects(client.listConsents(), { code: 'ApplicationNotRegistered', status: 403 });
  assert.deepEqual(setup.simulator.counters.snapshot().calls.listConsents, { '403': 1 });
});

test('a slow answer times out and is retried', async (t) => {
  const setup = await startSimulator(t, { faults: { script: [{ kind: 'slow', delayMs: 30_000, operations: ['getConsent'] }] } });
  const { client, calls } = testClient(setup, { OPERATOR_CONNECT_REQUEST_TIMEOUT_MS: '500' });
  const consent = await client.getConsent(TENANT_US);
  assert.equal(consent.tenantId, TENANT_US);
  assert.deepEqual(
    calls.map((c) => [c.status, c.outcome, c.code]),
    [
      [undefined, 'retry', 'ETIMEDOUT'],
      [200, 'ok', undefined],
    ],
  );
});
