import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { publishCommand } from '../../../src/app/cli/commands/publish-command.js';
import { EXAMPLE_SEED } from '../../../src/app/cli/commands/simulator-command.js';
import { statusCommand } from '../../../src/app/cli/commands/status-command.js';
import { buildStatusEvent, type StatusEventData } from '../../../src/core/status/index.js';
import { loadSeedFile } from '../../../src/simulator/index.js';
import { CLI, runCli } from '../../support/run-cli.js';
import {
  connectedProducer,
  createTestDatabase,
  createTopics,
  kafkaBrokers,
  onCleanup,
  silentLogger,
  testConfig,
  testKafka,
} from '../../support/test-context.js';

/**
 * `flowthrough publish` and `flowthrough status` as a newcomer runs them, on
 * random topics of the real broker; the filters that match nothing because
 * their value is invalid.
 */

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const BANNER = /^flowthrough [a-z]+: Kafka \S+, PostgreSQL \S+$/;

const { url } = await createTestDatabase();
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const admin = kafka.admin();
await admin.connect();
onCleanup(() => admin.disconnect());
const dir = await mkdtemp(join(tmpdir(), 'flowthrough-publish-'));

function envFor(topics: { orders?: string; status?: string }): Record<string, string> {
  return {
    DATABASE_URL: url,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    LOG_LEVEL: 'error',
    ...(topics.orders ? { ORDERS_TOPIC: topics.orders } : {}),
    ...(topics.status ? { STATUS_TOPIC: topics.status } : {}),
  };
}

/** stderr without the start-up line naming the services. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.length > 0 && !BANNER.test(l));
}

async function recordsOn(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}

function statusData(orderId: string, account: string, state: StatusEventData['state'], previousState: StatusEventData['previousState']) {
  return {
    orderId,
    account,
    state,
    previousState,
    occurredAt: '2026-12-03T08:00:00.000Z',
    attempts: 0,
    items: [{ id: 'account', action: 'upsert', resource: 'account', state: state === 'completed' ? 'completed' : 'inProgress' }],
  } as StatusEventData;
}

async function sendStatus(topic: string, data: StatusEventData, sequence: number): Promise<void> {
  const record = buildStatusEvent({ id: `${data.orderId}:${sequence}`, data }, { source: '/flowthrough/test' });
  await producer.send({ topic, messages: [record] });
}

const VALID_ORDER = {
  orderId: 'ORD-CLI-0001',
  account: 'acme',
  requestedAt: '2026-12-01T10:00:00Z',
  items: [
    {
      id: 'account',
      action: 'upsert',
      resource: 'account',
      account: { name: 'acme', serviceDetails: { teamsDirectRouting: { enabled: true, syncEnabled: false } } },
    },
  ],
};

describe('flowthrough publish', () => {
  it('validates and sends examples, order data and arrays, from files, and says where each landed', async () => {
    const [orders] = await createTopics(['publish.orders'], 3);
    const data = join(dir, 'data.json');
    const array = join(dir, 'array.json');
    await writeFile(data, JSON.stringify(VALID_ORDER));
    await writeFile(
      array,
      JSON.stringify([
        { ...VALID_ORDER, orderId: 'ORD-CLI-0002' },
        { ...VALID_ORDER, orderId: 'ORD-CLI-0003' },
      ]),
    );
    const example = join(EXAMPLES, '01-contoso-account.json');
    const run = await runCli(['publish', example, data, array], envFor({ orders: orders! }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(errorLines(run.stderr), []);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 4, run.stdout);
    const ids = ['ORD-2026-000101', 'ORD-CLI-0001', 'ORD-CLI-0002', 'ORD-CLI-0003'];
    for (const [i, line] of lines.entries()) {
      assert.match(line, new RegExp(`^${ids[i]} → ${orders!.replaceAll('.', '\\.')} partition [0-2] offset \\d+$`));
    }
    assert.equal(await recordsOn(orders!), 4);

    // What landed is what the intake reads: key = account, CloudEvents binary headers, the order data.
    const consumer = kafka.consumer({ groupId: `test-${Date.now()}` });
    await consumer.connect();
    onCleanup(() => consumer.disconnect());
    await consumer.subscribe({ topic: orders!, fromBeginning: true });
    const seen: { key: string; type: string; orderId: string }[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = JSON.parse(message.value?.toString() ?? '{}') as { orderId: string };
          seen.push({ key: message.key?.toString() ?? '', type: message.headers?.ce_type?.toString() ?? '', orderId: value.orderId });
          if (seen.length === 4) resolve();
        },
      });
    });
    await consumer.disconnect();
    assert.deepEqual(seen.map((s) => s.orderId).sort(), [...ids].sort());
    for (const s of seen) {
      assert.equal(s.type, 'io.flowthrough.order.v1');
      assert.equal(s.key, s.orderId.startsWith('ORD-CLI') ? 'acme' : 'contoso');
    }
  });

  it('--json: one object per order, from standard input too', async () => {
    const [orders] = await createTopics(['publish.json'], 1);
    const run = await runCli(['publish', '--json', join(EXAMPLES, '05-northwind-direct-routing-zoom.json')], envFor({ orders: orders! }));
    assert.equal(run.code, 0, run.stderr);
    const [line, ...more] = run.stdout.trim().split('\n');
    assert.equal(more.length, 0);
    const parsed = JSON.parse(line ?? '') as Record<string, unknown>;
    assert.equal(parsed.sent, true);
    assert.equal(parsed.topic, orders);
    assert.equal(parsed.partition, 0);
    assert.equal(parsed.offset, '0');
    assert.equal(typeof parsed.orderId, 'string');

    // "-" reads standard input (here handed over in-process).
    const printed: string[] = [];
    const code = await publishCommand(['--json', '-'], testConfig({ ORDERS_TOPIC: orders! }), silentLogger(), {
      print: (l) => printed.push(l),
      readStdin: async () => JSON.stringify([VALID_ORDER]),
    });
    assert.equal(code, 0);
    assert.deepEqual(
      printed.map((l) => JSON.parse(l) as unknown),
      [{ sent: true, file: '<stdin>', orderId: 'ORD-CLI-0001', topic: orders, partition: 0, offset: '1' }],
    );
  });

  it('refuses an invalid order with its file and problem, sends nothing, exits 1', async () => {
    const [orders] = await createTopics(['publish.invalid'], 1);
    const bad = join(dir, 'bad.json');
    const broken = join(dir, 'broken.json');
    await writeFile(bad, JSON.stringify({ ...VALID_ORDER, orderId: 'ORD-CLI-BAD', items: [] }));
    await writeFile(broken, '{"orderId": ');
    const run = await runCli(['publish', bad, broken, join(dir, 'missing.json')], envFor({ orders: orders! }));
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, '');
    const lines = errorLines(run.stderr);
    assert.equal(lines.length, 3, run.stderr);
    assert.match(
      lines[0] ?? '',
      new RegExp(`^flowthrough publish: ${bad.replaceAll('/', '\\/')} \\(ORD-CLI-BAD\\): not sent: \\S+ at /items`),
    );
    assert.match(lines[1] ?? '', /broken\.json: not sent: .*JSON/);
    assert.match(lines[2] ?? '', /missing\.json: not sent: ENOENT/);
    assert.equal(await recordsOn(orders!), 0, 'nothing sent');

    const json = await runCli(['publish', '--json', bad], envFor({ orders: orders! }));
    assert.equal(json.code, 1);
    const refused = JSON.parse(json.stdout.trim()) as Record<string, unknown>;
    assert.equal(refused.sent, false);
    assert.equal(refused.file, bad);
    assert.equal(refused.orderId, 'ORD-CLI-BAD');
    assert.equal(await recordsOn(orders!), 0, 'nothing sent');
  });
});

describe('flowthrough status', () => {
  it('without --follow prints the events so far and exits; --json parses; --order and --account filter', async () => {
    const [status] = await createTopics(['status.cli'], 2);
    const empty = await runCli(['status'], envFor({ status: status! }));
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, '', 'an empty topic: nothing, and it exits');

    await sendStatus(status!, statusData('ORD-A', 'acme', 'acknowledged', null), 1);
    await sendStatus(status!, statusData('ORD-A', 'acme', 'completed', 'acknowledged'), 2);
    await sendStatus(status!, statusData('ORD-B', 'globex', 'acknowledged', null), 1);
    const [text, json, order, account] = await Promise.all([
      runCli(['status'], envFor({ status: status! })),
      runCli(['status', '--json'], envFor({ status: status! })),
      runCli(['status', '--order', 'ORD-A'], envFor({ status: status! })),
      runCli(['status', '--account', 'globex', '--json'], envFor({ status: status! })),
    ]);
    for (const run of [text, json, order, account]) {
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(errorLines(run.stderr), [], run.stderr);
    }
    const lines = text.stdout.trim().split('\n').sort();
    assert.deepEqual(lines, [
      'ORD-A  acme  acknowledged  items: 0/1 completed, 1 inProgress',
      'ORD-A  acme  acknowledged → completed  items: 1/1 completed',
      'ORD-B  globex  acknowledged  items: 0/1 completed, 1 inProgress',
    ]);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; type: string; partition: number; offset: string; data: StatusEventData });
    assert.equal(events.length, 3);
    assert.deepEqual(events.map((e) => e.id).sort(), ['ORD-A:1', 'ORD-A:2', 'ORD-B:1']);
    assert.ok(events.every((e) => e.type === 'io.flowthrough.order.status.v1'));
    assert.equal(order.stdout.trim().split('\n').length, 2);
    assert.ok(order.stdout.split('\n').every((l) => l === '' || l.startsWith('ORD-A  ')));
    const globex = account.stdout.trim().split('\n');
    assert.equal(globex.length, 1);
    assert.equal((JSON.parse(globex[0] ?? '') as { data: StatusEventData }).data.orderId, 'ORD-B');
  });

  it('--follow prints events as they arrive, from the latest offset, until stopped (exit 0)', async () => {
    const [status] = await createTopics(['status.follow'], 1);
    await sendStatus(status!, statusData('ORD-OLD', 'acme', 'acknowledged', null), 1);
    const config = testConfig({ STATUS_TOPIC: status! });
    const lines: string[] = [];
    const controller = new AbortController();
    let ready: () => void = () => undefined;
    const joined = new Promise<void>((resolve) => (ready = resolve));
    const run = statusCommand(['--follow', '--json'], config, silentLogger(), {
      print: (l) => lines.push(l),
      printError: (l) => lines.push(`stderr: ${l}`),
      signal: controller.signal,
      onReady: ready,
    });
    await joined;
    // The consumer picks "latest" at its first fetch: send until one new event shows.
    for (let i = 1; lines.length === 0 && i <= 40; i += 1) {
      await sendStatus(status!, statusData(`ORD-NEW-${i}`, 'acme', 'acknowledged', null), 1);
      await new Promise((r) => setTimeout(r, 500));
    }
    controller.abort();
    assert.equal(await run, 0);
    assert.ok(lines.length > 0, 'a new event was printed');
    for (const l of lines) {
      const event = JSON.parse(l) as { data: StatusEventData };
      assert.match(event.data.orderId, /^ORD-NEW-\d+$/, 'not the event from before it started');
    }

    // --from-beginning replays it.
    const replayed: string[] = [];
    const again = new AbortController();
    const replay = statusCommand(['--follow', '--from-beginning'], config, silentLogger(), {
      print: (l) => {
        replayed.push(l);
        if (l.startsWith('ORD-OLD')) again.abort();
      },
      signal: again.signal,
    });
    assert.equal(await replay, 0);
    assert.ok(replayed.some((l) => l.startsWith('ORD-OLD  acme  acknowledged')));
  });
});

describe('a missing topic', () => {
  it('is one line naming its setting, at once, for publish and status', async () => {
    const missing = `missing.${Date.now()}`;
    const [publish, status, follow] = await Promise.all([
      runCli(['publish', join(EXAMPLES, '01-contoso-account.json')], envFor({ orders: missing })),
      runCli(['status'], envFor({ status: missing })),
      runCli(['status', '--follow'], envFor({ status: missing })),
    ]);
    assert.deepEqual(errorLines(publish.stderr), [
      `flowthrough publish: topic ${missing} (ORDERS_TOPIC) does not exist on ${kafkaBrokers().join(',')}: start the worker with KAFKA_CREATE_TOPICS=true once, or create the topic`,
    ]);
    for (const run of [status, follow]) {
      assert.equal(run.code, 1, run.stderr);
      assert.match(
        errorLines(run.stderr).join('\n'),
        new RegExp(`^flowthrough status: topic ${missing.replaceAll('.', '\\.')} \\(STATUS_TOPIC\\) does not exist`),
      );
    }
    assert.equal(publish.code, 1);
    assert.equal(publish.stdout, '');
  });
});

describe('flowthrough status --follow as a process', () => {
  it('ends cleanly with exit 0 on SIGINT', async () => {
    const [status] = await createTopics(['status.sigint'], 1);
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', CLI, 'status', '--follow'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...envFor({ status: status! }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit');
    // Started (its start-up line), then a new event shows: it is reading.
    for (let i = 1; stdout === '' && i <= 60; i += 1) {
      if (BANNER.test(stderr.split('\n')[0] ?? '')) await sendStatus(status!, statusData(`ORD-SIG-${i}`, 'acme', 'acknowledged', null), 1);
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.match(stdout, /^ORD-SIG-\d+ {2}acme {2}acknowledged/);
    child.kill('SIGINT');
    const [code, signal] = (await exited) as [number | null, string | null];
    assert.equal(signal, null, stderr);
    assert.equal(code, 0, stderr);
    assert.deepEqual(errorLines(stderr), []);
  });
});

describe('filters whose value is invalid say so in one line', () => {
  it('orders list --state bogus and reconcile --audit --account nosuch exit non-zero', async () => {
    const env = envFor({});
    const [state, account] = await Promise.all([
      runCli(['orders', 'list', '--state', 'bogus'], env),
      runCli(['reconcile', '--audit', '--account', 'nosuch'], env),
    ]);
    assert.equal(state.code, 2, state.stderr);
    assert.deepEqual(errorLines(state.stderr), [
      'flowthrough orders: --state takes one of acknowledged, rejected, inProgress, held, completed, partial, failed, not "bogus"',
    ]);
    assert.equal(account.code, 1, account.stderr);
    const [line, ...more] = errorLines(account.stderr);
    assert.deepEqual(more, []);
    assert.match(line ?? '', /^flowthrough reconcile: no account "nosuch"/);
  });
});

describe('the default simulator seed', () => {
  it('holds an active consent for every Teams tenant of examples/', async () => {
    const tenants = new Set<string>();
    for (const file of (await readdir(EXAMPLES)).filter((f) => f.endsWith('.json'))) {
      for (const m of (await readFile(join(EXAMPLES, file), 'utf8')).matchAll(/"teamsTenantId":\s*"([^"]+)"/g)) tenants.add(m[1] ?? '');
    }
    assert.ok(tenants.size > 0);
    const seed = await loadSeedFile(EXAMPLE_SEED);
    for (const tenant of tenants) {
      const consent = seed.consents.find((c) => c.tenantId === tenant);
      assert.equal(consent?.status, 'active', `tenant ${tenant} of examples/ has an active consent in ${EXAMPLE_SEED}`);
    }
  });
});
