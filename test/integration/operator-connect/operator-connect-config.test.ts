import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/platform/config/load-config.js';
import { loadOperatorConnectConfig, OPERATOR_CONNECT_VARIABLES } from '../../../src/platform/config/operator-connect-variables.js';
import { DEFAULT_API_VERSION, DEFAULT_PATHS, OPERATOR_CONNECT_APP_ID } from '../../../src/simulator/index.js';

const MINIMAL = {
  OPERATOR_CONNECT_BASE_URL: 'https://operatorconnect.example/api/',
  OPERATOR_CONNECT_TENANT_ID: '0c0ffee0-0000-4000-8000-00000000000a',
  OPERATOR_CONNECT_CLIENT_ID: '0c0ffee0-0000-4000-8000-0000000000c1',
  OPERATOR_CONNECT_CLIENT_SECRET: 'very-secret-value',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadOperatorConnectConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('Operator Connect settings', () => {
  it('applies the documented defaults, which match the modelled contract', () => {
    const config = loadOperatorConnectConfig(MINIMAL);
    assert.equal(config.baseUrl, 'https://operatorconnect.example/api', 'a trailing slash is dropped');
    assert.equal(config.apiVersion, DEFAULT_API_VERSION);
    assert.deepEqual(config.paths, DEFAULT_PATHS);
    assert.equal(config.auth.scope, `${OPERATOR_CONNECT_APP_ID}/.default`);
    assert.equal(config.auth.credential, 'client-secret');
    assert.equal(config.auth.authorityHost, 'https://login.microsoftonline.com');
    assert.equal(config.auth.disableInstanceDiscovery, false);
    assert.equal(config.maxNumbersPerOrder, 1000);
    assert.equal(config.rateLimitPerSecond, 10);
    assert.equal(config.pageSize, 100);
    assert.equal(config.pollIntervalMs, 2000);
    assert.equal(config.requestTimeoutMs, 30_000);
    assert.deepEqual(config.retry, { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 });
    assert.deepEqual(config.circuitBreaker, { failureThreshold: 5, coolDownMs: 30_000 });
  });

  it('keeps the client secret a Secret: redacted when serialised, listed among the secrets', () => {
    const config = loadOperatorConnectConfig(MINIMAL);
    assert.equal(config.auth.clientSecret.reveal(), 'very-secret-value');
    assert.ok(!JSON.stringify(config).includes('very-secret-value'));
    assert.deepEqual(
      config.secrets.map((s) => s.reveal()),
      ['very-secret-value'],
    );
  });

  it('is deeply frozen', () => {
    const config = loadOperatorConnectConfig(MINIMAL);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.auth) && Object.isFrozen(config.paths) && Object.isFrozen(config.retry));
  });

  it('lists every problem at once, never echoing the secret', () => {
    const problems = problemsOf({
      OPERATOR_CONNECT_CLIENT_SECRET: 'hunter2-secret',
      OPERATOR_CONNECT_CREDENTIAL: 'password',
      OPERATOR_CONNECT_PAGE_SIZE: '501',
      OPERATOR_CONNECT_SCOPE: 'api://x',
      OPERATOR_CONNECT_RETRY_BASE_MS: '5000',
      OPERATOR_CONNECT_RETRY_CAP_MS: '1000',
      OPERATOR_CONNECT_PATH_NUMBER: '/tenants/{tenantId}/numbers',
      OPERATOR_CONNECT_PATH_ORDER: 'numberOrders/{orderId}/{bogus}',
    });
    const text = problems.join('\n');
    assert.match(text, /OPERATOR_CONNECT_BASE_URL: required/);
    assert.match(text, /OPERATOR_CONNECT_CREDENTIAL="password": must be one of/);
    assert.match(text, /OPERATOR_CONNECT_PAGE_SIZE="501": must be ≤ 500/);
    assert.match(text, /OPERATOR_CONNECT_SCOPE="api:\/\/x": must match/);
    assert.match(text, /OPERATOR_CONNECT_RETRY_CAP_MS: must be ≥ OPERATOR_CONNECT_RETRY_BASE_MS/);
    assert.match(text, /OPERATOR_CONNECT_PATH_NUMBER=.*must contain \{telephoneNumber\}/);
    assert.match(text, /OPERATOR_CONNECT_PATH_ORDER=.*must start with \//);
    assert.match(text, /OPERATOR_CONNECT_PATH_ORDER=.*unknown placeholder \{bogus\}/);
    assert.ok(!text.includes('hunter2-secret'));
  });

  it('needs the app registration for the client-secret credential', () => {
    const problems = problemsOf({ OPERATOR_CONNECT_BASE_URL: 'https://oc.example/api' });
    assert.deepEqual(problems, [
      'OPERATOR_CONNECT_TENANT_ID: required when OPERATOR_CONNECT_CREDENTIAL is client-secret',
      'OPERATOR_CONNECT_CLIENT_ID: required when OPERATOR_CONNECT_CREDENTIAL is client-secret',
      'OPERATOR_CONNECT_CLIENT_SECRET: required when OPERATOR_CONNECT_CREDENTIAL is client-secret',
    ]);
  });

  it('needs no app registration for a managed identity', () => {
    const config = loadOperatorConnectConfig({
      OPERATOR_CONNECT_BASE_URL: 'https://oc.example/api',
      OPERATOR_CONNECT_CREDENTIAL: 'managed-identity',
      OPERATOR_CONNECT_MANAGED_IDENTITY_CLIENT_ID: 'b0b0b0b0-0000-4000-8000-000000000001',
    });
    assert.equal(config.auth.credential, 'managed-identity');
    assert.equal(config.auth.managedIdentityClientId, 'b0b0b0b0-0000-4000-8000-000000000001');
    assert.deepEqual(config.secrets, []);
  });

  it('describes every variable, marks only the client secret secret, and names them all OPERATOR_CONNECT_*', () => {
    for (const v of OPERATOR_CONNECT_VARIABLES) {
      assert.match(v.name, /^OPERATOR_CONNECT_[A-Z_]+$/);
      assert.ok(v.description.length > 10, v.name);
    }
    assert.deepEqual(
      OPERATOR_CONNECT_VARIABLES.filter((v) => 'secret' in v && v.secret).map((v) => v.name),
      ['OPERATOR_CONNECT_CLIENT_SECRET'],
    );
    assert.equal(new Set(OPERATOR_CONNECT_VARIABLES.map((v) => v.name)).size, OPERATOR_CONNECT_VARIABLES.length);
  });
});
