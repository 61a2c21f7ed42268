import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { createEntraCredential } from '../../../src/platform/db/connection-options.js';
import { createPool } from '../../../src/platform/db/pool.js';
import { explainDatabaseError } from '../../../src/platform/errors/explain-database.js';
import { startSimulator, trustSimulatorCertificate } from '../../support/operator-connect.js';
import { startTlsPostgresCluster, type TlsPostgresCluster } from '../../support/tls-postgres-cluster.js';

const PASSWORD = 'app-password-1';

describe('PostgreSQL TLS and Entra ID authentication (own cluster, ssl = on)', () => {
  let cluster: TlsPostgresCluster;
  before(async () => {
    cluster = await startTlsPostgresCluster();
    cluster.sql(`CREATE ROLE app LOGIN PASSWORD '${PASSWORD}'`);
  });
  after(() => cluster?.destroy());

  const url = (host: string, user = 'app', password = PASSWORD) => `postgres://${user}:${password}@${host}:${cluster.port}/postgres`;
  const config = (env: Record<string, string>) => loadConfig({ DATABASE_URL: url('localhost'), ...env }).database;

  async function connect(databaseUrl: string, env: Record<string, string>): Promise<string> {
    const database = config({ ...env, DATABASE_URL: databaseUrl });
    const pool = createPool({ url: database.url, max: 1, connection: { ...database } });
    try {
      const { rows } = await pool.query<{ ssl: boolean; user: string }>(
        'SELECT ssl, current_user AS user FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      return `${rows[0]?.user} ssl=${rows[0]?.ssl}`;
    } finally {
      await pool.end();
    }
  }

  async function refused(databaseUrl: string, env: Record<string, string>): Promise<string> {
    const error = await connect(databaseUrl, env).then(
      () => assert.fail('connected'),
      (e: unknown) => e,
    );
    return explainDatabaseError(error, databaseUrl).line;
  }

  it('verify-full with the CA and the certificate name connects over TLS', async () => {
    assert.equal(
      await connect(url('localhost'), { DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA_FILE: cluster.caFile }),
      'app ssl=true',
    );
  });

  it('verify-full refuses a host name the certificate does not hold, in one line naming the setting', async () => {
    const line = await refused(url('127.0.0.1'), { DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA_FILE: cluster.caFile });
    assert.match(line, /does not name "127\.0\.0\.1".*DATABASE_SSL_MODE=verify-full/);
    assert.doesNotMatch(line, /\n/);
    assert.doesNotMatch(line, new RegExp(PASSWORD));
  });

  it('verify-ca accepts the same host (the chain only)', async () => {
    assert.equal(await connect(url('127.0.0.1'), { DATABASE_SSL_MODE: 'verify-ca', DATABASE_SSL_CA_FILE: cluster.caFile }), 'app ssl=true');
  });

  it('verify-full refuses a certificate another CA signed', async () => {
    const line = await refused(url('localhost'), { DATABASE_SSL_MODE: 'verify-full', DATABASE_SSL_CA_FILE: cluster.otherCaFile });
    assert.match(line, /not signed by a trusted CA.*DATABASE_SSL_CA_FILE/);
  });

  it('require connects over TLS without a CA', async () => {
    assert.equal(await connect(url('127.0.0.1'), { DATABASE_SSL_MODE: 'require' }), 'app ssl=true');
  });

  it('require against a server without TLS (the shared test server, ssl = off) says so', async () => {
    const plain = 'postgres://postgres@127.0.0.1:5432/postgres';
    const pool = createPool({ url: plain, max: 1, connection: { ssl: config({ DATABASE_SSL_MODE: 'require' }).ssl } });
    const error = await pool.query('SELECT 1').then(
      () => assert.fail('connected'),
      (e: unknown) => e,
    );
    await pool.end();
    assert.match(explainDatabaseError(error, plain).line, /the server does not support TLS; .*DATABASE_SSL_MODE=disable/);
  });

  it('DATABASE_AUTH=entra: the password is the Entra ID token; a wrong token is refused', async (t) => {
    const { endpoints } = await startSimulator(t);
    trustSimulatorCertificate(t, endpoints);
    const env = {
      DATABASE_SSL_MODE: 'verify-full',
      DATABASE_SSL_CA_FILE: cluster.caFile,
      DATABASE_AUTH: 'entra',
      DATABASE_ENTRA_CREDENTIAL: 'client-secret',
      DATABASE_ENTRA_TENANT_ID: endpoints.tenantId,
      DATABASE_ENTRA_CLIENT_ID: endpoints.clientId,
      DATABASE_ENTRA_CLIENT_SECRET: endpoints.clientSecret,
      DATABASE_ENTRA_AUTHORITY_HOST: endpoints.authorityHost,
      DATABASE_ENTRA_DISABLE_INSTANCE_DISCOVERY: 'true',
      DATABASE_ENTRA_SCOPE: endpoints.scope,
    };
    const database = config({ ...env, DATABASE_URL: `postgres://entra_app@localhost:${cluster.port}/postgres` });
    assert.ok(database.entra);
    const credential = createEntraCredential(database.entra);
    // The role's password is the token the fake Entra ID issued; the pool's credential (same cache) hands it out again.
    const token = (await credential.getToken(endpoints.scope))?.token ?? assert.fail('no token');
    cluster.sql(`CREATE ROLE entra_app LOGIN PASSWORD '${token.replaceAll("'", "''")}'`);
    const pool = createPool({ url: database.url, max: 2, connection: { ...database, credential } });
    try {
      const { rows } = await pool.query<{ user: string }>('SELECT current_user AS user');
      assert.equal(rows[0]?.user, 'entra_app');
    } finally {
      await pool.end();
    }
    cluster.sql(`ALTER ROLE entra_app PASSWORD 'not-the-token'`);
    const wrong = createPool({ url: database.url, max: 1, connection: { ...database, credential } });
    const error = await wrong.query('SELECT 1').then(
      () => assert.fail('connected'),
      (e: unknown) => e,
    );
    await wrong.end();
    const line = explainDatabaseError(error, database.url, 'entra').line;
    assert.match(line, /refused the Entra ID token of user "entra_app" \(DATABASE_AUTH=entra/);
    assert.doesNotMatch(line, /\n/);
    assert.ok(!line.includes(token));
  });
});
