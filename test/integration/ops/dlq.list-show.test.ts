import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Message } from 'kafkajs';
import { dlqCommand } from '../../../src/app/cli/commands/dlq-command.js';
import { createOrderValidator } from '../../../src/contracts/order-validator.js';
import { DEFAULT_PARSE_LIMITS, parseOrderRecord } from '../../../src/core/order/index.js';
import { collect, intakeTopics, startIntake } from '../../support/intake-harness.js';
import { connectedProducer, testConfig, testKafka } from '../../support/test-context.js';
import { captureIo, createOpsDatabase, topicEnd } from '../../support/ops.js';

interface Fixture {
  headers: Record<string, string>;
  value?: unknown;
  valueText?: string;
  valueBase64?: string;
  expect: { codes: string[]; orderId?: string; account?: string };
  /** Limits of its own (a too_large record kept small): the running intake uses the defaults, so such fixtures are left to the unit tests. */
  limits?: object;
}

const INVALID = new URL('../../support/fixtures/invalid/', import.meta.url);
const fixtures = readdirSync(INVALID)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, INVALID), 'utf8')) as Fixture) }))
  .filter((f) => f.limits === undefined);

function fixtureValue(f: Fixture): Buffer | null {
  if (f.valueBase64 !== undefined) return Buffer.from(f.valueBase64, 'base64');
  if (f.valueText !== undefined) return Buffer.from(f.valueText, 'utf8');
  return f.value === null || f.value === undefined ? null : Buffer.from(JSON.stringify(f.value));
}

// The dead letter's error code is the first violation's.
const validator = createOrderValidator();
const expectedCode = new Map(
  fixtures.map((f) => {
    const parsed = parseOrderRecord({ headers: new Map(Object.entries(f.headers)), value: fixtureValue(f) }, validator, {
      ...DEFAULT_PARSE_LIMITS,
      now: Date.now(),
    });
    assert.equal(parsed.ok, false, f.file);
    return [f.file, parsed.ok ? '' : (parsed.violations[0]?.code ?? '')];
  }),
);

const { url, pool } = await createOpsDatabase();
const topics = await intakeTopics();
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const dlt = await collect(topics.deadLetter);
await startIntake(pool, topics);
const messages: Message[] = fixtures.map((f) => ({ key: f.expect.account ?? 'contoso', headers: f.headers, value: fixtureValue(f) }));
await producer.send({ topic: topics.orders, messages });
await dlt.waitFor((all) => all.length >= fixtures.length);

const config = testConfig({ DATABASE_URL: url, ORDERS_TOPIC: topics.orders });

async function run(...args: string[]) {
  const io = captureIo();
  const code = await dlqCommand(args, config, io);
  return { code, io };
}

interface ListJson {
  total: number;
  countsByCode: Record<string, number>;
  deadLetters: Array<{
    id: string;
    errorCode: string;
    orderId: string | null;
    account: string | null;
    status: string;
    source: { topic: string; partition: number };
  }>;
}

async function listJson(...filters: string[]): Promise<ListJson> {
  const { code, io } = await run('list', '--json', ...filters);
  assert.equal(code, 0, io.err());
  return JSON.parse(io.out()) as ListJson;
}

describe('dlq list', () => {
  it('lists every dead-lettered fixture with its code, and counts per code', async () => {
    const all = await listJson();
    assert.equal(all.total, fixtures.length);
    const expected: Record<string, number> = {};
    for (const code of expectedCode.values()) expected[code] = (expected[code] ?? 0) + 1;
    assert.deepEqual(all.countsByCode, expected);
    assert.ok(all.deadLetters.every((d) => d.status === 'pending'));
    const byOrder = all.deadLetters.find((d) => d.orderId === 'ORD-INV-0024');
    assert.equal(byOrder?.errorCode, 'invalid_e164');
  });

  it('prints an aligned table and the counts per code', async () => {
    const { code, io } = await run('list', '--code', 'invalid_e164');
    assert.equal(code, 0);
    const lines = io.lines();
    assert.match(lines[0] ?? '', /^ID\s+CREATED\s+CODE\s+ORDER\s+ACCOUNT\s+SOURCE\s+STATUS\s+MESSAGE$/);
    const rows = lines.slice(1, 1 + expectedCount('invalid_e164'));
    const codeColumn = (lines[0] ?? '').indexOf('CODE');
    for (const row of rows) assert.equal(row.slice(codeColumn, codeColumn + 'invalid_e164'.length), 'invalid_e164', row);
    assert.ok(
      lines.some((l) => /^\s+invalid_e164\s+\d+$/.test(l)),
      io.out(),
    );
  });

  it('filters by code, order, account, topic, partition, time and status', async () => {
    assert.equal((await listJson('--code', 'invalid_e164')).total, expectedCount('invalid_e164'));
    assert.equal(
      (await listJson('--code', 'invalid_e164,unparseable')).total,
      expectedCount('invalid_e164') + expectedCount('unparseable'),
    );
    assert.deepEqual(
      (await listJson('--order', 'ORD-INV-0024')).deadLetters.map((d) => d.orderId),
      ['ORD-INV-0024'],
    );
    assert.deepEqual(
      (await listJson('--account', 'contoso ltd')).deadLetters.map((d) => d.orderId),
      ['ORD-INV-0026'],
    );
    assert.equal((await listJson('--topic', topics.orders)).total, fixtures.length);
    assert.equal((await listJson('--topic', 'some.other.topic')).total, 0);
    const perPartition = await Promise.all([0, 1, 2].map((p) => listJson('--partition', String(p))));
    assert.equal(
      perPartition.reduce((t, l) => t + l.total, 0),
      fixtures.length,
    );
    for (const [p, l] of perPartition.entries()) assert.ok(l.deadLetters.every((d) => d.source.partition === p));
    assert.equal((await listJson('--since', '1h')).total, fixtures.length);
    assert.equal((await listJson('--until', '1h')).total, 0);
    assert.equal((await listJson('--since', '2999-01-01T00:00:00Z')).total, 0);
    assert.equal((await listJson('--status', 'pending')).total, fixtures.length);
    assert.equal((await listJson('--status', 'replayed')).total, 0);
  });

  it('refuses bad arguments with a usage error', async () => {
    assert.equal((await run('list', '--status', 'done')).code, 2);
    assert.equal((await run('list', '--since', 'yesterday')).code, 2);
    assert.equal((await run('list', '--partition', 'x')).code, 2);
  });
});

describe('dlq show', () => {
  it('decodes the value as JSON, every header, the violations and an empty history', async () => {
    const [d] = (await listJson('--order', 'ORD-INV-0024')).deadLetters;
    const { code, io } = await run('show', d?.id ?? '', '--json');
    assert.equal(code, 0);
    const shown = JSON.parse(io.out()) as {
      value: { encoding: string; json: { orderId: string } };
      headers: Array<{ name: string; value: string }>;
      violations: Array<{ code: string }>;
      replays: unknown[];
    };
    assert.equal(shown.value.encoding, 'json');
    assert.equal(shown.value.json.orderId, 'ORD-INV-0024');
    assert.ok(shown.headers.some((h) => h.name === 'ce_type' && h.value === 'io.flowthrough.order.v1'));
    assert.ok(shown.violations.length >= 2 && shown.violations.every((v) => v.code === 'invalid_e164'));
    assert.deepEqual(shown.replays, []);

    const text = await run('show', d?.id ?? '');
    assert.match(text.io.out(), /violations \(\d+\):\n {2}- invalid_e164 at \/items\/0\/numbers\/0\/telephoneNumber/);
    assert.match(text.io.out(), /replays: none/);
  });

  it('shows bytes that are not UTF-8 as base64, and says so', async () => {
    const notUtf8 = fixtures.find((f) => f.file === 'unparseable-not-utf8.json');
    const all = await listJson('--code', 'unparseable');
    const shown = await Promise.all(
      all.deadLetters.map(
        async (d) => JSON.parse((await run('show', d.id, '--json')).io.out()) as { value: { encoding: string; base64?: string } },
      ),
    );
    assert.ok(shown.some((s) => s.value.encoding === 'base64' && s.value.base64 === notUtf8?.valueBase64));
    assert.ok(shown.some((s) => s.value.encoding === 'null'));
    assert.ok(shown.some((s) => s.value.encoding === 'utf8'));
  });

  it('says when there is no such dead letter', async () => {
    const { code, io } = await run('show', '999999');
    assert.equal(code, 1);
    assert.match(io.err(), /no dead letter #999999/);
  });
});

describe('dlq replay --dry-run', () => {
  it('validates against today’s rules, reports each record and changes nothing', async () => {
    const before = await topicEnd(kafka, topics.orders);
    const { code, io } = await run('replay', '--all', '--dry-run', '--json');
    assert.equal(code, 0, io.err());
    const report = JSON.parse(io.out()) as {
      dryRun: boolean;
      total: number;
      counts: Record<string, number>;
      outcomes: Array<{ action: string; detail: string }>;
    };
    assert.equal(report.dryRun, true);
    assert.equal(report.total, fixtures.length);
    assert.equal(report.counts['still-invalid'], fixtures.length, 'every fixture is still invalid today');
    assert.ok(report.outcomes.every((o) => o.detail.startsWith('would be rejected again: ')));
    assert.equal(await topicEnd(kafka, topics.orders), before, 'nothing produced');
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letter_replays');
    assert.equal(rows[0]?.n, 0, 'no history written');
  });

  it('refuses to replay without ids, a filter or --all', async () => {
    const { code, io } = await run('replay');
    assert.equal(code, 2);
    assert.match(io.err(), /needs dead letter ids, a filter, or --all/);
  });
});

describe('dlq purge', () => {
  it('refuses without --yes and prints what it would delete; deletes with it', async () => {
    const preview = await run('purge', '--older-than', '1ms');
    assert.equal(preview.code, 2);
    assert.match(preview.io.out(), new RegExp(`would delete ${fixtures.length} dead letters`));
    assert.match(preview.io.out(), /nothing deleted: add --yes/);
    assert.equal((await listJson()).total, fixtures.length);

    const none = await run('purge', '--older-than', '1ms', '--replayed-only', '--yes');
    assert.equal(none.code, 0);
    assert.match(none.io.out(), /deleted 0 /);
    const young = await run('purge', '--older-than', '30d', '--yes');
    assert.match(young.io.out(), /deleted 0 /);

    const done = await run('purge', '--older-than', '1ms', '--yes');
    assert.equal(done.code, 0);
    assert.match(done.io.out(), new RegExp(`deleted ${fixtures.length} dead letters`));
    assert.equal((await listJson()).total, 0);
  });
});

function expectedCount(code: string): number {
  return [...expectedCode.values()].filter((c) => c === code).length;
}
