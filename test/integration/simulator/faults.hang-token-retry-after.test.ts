import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import tls from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import type { Order } from '../../../src/simulator/index.js';
import { TENANT_A, ocNumber, paths, postForm, startSimulator } from '../../support/simulator.js';

/**
 * The faults the chaos run (docs/CHAOS.md) plays besides 5xx, 429 and
 * resets: a call that never answers, the fake Entra ID's token endpoint
 * failing at its own rate, and a Retry-After per kind of fault.
 */

const socketError = (error: Error & { cause?: { code?: string } }): boolean =>
  error.name === 'TypeError' && ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(error.cause?.code ?? '');

const tokenForm = (endpoints: { clientId: string; clientSecret: string; scope: string }) => ({
  grant_type: 'client_credentials',
  client_id: endpoints.clientId,
  client_secret: endpoints.clientSecret,
  scope: endpoints.scope,
});

test('a hung call sends nothing until the client gives up; nothing is applied', async (t) => {
  const { simulator, api } = await startSimulator(t, { faults: { script: [{ kind: 'hang', operations: ['createUploadOrder'] }] } });
  const body = { numbers: [ocNumber('+14255550700')] };
  const started = performance.now();
  await assert.rejects(api.post(paths.upload(TENANT_A), body, { requestId: 'hung-1', signal: AbortSignal.timeout(300) }), {
    name: 'TimeoutError',
  });
  assert.ok(performance.now() - started >= 290, 'the client timed out, not the simulator');
  const counters = simulator.counters.snapshot();
  assert.equal(counters.faultsInjected.hang, 1);
  assert.equal(counters.ordersAccepted, 0, 'a hang before handling applies nothing');
  assert.equal(counters.calls.createUploadOrder, undefined, 'no answer was sent');
  const retry = await api.post<Order>(paths.upload(TENANT_A), body, { requestId: 'hung-1' });
  assert.equal(retry.status, 202, 'the retry with the same id is handled as new');
  await simulator.admin.whenOrderSettled(retry.body.id);
  assert.equal(simulator.ledger.size, 1);
});

test('a hang after handling applies the change; the retry with the same id replays the stored answer', async (t) => {
  const { simulator, api } = await startSimulator(t, {
    faults: { script: [{ kind: 'hang', phase: 'afterHandling', operations: ['createUploadOrder'] }] },
  });
  const body = { numbers: [ocNumber('+14255550701')] };
  await assert.rejects(api.post(paths.upload(TENANT_A), body, { requestId: 'hung-after', signal: AbortSignal.timeout(200) }), {
    name: 'TimeoutError',
  });
  const retry = await api.post<Order>(paths.upload(TENANT_A), body, { requestId: 'hung-after' });
  assert.equal(retry.status, 202);
  await simulator.admin.whenOrderSettled(retry.body.id);
  const counters = simulator.counters.snapshot();
  assert.equal(counters.ordersAccepted, 1, 'one order, not two');
  assert.equal(counters.replays, 1);
  assert.equal(simulator.ledger.size, 1);
  assert.equal(simulator.ledger.repeatedChanges().length, 0);
});

test('hangMs drops the silent connection after that long, unanswered', async (t) => {
  const { simulator, api } = await startSimulator(t, { faults: { probabilities: { hang: 1 }, operations: ['listConsents'], hangMs: 150 } });
  const started = performance.now();
  await assert.rejects(api.get(paths.consents), socketError);
  assert.ok(performance.now() - started >= 140, `dropped after ${Math.round(performance.now() - started)} ms`);
  assert.equal(simulator.counters.snapshot().calls.listConsents?.reset, 1, 'counted as an answer that never came');
  assert.equal((await api.get(paths.consent(TENANT_A))).status, 200, 'other operations are not faulted');
});

test('stopping the simulator ends a hung call at once', async (t) => {
  const { simulator, endpoints } = await startSimulator(t, { faults: { script: [{ kind: 'hang' }] } });
  const url = new URL(`${endpoints.url}${paths.consents}?api-version=${endpoints.apiVersion}`);
  const ended = new Promise<string>((resolve) => {
    const req = httpRequest(url, { headers: { authorization: `Bearer ${simulator.admin.issueToken()}` } }, () => resolve('answered'));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
  await waitFor(() => (simulator.counters.snapshot().faultsInjected.hang ?? 0) === 1);
  const started = performance.now();
  await simulator.stop();
  assert.equal(await ended, 'ECONNRESET');
  assert.ok(performance.now() - started < 2_000);
});

test('the token endpoint fails at its own rate, in Entra ID error form; API calls are not touched', async (t) => {
  const { endpoints, api, simulator } = await startSimulator(t, { faults: { token: { probabilities: { serverError: 1 } } } });
  const answer = await postForm(endpoints.tokenUrl, tokenForm(endpoints), endpoints.caCertificatePem);
  assert.equal(answer.status, 500);
  assert.equal(answer.body.error, 'server_error');
  assert.match(String(answer.body.error_description), /^AADSTS50000: /);
  assert.deepEqual(answer.body.error_codes, [50_000]);
  assert.equal((await api.get(paths.consents)).status, 200, 'token rates do not apply to the API');
  assert.deepEqual(simulator.counters.snapshot().faultsInjected, { serverError: 1 });
  assert.equal(simulator.counters.snapshot().calls.token?.['500'], 1);

  simulator.admin.injectFaults({ token: { probabilities: { serviceUnavailable: 1 }, retryAfterSeconds: 4 } });
  const unavailable = await postForm(endpoints.tokenUrl, tokenForm(endpoints), endpoints.caCertificatePem);
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.body.error, 'temporarily_unavailable');

  simulator.admin.clearFaults();
  assert.equal((await postForm(endpoints.tokenUrl, tokenForm(endpoints), endpoints.caCertificatePem)).status, 200);
});

test('token faults at a rate repeat for the same seed and mix with good answers', async (t) => {
  const statuses = async (seed: number): Promise<number[]> => {
    const { endpoints } = await startSimulator(t, {
      seed,
      faults: { token: { probabilities: { serverError: 0.3, serviceUnavailable: 0.2, throttle: 0.1 } } },
    });
    const out: number[] = [];
    for (let i = 0; i < 30; i += 1) out.push((await postForm(endpoints.tokenUrl, tokenForm(endpoints), endpoints.caCertificatePem)).status);
    return out;
  };
  const first = await statuses(11);
  assert.deepEqual(await statuses(11), first);
  for (const status of [200, 429, 500, 503]) assert.ok(first.includes(status), `${status} among ${first.join(',')}`);
});

test('a token request that never answers holds @azure/identity until the simulator drops it (hangMs)', async (t) => {
  const { endpoints, simulator } = await startSimulator(t, { faults: { token: { probabilities: { hang: 1 }, hangMs: 300 } } });
  const before = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...before, endpoints.caCertificatePem]);
  t.after(() => tls.setDefaultCACertificates(before));
  const credential = new ClientSecretCredential(endpoints.tenantId, endpoints.clientId, endpoints.clientSecret, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: true,
    retryOptions: { maxRetries: 0 },
  });
  const started = performance.now();
  await assert.rejects(credential.getToken(endpoints.scope));
  assert.ok(performance.now() - started >= 290, 'the credential waited for the silent token endpoint');
  assert.ok((simulator.counters.snapshot().faultsInjected.hang ?? 0) >= 1);
  simulator.admin.clearFaults();
  assert.ok((await credential.getToken(endpoints.scope)).token.length > 0, 'the next request gets a token');
});

test('Retry-After per kind of fault: 429s and 503s carry their own; a 503 with 0 carries none', async (t) => {
  const { api, simulator } = await startSimulator(t, {
    seed: 3,
    faults: { probabilities: { throttle: 0.5, serviceUnavailable: 1 }, retryAfter: { throttle: 2, serviceUnavailable: 7 } },
  });
  const seen = new Map<number, Set<string | null>>();
  for (let i = 0; i < 12; i += 1) {
    const answer = await api.get(paths.consents);
    seen.set(answer.status, (seen.get(answer.status) ?? new Set()).add(answer.headers.get('retry-after')));
  }
  assert.deepEqual([...(seen.get(429) ?? [])], ['2']);
  assert.deepEqual([...(seen.get(503) ?? [])], ['7']);

  simulator.admin.clearFaults();
  simulator.admin.injectFaults({
    script: [
      { kind: 'serviceUnavailable', retryAfterSeconds: 0 },
      { kind: 'throttle', retryAfterSeconds: 0 },
    ],
  });
  const noHint = await api.get(paths.consents);
  assert.equal(noHint.status, 503);
  assert.equal(noHint.headers.get('retry-after'), null);
  const throttled = await api.get(paths.consents);
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get('retry-after'), '1', 'a 429 always says when to come back');
});

test('the new fault settings are validated like the others', async (t) => {
  const { simulator } = await startSimulator(t);
  assert.throws(
    () => simulator.admin.injectFaults({ token: { probabilities: { hang: 2 } } }),
    /token\/probabilities\/hang|token\.probabilities\.hang/,
  );
  assert.throws(() => simulator.admin.injectFaults({ retryAfter: { reset: 1 } } as never), /retryAfter/);
  assert.throws(() => simulator.admin.injectFaults({ script: [{ kind: 'hang', hangMs: -1 }] }), /hangMs/);
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
