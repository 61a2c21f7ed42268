import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createEmptyDatabase } from '../../support/test-context.js';
import { closedPort } from '../../unit/platform/errors/closed-port.js';
import { runAll, runCli, STACK } from '../../support/run-cli.js';

/** Each command, what its help starts with, and subcommands that take --help too. */
const COMMANDS: readonly { command: string; usage: RegExp; subcommands?: readonly string[] }[] = [
  { command: 'worker', usage: /^usage: flowthrough worker\n/ },
  { command: 'migrate', usage: /^usage: flowthrough migrate\n/ },
  { command: 'offsets', usage: /^usage: flowthrough offsets <show\|reset>/, subcommands: ['show', 'reset'] },
  { command: 'simulator', usage: /^usage: flowthrough simulator \[options\]\n/ },
  { command: 'header', usage: /^usage: flowthrough header --direction/ },
  { command: 'dlq', usage: /^usage: flowthrough dlq <list\|show\|replay\|purge>/, subcommands: ['list', 'show', 'replay', 'purge'] },
  { command: 'outbox', usage: /^usage: flowthrough outbox/, subcommands: ['list', 'retry'] },
  { command: 'orders', usage: /^usage:\n {2}flowthrough orders show/, subcommands: ['show', 'list'] },
  { command: 'accounts', usage: /^usage:\n {2}flowthrough orders show/, subcommands: ['show'] },
  { command: 'numbers', usage: /^usage:\n {2}flowthrough orders show/, subcommands: ['show'] },
  { command: 'reconcile', usage: /^usage: flowthrough reconcile --audit/ },
  { command: 'publish', usage: /^usage: flowthrough publish <file\.json\|->/ },
  { command: 'status', usage: /^usage: flowthrough status \[--follow\]/ },
];

describe('--help on every command prints its help and does nothing else', () => {
  it('exits 0 with the help on stdout, with no database, no broker and a configuration that would not load', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'flowthrough-help-'));
    const env = {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`,
      KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`,
      // Loading the configuration would fail on these: help must not load it.
      HTTP_PORT: 'not-a-port',
      LOG_LEVEL: 'chatty',
      // `stack up` would start a broker from here, `simulator` would listen.
      FLOWTHROUGH_CACHE_DIR: cacheDir,
      FLOWTHROUGH_KAFKA_PORT: String(await closedPort()),
    };
    const cases: { args: string[]; usage: RegExp }[] = [];
    for (const { command, usage, subcommands = [] } of COMMANDS) {
      cases.push({ args: [command, '--help'], usage }, { args: [command, '-h'], usage });
      for (const sub of subcommands) cases.push({ args: [command, sub, '--help'], usage });
    }
    // Help wins wherever it stands, even after options that would make the command run.
    cases.push({ args: ['dlq', 'replay', '--all', '-h'], usage: /^usage: flowthrough dlq/ });
    cases.push({ args: ['reconcile', '--audit', '--repair', '--help'], usage: /^usage: flowthrough reconcile/ });
    cases.push({ args: ['status', '--follow', '--help'], usage: /^usage: flowthrough status/ });
    cases.push({ args: ['publish', 'examples/01-contoso-account.json', '-h'], usage: /^usage: flowthrough publish/ });
    cases.push({ args: ['help', 'migrate'], usage: /^usage: flowthrough migrate\n/ });
    cases.push({ args: ['--help'], usage: /^usage: flowthrough <command>/ });

    const started = performance.now();
    const results = await runAll(
      cases.map((c) => c.args),
      env,
    );
    const elapsed = performance.now() - started;
    for (const [i, result] of results.entries()) {
      const label = `flowthrough ${result.args.join(' ')} (${result.ms} ms)`;
      assert.equal(result.code, 0, `${label}: exit ${result.code}\nstderr: ${result.stderr}`);
      assert.equal(result.stderr, '', `${label}: nothing on stderr`);
      assert.match(result.stdout, cases[i]?.usage ?? /^$/, `${label}: its help on stdout`);
      assert.doesNotMatch(result.stdout, /"level":/, `${label}: no log line (nothing started)`);
    }
    process.stderr.write(`# ${results.length} help runs in ${Math.round(elapsed)} ms\n`);

    // The development launcher (npm run stack) answers --help the same way and starts nothing.
    for (const args of [['--help'], ['-h'], ...['up', 'down', 'reset', 'status'].map((sub) => [sub, '--help'])]) {
      const result = await runCli(args, env, 30_000, STACK);
      assert.equal(result.code, 0, `npm run stack -- ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /^usage: npm run stack -- up \[--secure\]\|down\|reset\|status\n/);
    }
    assert.deepEqual(await readdir(cacheDir), [], 'nothing fetched or started');
  });

  it('migrate --help applies no migration to the database it would use', async () => {
    const { url } = await createEmptyDatabase();
    const results = await Promise.all([
      runCli(['migrate', '--help'], { DATABASE_URL: url }),
      runCli(['migrate', '-h'], { DATABASE_URL: url }),
    ]);
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^usage: flowthrough migrate/);
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ ledger: string | null; tables: string }>(
        `SELECT to_regclass('flowthrough_migrations')::text AS ledger, (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')::text AS tables`,
      );
      assert.deepEqual(rows[0], { ledger: null, tables: '0' }, 'no migration table appeared');
    } finally {
      await client.end();
    }
  });
});
