import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { assertSchemaCurrent, migrate, readMigrations } from '../../../src/platform/db/migrator.js';
import { FlowthroughError } from '../../../src/core/errors.js';
import { createEmptyDatabase, openPool } from '../../support/test-context.js';

async function withPool<T>(url: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = openPool(url, 2);
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flowthrough-migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

function hasCode(code: string) {
  return (error: unknown) => error instanceof FlowthroughError && error.code === code;
}

describe('migrator', () => {
  it('applies every migration once, then is a no-op', async () => {
    const { url } = await createEmptyDatabase();
    const all = (await readMigrations()).map((m) => m.version);
    await withPool(url, async (pool) => {
      const first = await migrate(pool);
      assert.deepEqual(first.applied, all);
      const second = await migrate(pool);
      assert.deepEqual(second.applied, []);
      const { rows } = await pool.query('SELECT version FROM flowthrough_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r: { version: number }) => r.version),
        all,
      );
      await assertSchemaCurrent(pool);
    });
  });

  it('is safe when run concurrently: one applies, the others find nothing to do', async () => {
    const { url } = await createEmptyDatabase();
    const all = (await readMigrations()).map((m) => m.version);
    const pools = Array.from({ length: 5 }, () => openPool(url, 1));
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      const appliers = results.filter((r) => r.applied.length > 0);
      assert.equal(appliers.length, 1);
      assert.deepEqual(appliers[0]?.applied, all);
      const { rows } = await pools[0]!.query('SELECT count(*)::int AS n FROM flowthrough_migrations');
      assert.equal(rows[0].n, all.length);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses a database migrated by newer code', async () => {
    const { url } = await createEmptyDatabase();
    await withPool(url, async (pool) => {
      await migrate(pool);
      const next = (await readMigrations()).length + 1;
      await pool.query(`INSERT INTO flowthrough_migrations (version, name, checksum) VALUES ($1, 'from_the_future', 'x')`, [next]);
      await assert.rejects(migrate(pool), hasCode('database_newer_than_code'));
      await assert.rejects(assertSchemaCurrent(pool), hasCode('database_newer_than_code'));
    });
  });

  it('refuses an edited migration', async () => {
    const { url } = await createEmptyDatabase();
    await withPool(url, async (pool) => {
      await migrate(pool);
      await pool.query(`UPDATE flowthrough_migrations SET checksum = 'edited' WHERE version = 1`);
      await assert.rejects(migrate(pool), hasCode('migration_checksum_mismatch'));
    });
  });

  it('rolls back everything when one migration fails', async () => {
    const { url } = await createEmptyDatabase();
    const dir = await migrationsDir({
      '000001_first.sql': 'CREATE TABLE first_table (id int);',
      '000002_broken.sql': 'CREATE TABLE second_table (id int); SELECT no_such_function();',
    });
    await withPool(url, async (pool) => {
      await assert.rejects(migrate(pool, { dir }), /no_such_function/);
      const { rows } = await pool.query(`SELECT to_regclass('first_table') AS t, to_regclass('flowthrough_migrations') AS l`);
      assert.equal(rows[0].t, null);
      assert.equal(rows[0].l, null);
    });
  });

  it('says how to fix a gap or a badly named file', async () => {
    await assert.rejects(
      readMigrations(await migrationsDir({ '000001_a.sql': '', '000003_c.sql': '' })),
      hasCode('migration_sequence_gap'),
    );
    await assert.rejects(readMigrations(await migrationsDir({ '1_a.sql': '' })), hasCode('migration_name_invalid'));
  });

  it('tells a worker to migrate first', async () => {
    const { url } = await createEmptyDatabase();
    await withPool(url, async (pool) => {
      await assert.rejects(assertSchemaCurrent(pool), hasCode('database_not_migrated'));
    });
  });
});
