import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/simulator/index.js';
import { AcgClient, ocAccount, ocNumber, startAcgSimulator } from '../../support/acg-simulator.js';
import { postForm } from '../../support/simulator.js';

interface ErrorBody {
  error: { code: string; message: string };
}

test('Repeatability-Request-ID: a retry gets the first answer, not a second execution; another request under the id is a 409', async (t) => {
  const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
  const { api, simulator } = await startAcgSimulator(t, { clock, repeatabilityWindowSeconds: 60 });
  await api.call('PUT', '/accounts/contoso', ocAccount('contoso'));
  const body = { numbers: [ocNumber('contoso', '+14255550101')] };
  const headers = { 'repeatability-request-id': 'batch-1', 'repeatability-first-sent': new Date(clock.now()).toUTCString() };
  const first = await api.call<{ numbers: unknown[] }>('POST', '/accounts/contoso:createOrUpdateNumbers', body, { headers });
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('repeatability-result'), 'accepted');

  // Meanwhile the number is deleted; the retry must not bring it back.
  await api.call('POST', '/accounts/contoso:deleteNumbers', { numbers: [{ telephoneNumber: '+14255550101' }] });
  const retry = await api.call<{ numbers: unknown[] }>('POST', '/accounts/contoso:createOrUpdateNumbers', body, { headers });
  assert.equal(retry.status, 200);
  assert.deepEqual(retry.body, first.body);
  assert.equal(retry.headers.get('repeatability-result'), 'accepted');
  assert.equal((await api.call('GET', '/accounts/contoso/numbers/%2B14255550101')).status, 404, 'replayed, not executed again');
  assert.equal(simulator.counters.snapshot().replays, 1);

  const conflict = await api.call<ErrorBody>(
    'POST',
    '/accounts/contoso:createOrUpdateNumbers',
    { numbers: [ocNumber('contoso', '+14255550102')] },
    { headers },
  );
  assert.equal(conflict.status, 409);
  assert.equal(conflict.headers.get('repeatability-result'), 'rejected');

  // The RFC 3339 form the swagger's date-time names is accepted too; too old a first-sent time for an unknown id is refused.
  const old = await api.call<ErrorBody>('PUT', '/accounts/fabrikam', ocAccount('fabrikam'), {
    headers: { 'repeatability-request-id': 'late-1', 'repeatability-first-sent': new Date(clock.now() - 120_000).toISOString() },
  });
  assert.equal(old.status, 412);
  assert.equal(old.headers.get('repeatability-result'), 'rejected');
  const fresh = await api.call('PUT', '/accounts/fabrikam', ocAccount('fabrikam'), {
    headers: { 'repeatability-request-id': 'late-2', 'repeatability-first-sent': new Date(clock.now()).toISOString() },
  });
  assert.equal(fresh.status, 201);
});

test('ETag / If-Match: a stale tag is refused with 412; the current one, or *, goes through', async (t) => {
  const { api, simulator } = await startAcgSimulator(t);
  await api.call('PUT', '/accounts/contoso', ocAccount('contoso'));
  // Provisioning (pending -> synced) changes the account, and so its tag: take the tag once it has settled.
  simulator.admin.settleProvisioning();
  const etag = (await api.call('GET', '/accounts/contoso')).headers.get('etag') ?? '';
  assert.match(etag, /^"[0-9a-f]+"$/);

  const stale = await api.call<ErrorBody>('PUT', '/accounts/contoso', ocAccount('contoso'), { headers: { 'if-match': '"0000"' } });
  assert.equal(stale.status, 412);
  assert.equal(stale.body.error.code, 'PreconditionFailed');
  assert.equal((await api.call('GET', '/accounts/contoso', undefined, { headers: { 'if-match': '"0000"' } })).status, 412);
  const replaced = await api.call('PUT', '/accounts/contoso', ocAccount('contoso'), { headers: { 'if-match': etag } });
  assert.equal(replaced.status, 200);
  assert.notEqual(replaced.headers.get('etag'), etag, 'a write gives a new tag');
  assert.equal((await api.call('DELETE', '/accounts/contoso', undefined, { headers: { 'if-match': etag } })).status, 412);

  assert.equal((await api.call('PUT', '/accounts/contoso', ocAccount('contoso'), { headers: { 'if-none-match': '*' } })).status, 412);
  assert.equal((await api.call('PUT', '/accounts/fabrikam', ocAccount('fabrikam'), { headers: { 'if-none-match': '*' } })).status, 201);
  assert.equal((await api.call('PUT', '/accounts/northwind', ocAccount('northwind'), { headers: { 'if-match': '*' } })).status, 412);
  assert.equal((await api.call('DELETE', '/accounts/contoso', undefined, { headers: { 'if-match': '*' } })).status, 204);
});

test('roles: reads need Read or Admin, writes Write or Admin, deletes Delete or Admin; no token is 401', async (t) => {
  const clients = [
    { clientId: 'c0000000-0000-4000-8000-00000000000a', clientSecret: 's', roles: ['ProvisioningAPI.Admin' as const] },
    { clientId: 'c0000000-0000-4000-8000-00000000000b', clientSecret: 's', roles: ['ProvisioningAPI.Read' as const] },
    { clientId: 'c0000000-0000-4000-8000-00000000000c', clientSecret: 's', roles: ['ProvisioningAPI.Write' as const] },
    { clientId: 'c0000000-0000-4000-8000-00000000000d', clientSecret: 's', roles: ['ProvisioningAPI.Delete' as const] },
  ];
  const { endpoints, simulator } = await startAcgSimulator(t, { clients });
  const [admin, reader, writer, deleter] = clients.map((c) => new AcgClient(endpoints, () => simulator.admin.issueToken(c.clientId)));
  const status = async (client: AcgClient | undefined, method: string, path: string, body?: unknown) =>
    (await client!.call(method, path, body)).status;

  assert.equal(await status(reader, 'PUT', '/accounts/contoso', ocAccount('contoso')), 403);
  assert.equal(await status(deleter, 'PUT', '/accounts/contoso', ocAccount('contoso')), 403);
  assert.equal(await status(writer, 'PUT', '/accounts/contoso', ocAccount('contoso')), 201);
  assert.equal(await status(writer, 'GET', '/accounts/contoso'), 403);
  assert.equal(await status(reader, 'GET', '/accounts/contoso'), 200);
  assert.equal(await status(reader, 'POST', '/accounts/contoso:getTeamsCapabilityPlans'), 200, 'a :get… action is a read');
  assert.equal(await status(writer, 'POST', '/accounts/contoso:deleteNumbers', { numbers: [] }), 403);
  assert.equal(await status(deleter, 'POST', '/accounts/contoso:deleteNumbers', { numbers: [] }), 204);
  assert.equal(await status(writer, 'DELETE', '/accounts/contoso'), 403);
  assert.equal(await status(deleter, 'GET', '/accounts/contoso'), 403);
  assert.equal(await status(admin, 'GET', '/accounts/contoso'), 200);
  assert.equal(await status(deleter, 'DELETE', '/accounts/contoso'), 204);

  const anonymous = await admin!.call<ErrorBody>('GET', '/accounts', undefined, { token: null });
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer /);
  const foreign = simulator.admin.issueToken(clients[0]!.clientId, { audience: 'api://someone-else' });
  assert.equal((await admin!.call('GET', '/accounts', undefined, { token: foreign })).status, 401);
});

test('above the rate limit (100 a minute by default) a call gets 429 with Retry-After, and goes through once it passed', async (t) => {
  const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
  const { api, simulator } = await startAcgSimulator(t, { clock, rateLimitPerMinute: 100 });
  for (let i = 0; i < 100; i += 1) assert.equal((await api.call('GET', '/accounts')).status, 200, `call ${i + 1}`);
  const throttled = await api.call<ErrorBody>('GET', '/accounts');
  assert.equal(throttled.status, 429);
  assert.equal(throttled.body.error.code, 'TooManyRequests');
  const seconds = Number(throttled.headers.get('retry-after'));
  assert.ok(seconds >= 1, `Retry-After ${seconds}`);
  clock.advance(seconds * 1000);
  assert.equal((await api.call('GET', '/accounts')).status, 200);
  assert.equal(simulator.counters.snapshot().throttledByRateLimit, 1);
});

test('tokens come from the fake Entra ID with client credentials and the swagger scope; injected faults play on operationIds', async (t) => {
  const { endpoints, simulator } = await startAcgSimulator(t);
  assert.equal(endpoints.scope, 'https://func-voiceservice-rp-prod-eastuseuap.azurewebsites.net/.default');
  const token = await postForm(
    endpoints.tokenUrl,
    { grant_type: 'client_credentials', client_id: endpoints.clientId, client_secret: endpoints.clientSecret, scope: endpoints.scope },
    endpoints.caCertificatePem,
  );
  assert.equal(token.status, 200);
  const api = new AcgClient(endpoints, () => String(token.body.access_token));
  assert.equal((await api.call('GET', '/accounts')).status, 200);

  simulator.admin.injectFaults({ script: [{ kind: 'serviceUnavailable', retryAfterSeconds: 2, operations: ['Accounts_List'] }] });
  const unavailable = await api.call<ErrorBody>('GET', '/accounts');
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.headers.get('retry-after'), '2');
  assert.equal(unavailable.body.error.code, 'ServiceUnavailable');
  assert.equal((await api.call('GET', '/accounts')).status, 200);
  assert.deepEqual(simulator.counters.snapshot().faultsInjected, { serviceUnavailable: 1 });
});

test('the admin endpoints settle provisioning, seed Teams-side data and expose counters without a token', async (t) => {
  const { api, endpoints } = await startAcgSimulator(t, { provisioningDelayMs: 60_000 });
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${endpoints.adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  await api.call('PUT', '/accounts/contoso', ocAccount('contoso'));
  assert.equal((await admin('POST', '/numbers/%2B14255550101/errors', { code: 'Refused', message: 'no' })).status, 204);
  await api.call('PUT', '/accounts/contoso/numbers/%2B14255550101', ocNumber('contoso', '+14255550101'));
  assert.deepEqual(await (await admin('POST', '/provisioning/settle')).json(), { settled: 2 });
  const number = await api.call<{ serviceProvisioningStatus: string }>('GET', '/accounts/contoso/numbers/%2B14255550101');
  assert.equal(number.body.serviceProvisioningStatus, 'failed');
  assert.equal(
    (await admin('PUT', '/requests-for-information/11111111-1111-4111-8111-111111111111', { consentedCountries: ['GB'] })).status,
    204,
  );
  assert.equal((await api.call('GET', '/teamsRequestsForInformation/11111111-1111-4111-8111-111111111111')).status, 200);
  const token = (await (await admin('POST', '/tokens', {})).json()) as { access_token: string };
  assert.equal((await api.call('GET', '/accounts', undefined, { token: token.access_token })).status, 200);
  const counters = (await (await admin('GET', '/counters')).json()) as { totalCalls: number; responseViolations: number };
  assert.ok(counters.totalCalls >= 4);
  assert.equal(counters.responseViolations, 0);
  assert.equal((await admin('POST', '/reset')).status, 204);
  assert.equal((await api.call('GET', '/accounts/contoso')).status, 404);
});

test('probabilistic faults apply to every operation of the swagger, also after an admin reset; unknown operation names are refused', async (t) => {
  const { api, simulator } = await startAcgSimulator(t, { faults: { probabilities: { serverError: 1 } } });
  assert.equal((await api.call('GET', '/accounts')).status, 500);
  simulator.admin.reset();
  assert.equal((await api.call('GET', '/numbers')).status, 500);
  simulator.admin.clearFaults();
  assert.equal((await api.call('GET', '/numbers')).status, 200);

  const { createAcgSimulator } = await import('../../../src/acg-simulator/index.js');
  const wrong = createAcgSimulator({ faults: { script: [{ kind: 'reset', operations: ['getAccount'] }] } });
  await assert.rejects(wrong.start(), /unknown operations getAccount/);
});
