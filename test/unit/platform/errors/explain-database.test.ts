import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { assertSchemaCurrent, migrate } from '../../../../src/platform/db/migrator.js';
import { FlowthroughError, PermanentError } from '../../../../src/core/errors.js';
import { databaseTarget, explainDatabaseError, explainFailure, redactDatabaseUrl } from '../../../../src/platform/errors/explain.js';
import { createEmptyDatabase, databaseUrlFor, randomName } from '../../../support/test-context.js';
import { closedPort, rejection, silentServer } from './closed-port.js';

/** What a pool on `url` throws for one query. */
async function failureOf(url: string, sql = 'SELECT 1', connectionTimeoutMillis = 5_000): Promise<unknown> {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis });
  pool.on('error', () => undefined);
  try {
    return await rejection(pool.query(sql));
  } finally {
    await pool.end();
  }
}

function withUser(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

describe('explainDatabaseError', () => {
  it('hides the password of DATABASE_URL, in the userinfo and in a password parameter', () => {
    assert.equal(redactDatabaseUrl('postgres://app:s3cr%40t@db.example:6543/prov'), 'postgres://app:***@db.example:6543/prov');
    assert.equal(redactDatabaseUrl('postgres://db/prov?user=app&password=s3cret'), 'postgres://db/prov?user=app&password=***');
    assert.equal(redactDatabaseUrl('postgres://postgres@127.0.0.1:5432/postgres'), 'postgres://postgres@127.0.0.1:5432/postgres');
    assert.equal(redactDatabaseUrl('not a url s3cret'), '<not a URL>');
    assert.deepEqual(databaseTarget('postgres://app@db.example/prov'), {
      host: 'db.example',
      port: 5432,
      database: 'prov',
      user: 'app',
      redacted: 'postgres://app@db.example/prov',
    });
  });

  it('says a closed port is a PostgreSQL it cannot connect to, naming DATABASE_URL without its password', async () => {
    const port = await closedPort();
    const url = `postgres://app:s3cret@127.0.0.1:${port}/prov`;
    const explained = explainDatabaseError(await failureOf(url), url);
    assert.deepEqual(explained, {
      code: 'database_unreachable',
      line: `cannot connect to PostgreSQL at 127.0.0.1:${port} (DATABASE_URL=postgres://app:***@127.0.0.1:${port}/prov): connection refused; is it running?`,
      retryable: true,
    });
  });

  it('says a host that does not resolve is not found', async () => {
    const url = 'postgres://app@no-such-host.invalid:5432/prov';
    const explained = explainDatabaseError(await failureOf(url), url);
    assert.equal(explained.code, 'database_unreachable');
    assert.match(
      explained.line,
      /cannot connect to PostgreSQL at no-such-host\.invalid:5432 \(DATABASE_URL=postgres:\/\/app@no-such-host\.invalid:5432\/prov\): (host not found|host name lookup failed).*check the host in DATABASE_URL/,
    );
  });

  it('says a server that never answers timed out', async (t) => {
    const { port, server } = await silentServer();
    t.after(() => server.close());
    const url = `postgres://app@127.0.0.1:${port}/prov`;
    const explained = explainDatabaseError(await failureOf(url, 'SELECT 1', 200), url);
    assert.equal(explained.code, 'database_unreachable');
    assert.match(
      explained.line,
      /^cannot connect to PostgreSQL at 127\.0\.0\.1:\d+ \(DATABASE_URL=.*\): no answer within the connection timeout/,
    );
  });

  it('says a database that does not exist is missing, and to create it before migrating', async () => {
    const name = randomName('missing');
    const url = databaseUrlFor(name);
    const explained = explainDatabaseError(await failureOf(url), url);
    assert.equal(explained.code, 'database_missing');
    assert.equal(explained.retryable, false);
    const target = databaseTarget(url);
    assert.equal(
      explained.line,
      `database "${name}" does not exist at ${target.host}:${target.port} (DATABASE_URL=${redactDatabaseUrl(url)}): create it, then run npx flowthrough migrate`,
    );
  });

  it('says an unknown role (28000) is an authentication failure naming the user', async () => {
    const url = withUser(databaseUrlFor('postgres'), 'no_such_role_x', 'pw-never-shown');
    const explained = explainDatabaseError(await failureOf(url), url);
    assert.equal(explained.code, 'database_auth_failed');
    assert.match(explained.line, /refused user "no_such_role_x" \(DATABASE_URL=postgres:\/\/no_such_role_x:\*\*\*@/);
    assert.ok(!explained.line.includes('pw-never-shown'));
  });

  it('says a wrong password (28P01) is an authentication failure', () => {
    // The test server trusts every local connection, so its 28P01 is made here, shaped as pg's DatabaseError.
    const error = Object.assign(new Error('password authentication failed for user "app"'), {
      name: 'error',
      severity: 'FATAL',
      code: '28P01',
    });
    const explained = explainDatabaseError(error, 'postgres://app:wrong@db.example:5432/prov');
    assert.deepEqual(explained, {
      code: 'database_auth_failed',
      line: 'PostgreSQL at db.example:5432 refused the password of user "app" (DATABASE_URL=postgres://app:***@db.example:5432/prov): check the user and password in DATABASE_URL',
      retryable: false,
    });
  });

  it('says a missing table (42P01) means the database is not migrated', async () => {
    const { url } = await createEmptyDatabase();
    const explained = explainDatabaseError(await failureOf(url, 'SELECT * FROM orders'), url);
    assert.equal(explained.code, 'database_not_migrated');
    assert.match(
      explained.line,
      /^relation "orders" does not exist in database "flowthrough_empty_\w+" \(DATABASE_URL=.*\): the database is not migrated for this flowthrough; run npx flowthrough migrate$/,
    );
  });

  it("keeps the migrator's own errors and adds DATABASE_URL", () => {
    const error = new PermanentError('database_newer_than_code', 'the database is at migration 9 but this flowthrough knows only 7');
    const explained = explainDatabaseError(error, 'postgres://app:pw@db/prov');
    assert.equal(explained.code, 'database_newer_than_code');
    assert.equal(
      explained.line,
      'the database is at migration 9 but this flowthrough knows only 7 (DATABASE_URL=postgres://app:***@db/prov)',
    );
  });

  it('names DATABASE_URL for anything else', async () => {
    const { url } = await createEmptyDatabase();
    const explained = explainDatabaseError(await failureOf(url, 'SELECT 1/0'), url);
    assert.equal(explained.code, 'database_error');
    assert.match(explained.line, /^PostgreSQL failed with 22012 \(DATABASE_URL=.*\): division by zero$/);
  });

  it('is what explainFailure picks for a pg failure', async () => {
    const port = await closedPort();
    const url = `postgres://app@127.0.0.1:${port}/prov`;
    assert.equal(
      explainFailure(await failureOf(url), { databaseUrl: url, kafka: { brokers: ['127.0.0.1:9092'] } }).code,
      'database_unreachable',
    );
  });
});

describe('the migrator on a database it cannot use', () => {
  async function withPool<T>(url: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5_000 });
    pool.on('error', () => undefined);
    try {
      return await fn(pool);
    } finally {
      await pool.end();
    }
  }

  it('assertSchemaCurrent says "cannot connect", not "not migrated", for a closed port', async () => {
    const url = `postgres://app:s3cret@127.0.0.1:${await closedPort()}/prov`;
    const error = await withPool(url, (pool) => rejection(assertSchemaCurrent(pool)));
    assert.ok(error instanceof FlowthroughError);
    assert.equal(error.code, 'database_unreachable');
    assert.equal(error.retryable, true, 'waiting can help');
    assert.ok(!error.message.includes('s3cret'));
  });

  it('assertSchemaCurrent says a missing database is missing', async () => {
    const error = await withPool(databaseUrlFor(randomName('missing')), (pool) => rejection(assertSchemaCurrent(pool)));
    assert.ok(error instanceof FlowthroughError);
    assert.equal(error.code, 'database_missing');
  });

  it('assertSchemaCurrent names the database it found not migrated', async () => {
    const { url } = await createEmptyDatabase();
    const error = await withPool(url, (pool) => rejection(assertSchemaCurrent(pool)));
    assert.ok(error instanceof FlowthroughError);
    assert.equal(error.code, 'database_not_migrated');
    assert.match(
      error.message,
      /^the database at DATABASE_URL=.* is at migration 0, this flowthrough needs \d+: run "npx flowthrough migrate"$/,
    );
  });

  it('migrate says a missing database is missing', async () => {
    const error = await withPool(databaseUrlFor(randomName('missing')), (pool) => rejection(migrate(pool)));
    assert.ok(error instanceof FlowthroughError);
    assert.equal(error.code, 'database_missing');
    assert.match(error.message, /create it, then run npx flowthrough migrate/);
  });
});
