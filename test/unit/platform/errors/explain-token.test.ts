import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import tls from 'node:tls';
import { ClientSecretCredential, CredentialUnavailableError } from '@azure/identity';
import { tokenFailure } from '../../../../src/operator-connect/api-errors.js';
import {
  explainFailure,
  explainTokenError,
  isMicrosoftAuthorityHost,
  type TokenSettings,
} from '../../../../src/platform/errors/explain.js';
import type { SimulatorEndpoints } from '../../../../src/simulator/index.js';
import { startSimulator } from '../../../support/simulator.js';
import { rejection } from './closed-port.js';

function trust(t: TestContext, endpoints: SimulatorEndpoints): void {
  const before = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...before, endpoints.caCertificatePem]);
  t.after(() => tls.setDefaultCACertificates(before));
}

function settingsOf(endpoints: SimulatorEndpoints, overrides: Partial<TokenSettings> = {}): TokenSettings {
  return {
    credential: 'client-secret',
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: true,
    tenantId: endpoints.tenantId,
    clientId: endpoints.clientId,
    managedIdentityClientId: '',
    scope: endpoints.scope,
    ...overrides,
  };
}

/** What @azure/identity's ClientSecretCredential throws for these settings and secret. */
function tokenError(settings: TokenSettings, secret: string): Promise<unknown> {
  const credential = new ClientSecretCredential(settings.tenantId, settings.clientId, secret, {
    authorityHost: settings.authorityHost,
    disableInstanceDiscovery: settings.disableInstanceDiscovery,
  });
  return rejection(credential.getToken(settings.scope));
}

describe('explainTokenError', () => {
  it('tells an unknown authority host with instance discovery on to set OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY=true', async (t) => {
    const { endpoints } = await startSimulator(t);
    trust(t, endpoints);
    const settings = settingsOf(endpoints, { disableInstanceDiscovery: false });
    const error = await tokenError(settings, endpoints.clientSecret);
    assert.match(String((error as Error).message), /endpoints_resolution_error/, 'what @azure/identity says on its own');
    assert.deepEqual(explainTokenError(error, settings), {
      code: 'backend_token_failed',
      line: `cannot get an Operator Connect access token: Microsoft's instance discovery does not know OPERATOR_CONNECT_AUTHORITY_HOST=${endpoints.authorityHost} (endpoints_resolution_error): set OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY=true for an authority host of your own, such as the simulator`,
      retryable: false,
    });
  });

  it('names OPERATOR_CONNECT_CLIENT_SECRET, never its value, when Entra ID refuses the secret', async (t) => {
    const { endpoints } = await startSimulator(t);
    trust(t, endpoints);
    const settings = settingsOf(endpoints);
    const explained = explainTokenError(await tokenError(settings, 'wrong-secret-value'), settings);
    assert.equal(explained.code, 'backend_token_failed');
    assert.equal(
      explained.line,
      `cannot get an Operator Connect access token: Entra ID refused the client secret of OPERATOR_CONNECT_CLIENT_ID=${endpoints.clientId} in OPERATOR_CONNECT_TENANT_ID=${endpoints.tenantId} (AADSTS7000215 invalid_client: Invalid client secret provided for app '${endpoints.clientId}'): check OPERATOR_CONNECT_CLIENT_SECRET (wrong or expired)`,
    );
    assert.ok(!explained.line.includes('wrong-secret-value'));
  });

  it('names OPERATOR_CONNECT_CLIENT_ID for an application the tenant does not know', async (t) => {
    const { endpoints } = await startSimulator(t);
    trust(t, endpoints);
    const settings = settingsOf(endpoints, { clientId: '0c0ffee0-0000-4000-8000-0000000000ff' });
    const explained = explainTokenError(await tokenError(settings, endpoints.clientSecret), settings);
    assert.match(
      explained.line,
      /Entra ID does not know the application OPERATOR_CONNECT_CLIENT_ID=0c0ffee0-0000-4000-8000-0000000000ff in OPERATOR_CONNECT_TENANT_ID=\S+ \(AADSTS700016/,
    );
  });

  it('names OPERATOR_CONNECT_SCOPE for a resource the tenant does not know', async (t) => {
    const { endpoints } = await startSimulator(t);
    trust(t, endpoints);
    const settings = settingsOf(endpoints, { scope: 'api://nothing-here/.default' });
    const explained = explainTokenError(await tokenError(settings, endpoints.clientSecret), settings);
    assert.match(
      explained.line,
      /Entra ID does not accept OPERATOR_CONNECT_SCOPE=api:\/\/nothing-here\/\.default in OPERATOR_CONNECT_TENANT_ID=\S+ \(AADSTS500011/,
    );
  });

  it('names the tenant and the authority host when the OpenID configuration cannot be read', async (t) => {
    const { endpoints } = await startSimulator(t);
    trust(t, endpoints);
    const settings = settingsOf(endpoints, { tenantId: '0c0ffee0-0000-4000-8000-0000000000ee' });
    const explained = explainTokenError(await tokenError(settings, endpoints.clientSecret), settings);
    assert.equal(
      explained.line,
      `cannot get an Operator Connect access token: cannot read the OpenID configuration of OPERATOR_CONNECT_TENANT_ID=0c0ffee0-0000-4000-8000-0000000000ee at OPERATOR_CONNECT_AUTHORITY_HOST=${endpoints.authorityHost} (endpoints_resolution_error): check both, that the host answers HTTPS and that its certificate is trusted (NODE_EXTRA_CA_CERTS for a private CA)`,
    );
  });

  it('does not suggest the discovery switch for a Microsoft authority host', () => {
    assert.equal(isMicrosoftAuthorityHost('https://login.microsoftonline.com'), true);
    assert.equal(isMicrosoftAuthorityHost('https://login.microsoftonline.us/'), true);
    assert.equal(isMicrosoftAuthorityHost('https://login.chinacloudapi.cn'), true);
    assert.equal(isMicrosoftAuthorityHost('https://127.0.0.1:8443'), false);
    const error = new CredentialUnavailableError(
      'endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details',
    );
    const line = explainTokenError(error, {
      credential: 'client-secret',
      authorityHost: 'https://login.microsoftonline.com',
      disableInstanceDiscovery: false,
      tenantId: 'contoso.example',
      clientId: 'app',
      managedIdentityClientId: '',
      scope: 'x/.default',
    }).line;
    assert.doesNotMatch(line, /DISABLE_INSTANCE_DISCOVERY/);
    assert.match(
      line,
      /OPERATOR_CONNECT_TENANT_ID=contoso\.example at OPERATOR_CONNECT_AUTHORITY_HOST=https:\/\/login\.microsoftonline\.com/,
    );
  });

  it('says a managed identity that is not there, naming OPERATOR_CONNECT_CREDENTIAL', () => {
    const error = new CredentialUnavailableError(
      'ManagedIdentityCredential: Network unreachable. Message: network_error: See https://aka.ms/msal.js.errors#network_error for details',
    );
    const explained = explainTokenError(error, {
      credential: 'managed-identity',
      authorityHost: 'https://login.microsoftonline.com',
      disableInstanceDiscovery: false,
      tenantId: '',
      clientId: '',
      managedIdentityClientId: '5f1b…',
      scope: 'x/.default',
    });
    assert.match(
      explained.line,
      /^cannot get an Operator Connect access token: OPERATOR_CONNECT_CREDENTIAL=managed-identity gave no token for the user-assigned identity OPERATOR_CONNECT_MANAGED_IDENTITY_CLIENT_ID=5f1b… \(.*\): run where that identity is assigned, or set OPERATOR_CONNECT_CREDENTIAL=client-secret$/,
    );
  });

  it('explains the error the client throws (tokenFailure) as well as the raw one, saying the prefix once', async (t) => {
    const { endpoints } = await startSimulator(t);
    trust(t, endpoints);
    const settings = settingsOf(endpoints, { tenantId: '0c0ffee0-0000-4000-8000-0000000000ee' });
    const raw = await tokenError(settings, endpoints.clientSecret);
    const wrapped = tokenFailure(raw);
    assert.equal(explainTokenError(wrapped, settings).line, explainTokenError(raw, settings).line);
    assert.equal(explainFailure(wrapped, { operatorConnect: settings }).line, explainTokenError(raw, settings).line);
    const told = tokenFailure(raw, explainTokenError(raw, settings).line);
    assert.equal(
      explainFailure(told, { operatorConnect: settings }).line,
      explainTokenError(raw, settings).line,
      'an explained error is not explained again',
    );
    const secret = await tokenError(settingsOf(endpoints), 'wrong-secret-value');
    const toldSecret = tokenFailure(secret, explainTokenError(secret, settingsOf(endpoints)).line);
    assert.match(
      explainFailure(toldSecret, { operatorConnect: settingsOf(endpoints) }).line,
      /check OPERATOR_CONNECT_CLIENT_SECRET \(wrong or expired\)$/,
    );
    const unknown = explainTokenError(new Error('something else'), settings);
    assert.equal(unknown.line.match(/cannot get an Operator Connect access token/g)?.length, 1);
    assert.match(unknown.line, /something else \(OPERATOR_CONNECT_CREDENTIAL=client-secret, OPERATOR_CONNECT_AUTHORITY_HOST=/);
  });
});
