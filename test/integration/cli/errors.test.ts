import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { redactDatabaseUrl } from '../../../src/platform/errors/explain.js';
import { createEmptyDatabase, createTestDatabase, databaseUrlFor, kafkaBrokers, randomName } from '../../support/test-context.js';
import { closedPort } from '../../unit/platform/errors/closed-port.js';
import { runCli, type CliResult } from '../../support/run-cli.js';

/** The start-up line naming the services a command uses (password hidden). */
const BANNER = /^flowthrough [a-z]+: Kafka \S+, PostgreSQL \S+$/;

/** The one line a failing command prints: exit 1, one line on stderr, no stack trace. */
function oneLine(result: CliResult): string {
  const label = `flowthrough ${result.args.join(' ')}`;
  assert.equal(result.code, 1, `${label}: exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  // Every command but simulator first names the broker and database it uses; then the failure.
  const lines = result.stderr.split('\n').filter((l) => l.length > 0 && !BANNER.test(l));
  assert.equal(lines.length, 1, `${label}: one line on stderr, got:\n${result.stderr}`);
  return lines[0] ?? '';
}

const OPERATOR_CONNECT = {
  OPERATOR_CONNECT_BASE_URL: 'http://127.0.0.1:1/api',
  OPERATOR_CONNECT_TENANT_ID: 'tenant',
  OPERATOR_CONNECT_CLIENT_ID: 'client',
  OPERATOR_CONNECT_CLIENT_SECRET: 'client-secret-value',
};

describe('a failing command says what to fix in one line', () => {
  it('names DATABASE_URL (password hidden) when PostgreSQL does not answer, for every command that reads it', async () => {
    const port = await closedPort();
    const url = `postgres://app:s3cret-pw@127.0.0.1:${port}/prov`;
    const expected = `flowthrough: database_unreachable: cannot connect to PostgreSQL at 127.0.0.1:${port} (DATABASE_URL=postgres://app:***@127.0.0.1:${port}/prov): connection refused; is it running?`;
    const env = { DATABASE_URL: url, RECONCILER_ENABLED: 'false', ...OPERATOR_CONNECT };
    const runs = await Promise.all([
      runCli(['migrate'], env),
      runCli(['orders', 'list'], env),
      runCli(['accounts', 'show', 'acme'], env),
      runCli(['numbers', 'show', '+14255550100'], env),
      runCli(['dlq', 'list'], env),
      runCli(['reconcile', '--audit'], env),
      runCli(['header', '--direction', 'from-operator', '--calling', '+14255550100', '--called', '+14255550101'], env),
    ]);
    for (const run of runs) {
      const line = oneLine(run);
      assert.equal(line, expected, `flowthrough ${run.args.join(' ')}`);
      assert.ok(!run.stderr.includes('s3cret-pw') && !run.stdout.includes('s3cret-pw'));
      assert.match(
        run.stderr,
        new RegExp(`^flowthrough ${run.args[0]}: Kafka \\S+, PostgreSQL postgres://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/prov\n`),
      );
    }
  });

  it('adds the stack trace with FLOWTHROUGH_DEBUG=1 or LOG_LEVEL=debug', async () => {
    const url = `postgres://app@127.0.0.1:${await closedPort()}/prov`;
    const [flag, level] = await Promise.all([
      runCli(['migrate'], { DATABASE_URL: url, FLOWTHROUGH_DEBUG: '1' }),
      runCli(['migrate'], { DATABASE_URL: url, LOG_LEVEL: 'debug' }),
    ]);
    for (const run of [flag, level]) {
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^flowthrough migrate: Kafka \S+, PostgreSQL \S+\nflowthrough: database_unreachable: .*\n/);
      assert.match(run.stderr, /\n {4}at /, 'a stack');
      assert.match(run.stderr, /caused by: Error: connect ECONNREFUSED/);
    }
  });

  it('says a missing database is missing, not "not migrated", for migrate and for the worker', async () => {
    const url = databaseUrlFor(randomName('missing'));
    const expected = new RegExp(
      `^flowthrough: database_missing: database "missing_\\w+" does not exist at \\S+ \\(DATABASE_URL=${escapeRegExp(redactDatabaseUrl(url))}\\): create it, then run npx flowthrough migrate$`,
    );
    const [migrate, worker] = await Promise.all([
      runCli(['migrate'], { DATABASE_URL: url }),
      runCli(['worker'], { DATABASE_URL: url, RECONCILER_ENABLED: 'false', HTTP_PORT: '0', KAFKA_BROKERS: kafkaBrokers().join(',') }),
    ]);
    assert.match(oneLine(migrate), expected);
    assert.match(oneLine(worker), expected);
  });

  it('says an unmigrated database is not migrated, for the inspection and dead-letter commands', async () => {
    const { url } = await createEmptyDatabase();
    const [orders, dlq] = await Promise.all([
      runCli(['orders', 'list'], { DATABASE_URL: url }),
      runCli(['dlq', 'list'], { DATABASE_URL: url }),
    ]);
    assert.match(
      oneLine(orders),
      /^flowthrough: database_not_migrated: relation "orders" does not exist in database "flowthrough_empty_\w+" \(DATABASE_URL=\S+\): the database is not migrated for this flowthrough; run npx flowthrough migrate$/,
    );
    assert.match(
      oneLine(dlq),
      /^flowthrough: database_not_migrated: the dead_letter_replays table is missing: run "npx flowthrough migrate" with this version first \(DATABASE_URL=\S+\)$/,
    );
  });

  it('names HTTP_PORT when the worker’s port is taken', async (t) => {
    const port = await takenPort(t);
    const { url } = await createTestDatabase();
    const run = await runCli(['worker'], {
      DATABASE_URL: url,
      RECONCILER_ENABLED: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      KAFKA_BROKERS: kafkaBrokers().join(','),
    });
    assert.equal(
      oneLine(run),
      `flowthrough: http_port_in_use: cannot listen on 127.0.0.1:${port}: the port is in use by another process (HTTP_PORT=${port}, HTTP_HOST=127.0.0.1): stop that process, or set HTTP_PORT to a free port (0 picks one)`,
    );
  });

  it('names the simulator’s own settings when its port is taken', async (t) => {
    const port = await takenPort(t);
    const [api, token] = await Promise.all([
      runCli(['simulator', '--port', String(port), '--log-level', 'silent'], {}),
      runCli(['simulator', '--token-port', String(port), '--log-level', 'silent'], {}),
    ]);
    assert.equal(
      oneLine(api),
      `flowthrough simulator: http_port_in_use: cannot listen on 127.0.0.1:${port}: the port is in use by another process (SIMULATOR_PORT=${port}, SIMULATOR_HOST=127.0.0.1): stop that process, or set SIMULATOR_PORT to a free port (0 picks one)`,
    );
    assert.match(
      oneLine(token),
      new RegExp(`\\(SIMULATOR_TOKEN_PORT=${port}, SIMULATOR_HOST=127\\.0\\.0\\.1\\): stop that process, or set SIMULATOR_TOKEN_PORT`),
    );
  });
});

async function takenPort(t: { after: (fn: () => void) => void }): Promise<number> {
  const holder = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  t.after(() => holder.close());
  return (holder.address() as AddressInfo).port;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
