import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { createEmptyDatabase, createTestDatabase, kafkaBrokers, randomName } from '../../support/test-context.js';

const CLI = fileURLToPath(new URL('../../../src/app/cli/main.ts', import.meta.url));

function startCli(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', CLI, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      RECONCILER_ENABLED: 'false',
      KAFKA_BROKERS: kafkaBrokers().join(','),
      ...env,
    },
  });
}

/** Collects JSON log lines; resolves waitFor() when a line matching the predicate arrives. */
function logLines(child: ChildProcessWithoutNullStreams) {
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const w of [...waiters]) if (w.match(line)) waiters.splice(waiters.indexOf(w), 1), w.resolve(line);
  });
  return {
    lines,
    waitFor: (match: (l: Record<string, unknown>) => boolean) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const found = lines.find(match);
        if (found) resolve(found);
        else waiters.push({ match, resolve });
      }),
  };
}

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('flowthrough worker process', () => {
  it('serves /healthz and /readyz, and stops gracefully on SIGTERM with exit 0', async () => {
    const { url } = await createTestDatabase();
    const run = randomName('w');
    const child = startCli(['worker'], {
      DATABASE_URL: url,
      KAFKA_CREATE_TOPICS: 'true',
      ORDERS_TOPIC: `${run}.orders`,
      DEAD_LETTER_TOPIC: `${run}.orders.dlt`,
      STATUS_TOPIC: `${run}.status`,
      KAFKA_GROUP_ID: run,
    });
    const log = logLines(child);
    const exit = once(child, 'exit');
    const listening = await log.waitFor((l) => l.msg === 'health endpoints listening');
    await log.waitFor((l) => l.msg === 'worker started');
    const base = `http://127.0.0.1:${String(listening.port)}`;

    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${base}/readyz`);
    const body = (await ready.json()) as { status: string; checks: Array<{ name: string; ok: boolean }> };
    assert.equal(ready.status, 200);
    assert.deepEqual(
      body.checks.map((c) => [c.name, c.ok]),
      [
        ['postgres', true],
        ['kafka', true],
        ['topics', true],
        ['outbox-relay', true],
        ['intake', true],
      ],
    );

    child.kill('SIGTERM');
    const [code] = (await exit) as [number | null];
    assert.equal(code, 0);
    assert.ok(log.lines.some((l) => l.msg === 'stopping gracefully'));
    assert.ok(log.lines.some((l) => l.msg === 'stopped'));
  });

  it('waits for a database that is not migrated, saying what to do, until STARTUP_TIMEOUT_MS', async () => {
    const { url } = await createEmptyDatabase();
    const result = await run(['worker'], { DATABASE_URL: url, STARTUP_TIMEOUT_MS: '1500' });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /run \\?"npx flowthrough migrate\\?"; retrying in \d+ ms/);
    assert.match(result.stderr, /database_not_migrated: .*run "npx flowthrough migrate".*STARTUP_TIMEOUT_MS=1500/);
    // After the start-up line naming the broker and database (every command prints it), one line.
    assert.match(result.stderr, /^flowthrough worker: Kafka \S+, PostgreSQL \S+\n/);
    assert.equal(result.stderr.trim().split('\n').length, 2, 'one line');
  });

  it('waits for its topics, saying what to do, until STARTUP_TIMEOUT_MS', async () => {
    const { url } = await createTestDatabase();
    const result = await run(['worker'], { DATABASE_URL: url, ORDERS_TOPIC: randomName('missing'), STARTUP_TIMEOUT_MS: '1500' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /topics_missing: .*KAFKA_CREATE_TOPICS=true/);
  });

  it('refuses to run flow-through without its Operator Connect settings', async () => {
    const { url } = await createTestDatabase();
    const result = await run(['worker'], { DATABASE_URL: url, RECONCILER_ENABLED: 'true' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /OPERATOR_CONNECT_BASE_URL: required when RECONCILER_ENABLED=true/);
  });

  it('lists every invalid variable at once and exits 1', async () => {
    const result = await run(['worker'], { HTTP_PORT: 'abc', LOG_LEVEL: 'chatty' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /HTTP_PORT="abc"/);
    assert.match(result.stderr, /LOG_LEVEL="chatty"/);
  });

  it('migrate applies the migrations, then finds nothing to do', async () => {
    const { url } = await createEmptyDatabase();
    const first = await run(['migrate'], { DATABASE_URL: url });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied migrations 1/);
    const second = await run(['migrate'], { DATABASE_URL: url });
    assert.equal(second.code, 0);
    assert.match(second.stdout, /nothing to do/);
  });
});
