import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Order } from '../../../src/simulator/index.js';
import { TENANT_A, ocNumber, paths, postForm, startSimulator } from '../../support/simulator.js';

test('scripted 500 and 503 (with Retry-After) answer in Azure error form', async (t) => {
  const { simulator, api } = await startSimulator(t, {
    faults: { script: [{ kind: 'serverError' }, { kind: 'serviceUnavailable', retryAfterSeconds: 3 }] },
  });
  const five = await api.get<{ error: { code: string } }>(paths.consents);
  assert.equal(five.status, 500);
  assert.equal(five.body.error.code, 'InternalServerError');
  const unavailable = await api.get<{ error: { code: string } }>(paths.consents);
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.body.error.code, 'ServiceUnavailable');
  assert.equal(unavailable.headers.get('retry-after'), '3');
  assert.equal((await api.get(paths.consents)).status, 200);
  assert.deepEqual(simulator.counters.snapshot().faultsInjected, { serverError: 1, serviceUnavailable: 1 });
});

test('a connection reset drops the socket without an answer', async (t) => {
  const { simulator, api } = await startSimulator(t, { faults: { script: [{ kind: 'reset' }] } });
  await assert.rejects(api.get(paths.consents), (error: Error & { cause?: { code?: string } }) => {
    assert.equal(error.name, 'TypeError');
    assert.ok(['ECONNRESET', 'UND_ERR_SOCKET'].includes(error.cause?.code ?? ''), `cause ${String(error.cause?.code)}`);
    return true;
  });
  assert.equal((await api.get(paths.consents)).status, 200);
  assert.equal(simulator.counters.snapshot().calls.listConsents?.reset, 1);
});

test('scripted faults target operations; passes let calls through; the first matching entry is used', async (t) => {
  const { api } = await startSimulator(t, {
    faults: {
      script: [
        { kind: 'pass', operations: ['getConsent'] },
        { kind: 'serverError', operations: ['getConsent'] },
      ],
    },
  });
  assert.equal((await api.get(paths.consents)).status, 200, 'listConsents is not targeted');
  assert.equal((await api.get(paths.consent(TENANT_A))).status, 200, 'first getConsent passes');
  assert.equal((await api.get(paths.consent(TENANT_A))).status, 500, 'second getConsent fails');
  assert.equal((await api.get(paths.consent(TENANT_A))).status, 200);
});

test('a slow answer arrives after the given delay', async (t) => {
  const { api } = await startSimulator(t, { faults: { script: [{ kind: 'slow', delayMs: 150 }] } });
  const started = performance.now();
  const answer = await api.get(paths.consents);
  assert.equal(answer.status, 200);
  assert.ok(performance.now() - started >= 145, 'not before the delay');
});

test('a client that gives up on a slow answer and retries with the same id gets one order', async (t) => {
  const { simulator, api } = await startSimulator(t, {
    faults: { script: [{ kind: 'slow', delayMs: 60_000, operations: ['createUploadOrder'] }] },
  });
  const body = { numbers: [ocNumber('+14255550500')] };
  await assert.rejects(api.post(paths.upload(TENANT_A), body, { requestId: 'slow-one', signal: AbortSignal.timeout(100) }), {
    name: 'TimeoutError',
  });
  const retry = await api.post<Order>(paths.upload(TENANT_A), body, { requestId: 'slow-one' });
  assert.equal(retry.status, 202);
  await simulator.admin.whenOrderSettled(retry.body.id);
  assert.equal(simulator.counters.snapshot().ordersAccepted, 1);
  assert.equal(simulator.ledger.size, 1);
  // stop() (in t.after) ends the 60 s wait: the test does not hang on it.
});

test('probabilistic faults repeat exactly for the same seed', async (t) => {
  const statuses = async (seed: number): Promise<number[]> => {
    const { api } = await startSimulator(t, { seed, faults: { probabilities: { serverError: 0.3, serviceUnavailable: 0.2 } } });
    const out: number[] = [];
    for (let i = 0; i < 40; i += 1) out.push((await api.get(paths.consents)).status);
    return out;
  };
  const first = await statuses(42);
  const second = await statuses(42);
  assert.deepEqual(first, second);
  assert.ok(first.includes(200) && first.includes(500) && first.includes(503));
  assert.notDeepEqual(await statuses(7), first);
});

test('probabilities apply only to the listed operations; the token endpoint can be faulted when listed', async (t) => {
  const { api, endpoints } = await startSimulator(t, {
    faults: { probabilities: { throttle: 1 }, operations: ['getOrder', 'token'], retryAfterSeconds: 2 },
  });
  assert.equal((await api.get(paths.consents)).status, 200);
  const order = await api.get(paths.order('00000000-0000-4000-8000-000000000000'));
  assert.equal(order.status, 429);
  assert.equal(order.headers.get('retry-after'), '2');
  const token = await postForm(
    endpoints.tokenUrl,
    { grant_type: 'client_credentials', client_id: endpoints.clientId, client_secret: endpoints.clientSecret, scope: endpoints.scope },
    endpoints.caCertificatePem,
  );
  assert.equal(token.status, 429);
});

test('faults injected at runtime apply to the next calls; clearFaults ends them', async (t) => {
  const { simulator, api } = await startSimulator(t);
  simulator.admin.injectFaults({ probabilities: { serviceUnavailable: 1 } });
  assert.equal((await api.get(paths.consents)).status, 503);
  simulator.admin.clearFaults();
  assert.equal((await api.get(paths.consents)).status, 200);
  assert.throws(() => simulator.admin.injectFaults({ probabilities: { serverError: 2 } }), /probabilities\.serverError/);
});
