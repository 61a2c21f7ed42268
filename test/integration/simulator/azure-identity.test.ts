import assert from 'node:assert/strict';
import { test } from 'node:test';
import tls from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import { paths, startSimulator } from '../../support/simulator.js';

test('a token from the real @azure/identity ClientSecretCredential opens the API', async (t) => {
  const { simulator, endpoints, api } = await startSimulator(t);
  // Trust the fake Entra ID's self-signed certificate in this process only (Node ≥ 22.15 / 24).
  const before = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...before, endpoints.caCertificatePem]);
  t.after(() => tls.setDefaultCACertificates(before));

  const credential = new ClientSecretCredential(endpoints.tenantId, endpoints.clientId, endpoints.clientSecret, {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(endpoints.scope);
  assert.ok(token.token.split('.').length === 3, 'a JWT');
  assert.ok(token.expiresOnTimestamp > Date.now() + 3_000_000, 'lifetime of about an hour');

  const answer = await api.get(paths.consents, { token: token.token });
  assert.equal(answer.status, 200);
  assert.equal(simulator.counters.snapshot().tokenRequests, 1);
  // MSAL read the tenant's OpenID metadata before asking for the token.
  assert.equal(simulator.counters.snapshot().calls.openidConfiguration?.['200'], 1);
  assert.equal(simulator.counters.snapshot().calls.unknown, undefined, 'MSAL asked for nothing the fake Entra ID lacks');
});

test('ClientSecretCredential surfaces a wrong secret as an authentication error', async (t) => {
  const { endpoints } = await startSimulator(t);
  const before = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...before, endpoints.caCertificatePem]);
  t.after(() => tls.setDefaultCACertificates(before));

  const credential = new ClientSecretCredential(endpoints.tenantId, endpoints.clientId, 'wrong-secret', {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: true,
  });
  await assert.rejects(credential.getToken(endpoints.scope), (error: Error) => {
    assert.match(error.message, /AADSTS7000215|invalid_client/);
    return true;
  });
});
