import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/simulator/index.js';
import { ApiClient, TENANT_A, ocNumber, paths, postForm, startSimulator } from '../../support/simulator.js';

const REGISTERED = '0c0ffee0-0000-4000-8000-000000000201';
const UNREGISTERED = '0c0ffee0-0000-4000-8000-000000000202';
const READ_ONLY = '0c0ffee0-0000-4000-8000-000000000203';
const CLIENTS = [
  { clientId: REGISTERED, clientSecret: 'registered-secret' },
  { clientId: UNREGISTERED, clientSecret: 'unregistered-secret', registered: false },
  { clientId: READ_ONLY, clientSecret: 'read-only-secret', roles: ['NumberManagement.Read', 'PartnerSettings.Read'] as const },
];

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('the token endpoint issues a signed, expiring Bearer token for client credentials', async (t) => {
  const { endpoints, api, simulator } = await startSimulator(t, { clients: CLIENTS, tokenLifetimeSeconds: 120 });
  const answer = await postForm(
    endpoints.tokenUrl,
    { grant_type: 'client_credentials', client_id: REGISTERED, client_secret: 'registered-secret', scope: endpoints.scope },
    endpoints.caCertificatePem,
  );
  assert.equal(answer.status, 200);
  assert.equal(answer.body.token_type, 'Bearer');
  assert.equal(answer.body.expires_in, 120);
  const token = String(answer.body.access_token);
  const c = claims(token);
  assert.equal(c.azp, REGISTERED);
  assert.equal(c.tid, endpoints.tenantId);
  assert.equal(c.iss, `${endpoints.authorityHost}/${endpoints.tenantId}/v2.0`);
  assert.equal(`${String(c.aud)}/.default`, endpoints.scope);
  assert.equal(Number(c.exp) - Number(c.iat), 120);
  assert.equal((await api.get(paths.consents, { token })).status, 200);
  assert.equal(simulator.counters.snapshot().tokenRequests, 1);
});

test('the token endpoint refuses bad secrets, unknown apps, other scopes, other grants and unknown tenants', async (t) => {
  const { endpoints } = await startSimulator(t, { clients: CLIENTS });
  const ask = (form: Record<string, string>, url = endpoints.tokenUrl) =>
    postForm(
      url,
      { grant_type: 'client_credentials', client_id: REGISTERED, client_secret: 'registered-secret', scope: endpoints.scope, ...form },
      endpoints.caCertificatePem,
    );
  const badSecret = await ask({ client_secret: 'nope' });
  assert.equal(badSecret.status, 401);
  assert.equal(badSecret.body.error, 'invalid_client');
  assert.match(String(badSecret.body.error_description), /^AADSTS7000215:/);
  assert.equal((await ask({ client_id: '0c0ffee0-0000-4000-8000-0000000002ff' })).body.error, 'unauthorized_client');
  assert.equal((await ask({ scope: 'https://graph.microsoft.com/.default' })).body.error, 'invalid_resource');
  assert.equal((await ask({ scope: endpoints.scope.replace('/.default', '/NumberManagement.Write') })).body.error, 'invalid_scope');
  assert.equal((await ask({ grant_type: 'password' })).body.error, 'unsupported_grant_type');
  const otherTenant = await ask({}, endpoints.tokenUrl.replace(endpoints.tenantId, '99999999-9999-4999-8999-999999999999'));
  assert.equal(otherTenant.status, 400);
  assert.deepEqual(otherTenant.body.error_codes, [90002]);
});

test('no token, a forged token or an expired token: 401 with WWW-Authenticate', async (t) => {
  const clock = new ManualClock();
  const { api, simulator } = await startSimulator(t, { clock, clients: CLIENTS, tokenLifetimeSeconds: 60 });
  const none = await api.get<{ error: { code: string } }>(paths.consents, { token: null });
  assert.equal(none.status, 401);
  assert.equal(none.body.error.code, 'InvalidAuthenticationToken');
  const challenge = none.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer authorization_uri="https:\/\/.+\/oauth2\/v2\.0\/authorize"/);
  assert.doesNotMatch(challenge, /error=/, 'no error attribute without a token (RFC 6750 §3)');

  const token = simulator.admin.issueToken(REGISTERED);
  const [header, payload] = token.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ ...claims(token), azp: UNREGISTERED })).toString('base64url');
  const forged = await api.get<{ error: { code: string } }>(paths.consents, { token: `${header}.${forgedPayload}.${token.split('.')[2]}` });
  assert.equal(forged.status, 401);
  assert.match(forged.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  assert.equal((await api.get(paths.consents, { token: `${header}.${payload}` })).status, 401);
  assert.equal((await api.get(paths.consents, { token: 'not-a-jwt' })).status, 401);

  assert.equal((await api.get(paths.consents, { token })).status, 200);
  clock.advance(59_999);
  assert.equal((await api.get(paths.consents, { token })).status, 200, 'valid to the last millisecond');
  clock.advance(1);
  const expired = await api.get<{ error: { code: string } }>(paths.consents, { token });
  assert.equal(expired.status, 401);
  assert.equal(expired.body.error.code, 'ExpiredAuthenticationToken');
  assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token", error_description="The access token expired/);
});

test('a valid token of an app not registered in the Operator Connect portal gets 403', async (t) => {
  const { endpoints, api } = await startSimulator(t, { clients: CLIENTS });
  const answer = await postForm(
    endpoints.tokenUrl,
    { grant_type: 'client_credentials', client_id: UNREGISTERED, client_secret: 'unregistered-secret', scope: endpoints.scope },
    endpoints.caCertificatePem,
  );
  assert.equal(answer.status, 200, 'Entra ID still issues the token');
  const refused = await api.get<{ error: { code: string } }>(paths.consents, { token: String(answer.body.access_token) });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'ApplicationNotRegistered');
});

test('app roles gate operations: a read-only app may read but not order', async (t) => {
  const { endpoints, simulator } = await startSimulator(t, { clients: CLIENTS });
  const readOnly = new ApiClient(endpoints, () => simulator.admin.issueToken(READ_ONLY));
  assert.equal((await readOnly.get(paths.consents)).status, 200);
  assert.equal((await readOnly.get(paths.number(TENANT_A, '+14255550600'))).status, 200);
  const refused = await readOnly.post<{ error: { code: string } }>(paths.upload(TENANT_A), { numbers: [ocNumber('+14255550600')] });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'InsufficientPermissions');
  const patch = await readOnly.patch(paths.consent(TENANT_A), { customerRelationship: { status: 'CustomerContacted' } });
  assert.equal(patch.status, 403);
});

test('api-version is required and checked; unknown paths are 404 and wrong methods 405', async (t) => {
  const { api } = await startSimulator(t);
  const missing = await api.get<{ error: { code: string } }>(paths.consents, { apiVersion: null });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.code, 'MissingApiVersionParameter');
  const unsupported = await api.get<{ error: { code: string } }>(paths.consents, { apiVersion: '1999-01-01' });
  assert.equal(unsupported.body.error.code, 'UnsupportedApiVersion');
  assert.equal((await api.get('/nothing-here')).status, 404);
  const wrongMethod = await api.call('DELETE', paths.consent(TENANT_A), undefined);
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'GET, PATCH');
});

test('x-ms-client-request-id is echoed and every answer has an x-ms-request-id', async (t) => {
  const { endpoints, simulator } = await startSimulator(t);
  const response = await fetch(`${endpoints.url}/consents?api-version=${endpoints.apiVersion}`, {
    headers: { authorization: `Bearer ${simulator.admin.issueToken()}`, 'x-ms-client-request-id': 'trace-me' },
  });
  assert.equal(response.headers.get('x-ms-client-request-id'), 'trace-me');
  assert.match(response.headers.get('x-ms-request-id') ?? '', /^[0-9a-f-]{36}$/);
});
