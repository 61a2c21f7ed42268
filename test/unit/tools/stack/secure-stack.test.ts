import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../../src/platform/config/load-config.js';
import { loadStackConfig } from '../../../../tools/stack/stack-config.js';
import { saslMechanisms, scramFormatArguments, secureListenerProperties } from '../../../../tools/stack/secure-listeners.js';
import { secureConnectionLines } from '../../../../tools/stack/stack.js';

const certificates = {
  dir: '/run/secure',
  caFile: '/run/secure/ca.pem',
  brokerKeystore: '/run/secure/broker.p12',
  brokerKeystorePassword: 'ks-pass',
  clientCertFile: '/run/secure/client.pem',
  clientKeyFile: '/run/secure/client.key',
};
const user = { username: 'flowthrough', password: 'pw"quoted' };

describe('npm run stack -- up --secure: settings', () => {
  it('is off unless asked; asked, its listeners default to the port +2 and +3, re-authentication to 5 minutes', () => {
    assert.equal(loadStackConfig({ FLOWTHROUGH_KAFKA_PORT: '19092' }).secure, null);
    const secure = loadStackConfig({ FLOWTHROUGH_KAFKA_PORT: '19092' }, { secure: true }).secure;
    assert.deepEqual(secure, { saslPort: 19094, mtlsPort: 19095, reauthMs: 300_000, oauth: null });
    assert.notEqual(loadStackConfig({ FLOWTHROUGH_KAFKA_SECURE: 'true' }).secure, null);
  });

  it('needs the issuer and audience with a JWKS URL, and four distinct ports', () => {
    assert.throws(
      () =>
        loadStackConfig(
          { FLOWTHROUGH_KAFKA_OAUTH_JWKS_URL: 'https://127.0.0.1:1/t/discovery/v2.0/keys', FLOWTHROUGH_KAFKA_SASL_PORT: '9093' },
          { secure: true },
        ),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.some((p) => p.startsWith('FLOWTHROUGH_KAFKA_OAUTH_ISSUER and FLOWTHROUGH_KAFKA_OAUTH_AUDIENCE')) &&
        e.problems.some((p) => p.includes('ports must all differ')),
    );
  });

  it('offers OAUTHBEARER only with a JWKS, validated for the audience and issuer; SCRAM users at format', () => {
    const oauth = { jwksUrl: 'https://e/keys', issuer: 'https://e/t/v2.0', audience: 'api://kafka', jwksCaFile: '/e.pem' };
    assert.deepEqual(saslMechanisms({ saslPort: 1, mtlsPort: 2, reauthMs: 1000, oauth: null }), [
      'PLAIN',
      'SCRAM-SHA-256',
      'SCRAM-SHA-512',
    ]);
    const { listeners, lines } = secureListenerProperties(
      '127.0.0.1',
      { saslPort: 1, mtlsPort: 2, reauthMs: 15_000, oauth },
      certificates,
      user,
    );
    assert.deepEqual(listeners, ['SASL_SSL://127.0.0.1:1', 'SSL://127.0.0.1:2']);
    assert.ok(lines.includes('listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER'));
    assert.ok(lines.includes('listener.name.sasl_ssl.connections.max.reauth.ms=15000'));
    assert.ok(lines.includes('listener.name.ssl.ssl.client.auth=required'));
    assert.ok(lines.includes('sasl.oauthbearer.expected.audience=api://kafka'));
    assert.ok(lines.includes('sasl.oauthbearer.expected.issuer=https://e/t/v2.0'));
    assert.ok(lines.some((l) => l.includes('user_flowthrough="pw\\"quoted"')));
    assert.deepEqual(scramFormatArguments(user), [
      '--add-scram',
      'SCRAM-SHA-256=[name=flowthrough,password=pw"quoted]',
      '--add-scram',
      'SCRAM-SHA-512=[name=flowthrough,password=pw"quoted]',
    ]);
  });

  it('prints the settings of each listener, the password as a file to read, never its value', () => {
    const lines = secureConnectionLines({
      saslBootstrap: '127.0.0.1:9094',
      mtlsBootstrap: '127.0.0.1:9095',
      mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
      caFile: '/run/secure/ca.pem',
      clientCertFile: '/run/secure/client.pem',
      clientKeyFile: '/run/secure/client.key',
      username: 'flowthrough',
      passwordFile: '/run/secure/sasl-password',
      reauthMs: 300_000,
    }).join('\n');
    assert.match(
      lines,
      /KAFKA_BROKERS=127\.0\.0\.1:9094 KAFKA_SSL=true KAFKA_SSL_CA_FILE=\/run\/secure\/ca\.pem KAFKA_SASL_MECHANISM=scram-sha-512/,
    );
    assert.match(lines, /KAFKA_SASL_PASSWORD="\$\(cat \/run\/secure\/sasl-password\)"/);
    assert.match(lines, /KAFKA_BROKERS=127\.0\.0\.1:9095 .*KAFKA_SSL_CERT_FILE=\/run\/secure\/client\.pem/);
    assert.match(lines, /OAUTHBEARER: off/);
  });
});
