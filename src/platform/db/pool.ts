import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import {
  createEntraCredential,
  type DatabaseConnectionConfig,
  entraPassword,
  sslOptions,
  withoutSslParameters,
} from './connection-options.js';

export type { Pool, PoolClient } from 'pg';

// int8 as JS number would lose precision above 2^53; offsets and counts stay strings unless cast.
// connection: DATABASE_SSL_* (pg's ssl option) and DATABASE_AUTH=entra (password: a token per new connection).
export function createPool(options: {
  url: string;
  max: number;
  logger?: Logger;
  applicationName?: string;
  connection?: DatabaseConnectionConfig;
}): pg.Pool {
  const ssl = sslOptions(options.connection?.ssl);
  const entra = options.connection?.entra;
  const pool = new pg.Pool({
    connectionString: ssl === undefined ? options.url : withoutSslParameters(options.url),
    ...(ssl === undefined ? {} : { ssl }),
    ...(entra
      ? {
          Client: entraClient(
            entraPassword(options.connection?.credential ?? createEntraCredential(entra), entra.scope, {
              ...(options.logger ? { logger: options.logger } : {}),
            }),
          ),
        }
      : {}),
    max: options.max,
    application_name: options.applicationName ?? 'flowthrough',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client's error (a database restart) must not crash the process; the pool replaces it.
  // pg attaches the whole client to such errors: log what explains it, not the client.
  pool.on('error', (error: Error & { code?: string }) =>
    options.logger?.warn({ error: error.message, code: error.code }, 'idle PostgreSQL client failed'),
  );
  // A checked-out client has no pool listener: when PostgreSQL restarts it emits 'error'
  // (57P01, "terminated unexpectedly") beside failing its query, and an 'error' event
  // without a listener ends the process. Every client gets one for its whole life; the
  // failed query reaches its caller, and the pool discards the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', (error: Error & { code?: string }) =>
      options.logger?.warn(
        { error: error.message, code: error.code },
        'PostgreSQL connection lost; the client is discarded and work is retried',
      ),
    );
  });
  return pool;
}

/**
 * A pg.Client whose password is the token function. pg's `password` option would do, but the
 * connection string's parse puts its own (absent) password over it.
 */
function entraClient(password: () => Promise<string>): typeof pg.Client {
  return class EntraClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super(config);
      (this as unknown as { password: () => Promise<string> }).password = password;
    }
  };
}

/**
 * Runs fn in a transaction; rolls back on any throw. A client whose rollback
 * fails too (a broken connection) is destroyed, not returned to the pool.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Whether PostgreSQL answers (the worker's health check): a statement that reads no table. */
export async function checkConnection(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
