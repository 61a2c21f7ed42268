import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../../src/platform/config/config-error.js';
import { loadOpsConfig } from '../../../../src/platform/config/ops-variables.js';

const TENANT = '0c0ffee0-0000-4000-8000-00000000000a';

function problems(env: Record<string, string>): string[] {
  try {
    loadOpsConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('READ_API_ENTRA_* settings', () => {
  it('leave Entra ID validation off by default', () => {
    assert.equal(loadOpsConfig({}).readApi.entra, null);
  });

  it('discover the issuer and keys from the tenant, with the default authority host and roles', () => {
    const entra = loadOpsConfig({ READ_API_ENTRA_TENANT_ID: TENANT, READ_API_ENTRA_AUDIENCE: 'api://flowthrough, 1234' }).readApi.entra;
    assert.deepEqual(entra, {
      discovery: { authorityHost: 'https://login.microsoftonline.com', tenantId: TENANT },
      explicit: null,
      audiences: ['api://flowthrough', '1234'],
      readerRole: 'Flowthrough.Read',
      operatorRole: 'Flowthrough.Operate',
      jwksCooldownMs: 30_000,
    });
  });

  it('take an explicit issuer with a JWKS URL, and custom roles', () => {
    const entra = loadOpsConfig({
      READ_API_ENTRA_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      READ_API_ENTRA_JWKS_URL: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
      READ_API_ENTRA_AUDIENCE: 'api://flowthrough',
      READ_API_READER_ROLE: 'Reader',
      READ_API_OPERATOR_ROLE: 'Operator',
    }).readApi.entra;
    assert.equal(entra?.discovery, null);
    assert.equal(entra?.explicit?.issuer, `https://login.microsoftonline.com/${TENANT}/v2.0`);
    assert.equal(entra?.readerRole, 'Reader');
    assert.equal(entra?.operatorRole, 'Operator');
  });

  it('refuse an incomplete or unsafe configuration, naming the variable', () => {
    assert.ok(problems({ READ_API_ENTRA_TENANT_ID: TENANT }).some((p) => p.startsWith('READ_API_ENTRA_AUDIENCE')));
    assert.ok(
      problems({ READ_API_ENTRA_ISSUER: 'https://issuer', READ_API_ENTRA_AUDIENCE: 'a' }).some((p) =>
        p.startsWith('READ_API_ENTRA_ISSUER and READ_API_ENTRA_JWKS_URL'),
      ),
    );
    assert.ok(
      problems({ READ_API_ENTRA_ISSUER: 'https://issuer', READ_API_ENTRA_JWKS_URL: 'http://keys', READ_API_ENTRA_AUDIENCE: 'a' }).some(
        (p) => p.startsWith('READ_API_ENTRA_JWKS_URL='),
      ),
    );
    assert.ok(
      problems({
        READ_API_ENTRA_TENANT_ID: TENANT,
        READ_API_ENTRA_AUDIENCE: 'a',
        READ_API_ENTRA_AUTHORITY_HOST: 'http://login.example',
      }).some((p) => p.startsWith('READ_API_ENTRA_AUTHORITY_HOST=')),
    );
    assert.ok(
      problems({ READ_API_ENTRA_TENANT_ID: TENANT, READ_API_ENTRA_AUDIENCE: 'a', READ_API_ENTRA_JWKS_COOLDOWN_MS: '-1' }).some((p) =>
        p.startsWith('READ_API_ENTRA_JWKS_COOLDOWN_MS='),
      ),
    );
  });
});
