import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Pool, PoolClient } from 'pg';
import { PermanentError } from '../../core/errors.js';
import { explainDatabaseError, explainedError, redactDatabaseUrl } from '../errors/explain.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** An arbitrary constant: every flowthrough migrator serialises on it. */
const MIGRATION_LOCK_KEY = 7_311_004_012;
const FILE_PATTERN = /^(\d{6})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationResult {
  readonly applied: readonly number[];
  readonly current: number;
}

export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new PermanentError('migration_name_invalid', `migration file ${file} must be named NNNNNN_snake_case.sql`);
    const sql = await readFile(`${dir}/${file}`, 'utf8');
    const version = Number(match[1]);
    const expected = migrations.length + 1;
    if (version !== expected) {
      throw new PermanentError(
        'migration_sequence_gap',
        `migration ${file} has version ${version}, expected ${expected}: versions must be consecutive from 1`,
      );
    }
    migrations.push({ version, name: match[2] ?? file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

async function ensureLedger(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS flowthrough_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so
 * concurrent migrators serialise and the later ones find nothing to do.
 * Refuses a database migrated by newer code, or one whose history differs.
 */
export async function migrate(pool: Pool, options: { dir?: string } = {}): Promise<MigrationResult> {
  const migrations = await readMigrations(options.dir);
  const client = await pool.connect().catch((error: unknown) => {
    throw explainedError(explainDatabaseError(error, poolUrl(pool)), error);
  });
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await ensureLedger(client);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM flowthrough_migrations ORDER BY version',
    );
    const known = migrations.length;
    const newest = rows.at(-1)?.version ?? 0;
    if (newest > known) {
      throw new PermanentError(
        'database_newer_than_code',
        `the database is at migration ${newest} but this flowthrough knows only ${known}: run a flowthrough version at least as new as the one that migrated it`,
      );
    }
    for (const row of rows) {
      const local = migrations[row.version - 1];
      if (!local || local.checksum !== row.checksum) {
        throw new PermanentError(
          'migration_checksum_mismatch',
          `migration ${row.version} (${row.name}) differs from the one applied to this database: migrations are append-only, add a new one instead of editing`,
        );
      }
    }
    const applied: number[] = [];
    for (const m of migrations.slice(newest)) {
      await client.query(m.sql);
      await client.query('INSERT INTO flowthrough_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { applied, current: known };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Where the pool connects, for messages (the password is hidden by the explainer). */
function poolUrl(pool: Pool): string {
  return pool.options.connectionString ?? '';
}

/**
 * For start-up: the worker refuses a database that is behind or ahead of its
 * code. A database it cannot reach, log in to or find is said to be that
 * (retryable when waiting can help), never "not migrated".
 */
export async function assertSchemaCurrent(pool: Pool, options: { dir?: string; databaseUrl?: string } = {}): Promise<void> {
  const known = (await readMigrations(options.dir)).length;
  const databaseUrl = options.databaseUrl ?? poolUrl(pool);
  let current: number;
  try {
    const { rows } = await pool.query<{ version: number | null }>(`SELECT max(version) AS version FROM flowthrough_migrations`);
    current = rows[0]?.version ?? 0;
  } catch (error) {
    // 42P01 undefined_table: no ledger, so nothing was ever applied.
    if ((error as { code?: unknown }).code !== '42P01') throw explainedError(explainDatabaseError(error, databaseUrl), error);
    current = 0;
  }
  const where = `the database at DATABASE_URL=${redactDatabaseUrl(databaseUrl)}`;
  if (current > known) {
    throw new PermanentError(
      'database_newer_than_code',
      `${where} is at migration ${current} but this flowthrough knows only ${known}: run a flowthrough version at least as new as the one that migrated it`,
    );
  }
  if (current < known) {
    throw new PermanentError(
      'database_not_migrated',
      `${where} is at migration ${current}, this flowthrough needs ${known}: run "npx flowthrough migrate"`,
    );
  }
}
