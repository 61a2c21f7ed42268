import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { ConfigError, loadConfig } from '../../../../src/platform/config/load-config.js';
import {
  entraPassword,
  sslOptions,
  TOKEN_REFRESH_MARGIN_MS,
  withoutSslParameters,
} from '../../../../src/platform/db/connection-options.js';

describe('DATABASE_SSL_MODE onto pg ssl', () => {
  const base = { caFile: '', certFile: '', keyFile: '' };
  it('empty leaves DATABASE_URL in charge; disable turns TLS off', () => {
    assert.equal(sslOptions(undefined), undefined);
    assert.equal(sslOptions({ ...base, mode: '' }), undefined);
    assert.equal(sslOptions({ ...base, mode: 'disable' }), false);
  });
  it('require trusts any certificate; verify-ca skips the name; verify-full checks it', () => {
    assert.deepEqual(sslOptions({ ...base, mode: 'require' }), { rejectUnauthorized: false });
    const ca = sslOptions({ ...base, mode: 'verify-ca' });
    assert.ok(ca && ca.rejectUnauthorized === true && ca.checkServerIdentity?.('x', {} as never) === undefined);
    const full = sslOptions({ ...base, mode: 'verify-full' });
    assert.ok(full && full.rejectUnauthorized === true && typeof full.checkServerIdentity === 'function');
  });
  it('a missing CA file names the setting', () => {
    assert.throws(() => sslOptions({ ...base, mode: 'verify-full', caFile: '/nonexistent/ca.pem' }), /DATABASE_SSL_CA_FILE=\/nonexistent/);
  });
  it('drops the URL ssl parameters', () => {
    assert.equal(
      withoutSslParameters('postgres://u@h:5432/db?sslmode=require&application_name=x'),
      'postgres://u@h:5432/db?application_name=x',
    );
  });
});

describe('entraPassword', () => {
  it('caches the token until shortly before expiry, one request for concurrent callers', async () => {
    let now = 1_000_000;
    let calls = 0;
    const credential: TokenCredential = {
      getToken: async (): Promise<AccessToken> => {
        calls += 1;
        return { token: `t${calls}`, expiresOnTimestamp: now + 60 * 60_000 };
      },
    };
    const password = entraPassword(credential, 'scope', { now: () => now });
    assert.deepEqual(await Promise.all([password(), password()]), ['t1', 't1']);
    now += 60 * 60_000 - TOKEN_REFRESH_MARGIN_MS - 1;
    assert.equal(await password(), 't1');
    now += 2;
    assert.equal(await password(), 't2');
    assert.equal(calls, 2);
  });
  it('a failing credential is one line naming DATABASE_AUTH=entra', async () => {
    const password = entraPassword({ getToken: async () => Promise.reject(new Error('AADSTS7000215: bad secret\nmore')) }, 's');
    await assert.rejects(password(), (e: Error) => /^DATABASE_AUTH=entra: .*AADSTS7000215: bad secret$/.test(e.message));
  });
});

describe('loadConfig: the database section', () => {
  it('defaults: no TLS override, password authentication', () => {
    const { database } = loadConfig({});
    assert.equal(database.ssl?.mode, '');
    assert.equal(database.entra, null);
  });
  it('entra with client-secret needs its tenant, client id and secret; cert and key go together', () => {
    assert.throws(
      () => loadConfig({ DATABASE_AUTH: 'entra', DATABASE_ENTRA_CREDENTIAL: 'client-secret', DATABASE_SSL_CERT_FILE: '/c.pem' }),
      (e: Error) =>
        e instanceof ConfigError &&
        /DATABASE_ENTRA_TENANT_ID: required/.test(e.message) &&
        /DATABASE_ENTRA_CLIENT_SECRET: required/.test(e.message) &&
        /DATABASE_SSL_CERT_FILE and DATABASE_SSL_KEY_FILE/.test(e.message),
    );
    assert.throws(() => loadConfig({ DATABASE_SSL_MODE: 'prefer' }), /DATABASE_SSL_MODE/);
  });
  it('entra default: the Azure Database for PostgreSQL scope, the client secret a secret', () => {
    const { database } = loadConfig({ DATABASE_AUTH: 'entra' });
    assert.equal(database.entra?.credential, 'default');
    assert.equal(database.entra?.scope, 'https://ossrdbms-aad.database.windows.net/.default');
    const withSecret = loadConfig({
      DATABASE_AUTH: 'entra',
      DATABASE_ENTRA_CREDENTIAL: 'client-secret',
      DATABASE_ENTRA_TENANT_ID: 't',
      DATABASE_ENTRA_CLIENT_ID: 'c',
      DATABASE_ENTRA_CLIENT_SECRET: 'very-secret-value',
    });
    assert.ok(!JSON.stringify(withSecret.database).includes('very-secret-value'));
  });
});
