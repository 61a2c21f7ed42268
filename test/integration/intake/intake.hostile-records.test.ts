import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { IHeaders, Message } from 'kafkajs';
import { dlqCommand } from '../../../src/app/cli/commands/dlq-command.js';
import { RESEND_REJECTED_EVENT_TYPE, STATUS_EVENT_TYPE, parseStatusEvent } from '../../../src/core/status/index.js';
import { DLT_HEADERS } from '../../../src/intake/index.js';
import { rawHeaders, toKafkaHeaders } from '../../../src/platform/kafka/record-headers.js';
import {
  accountItem,
  collect,
  headerText,
  intakeTopics,
  numbersItem,
  ocNumber,
  orderRecord,
  TENANT,
} from '../../support/intake-harness.js';
import { connectedProducer, createTestDatabase, randomName, testConfig, testKafka } from '../../support/test-context.js';
import { captureIo } from '../../support/ops.js';
import { collectRaw, outboxDrained, quickKafka, startWorker, within, type RawRecord } from '../../support/intake-kit.js';

/**
 * The reproductions of issue #9, each a record (or two) on partition 0 of a
 * running intake and relay: none may stop the worker, stall the partition or
 * the relay, or be dead-lettered as internal_error; each gets its own code.
 * A valid order sent last completes only if nothing before it stalled.
 */

const { url, pool } = await createTestDatabase();
const topics = await intakeTopics(1);
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const status = await collect(topics.status, quickKafka());
const dlt = await collectRaw(topics.deadLetter);
await startWorker(pool, topics, { groupId: randomName('intake') });

const HOSTILE_HEADER_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
const offsets = new Map<string, string>();

async function send(name: string, message: Message): Promise<string> {
  const [meta] = await producer.send({ topic: topics.orders, messages: [{ ...message, partition: 0 }] });
  const offset = meta?.baseOffset ?? '';
  offsets.set(name, offset);
  return offset;
}

function raw(name: string, key: string | Buffer | null, value: string | Buffer, extra: IHeaders = {}): Message {
  return {
    key,
    headers: {
      ce_specversion: '1.0',
      ce_id: randomName(name),
      ce_source: '/bss/test',
      ce_type: 'io.flowthrough.order.v1',
      'content-type': 'application/json',
      ...extra,
    },
    value,
  };
}

const drAccount = (name: string, tenant?: string) => accountItem(name, { sync: false, ...(tenant === undefined ? {} : { tenant }) });
const drNumber = (telephoneNumber: string, extra: Record<string, unknown> = {}) => ({
  telephoneNumber,
  serviceDetails: { teamsDirectRouting: { enabled: true } },
  ...extra,
});
const order = (orderId: string, account: string, items: unknown[], requestedAt = '2026-11-29T10:00:00Z') => ({
  orderId,
  account,
  requestedAt,
  items,
});

async function deadLetterAt(
  offset: string,
): Promise<{ id: string; error_code: string; order_id: string | null; error_message: string } | undefined> {
  const { rows } = await pool.query<{ id: string; error_code: string; order_id: string | null; error_message: string }>(
    'SELECT id::text AS id, error_code, order_id, error_message FROM dead_letters WHERE source_topic = $1 AND source_offset = $2',
    [topics.orders, offset],
  );
  return rows[0];
}

async function codeAt(name: string): Promise<string | undefined> {
  return (await deadLetterAt(offsets.get(name) ?? '-1'))?.error_code;
}

function dltCopyOf(name: string): RawRecord {
  const copies = dlt.received.filter((r) => headerText(r.headers, DLT_HEADERS.originalOffset) === offsets.get(name));
  assert.equal(copies.length, 1, `one dead-letter copy of ${name}`);
  return copies[0] as RawRecord;
}

const SENTINEL = 'sentinel-last';

describe('hostile records (issue #9): each is decided on its own and nothing stalls', () => {
  before(async () => {
    const hostileHeaders = toKafkaHeaders(HOSTILE_HEADER_NAMES.map((name) => ({ name, value: Buffer.from(`value-of-${name}`) })));
    // 1. Inherited names as header names, on a valid order and on a rejected record.
    await send('proto-valid', {
      ...orderRecord(order('proto-valid', 'hostile-a', [drAccount('hostile-a')])),
      headers: { ...orderRecord(order('x', 'x', [])).headers, ...hostileHeaders },
    });
    await send('proto-invalid', raw('proto-invalid', 'hostile-a', 'not json', hostileHeaders));
    // 2. innererror nested 10,000 deep (built as text: the test itself must not recurse).
    const deep = `${'{"code":"E","message":"m","innererror":'.repeat(10_000)}{"code":"E","message":"m"}${'}'.repeat(10_000)}`;
    const deepNumbers = `[{"telephoneNumber":"+14255550100","serviceDetails":{"teamsDirectRouting":{"enabled":true}},"serviceProvisioningErrors":[${deep}]}]`;
    await send(
      'deep',
      raw(
        'deep',
        'hostile-a',
        `{"orderId":"deep-1","account":"hostile-a","requestedAt":"2026-11-29T10:00:00Z","items":[{"id":"n","action":"upsert","resource":"numbers","numbers":${deepNumbers}}]}`,
      ),
    );
    // 3. A line feed in a rejected orderId (the outbox once split on it).
    await send('lf-order-id', raw('lf', 'hostile-a', JSON.stringify(order('line\nfeed', 'hostile-a', [drAccount('hostile-a')]))));
    // 4. NUL in a rejected orderId and account.
    await send('nul-ids', raw('nul', 'hostile-a', JSON.stringify(order('nul\u0000id', 'acc\u0000x', [drAccount('hostile-a')]))));
    // 5. A record just under the broker's message.max.bytes (8 MiB).
    const big = JSON.stringify({ ...order('big-1', 'hostile-a', [drAccount('hostile-a')]), padding: 'x'.repeat(8 * 1024 * 1024 - 2_048) });
    await send('near-max', raw('big', 'hostile-a', big));
    // 6. A plain producer claiming the replay tool's force-stale override.
    await send(
      'newer',
      orderRecord(
        order(
          'stale-newer',
          'hostile-a',
          [numbersItem([drNumber('+14255550101', { configuration: { customSipHeader: 'newer' } })])],
          '2026-11-29T12:00:00Z',
        ),
      ),
    );
    await send(
      'forced',
      orderRecord(
        order(
          'stale-forced',
          'hostile-a',
          [numbersItem([drNumber('+14255550101', { configuration: { customSipHeader: 'older' } })])],
          '2026-11-29T11:00:00Z',
        ),
        { 'flowthrough-force-stale': 'true' },
      ),
    );
    // 7. requestedAt at the end of time, then an ordinary order on the same number.
    await send(
      'future',
      orderRecord(
        order(
          'future-1',
          'hostile-a',
          [numbersItem([drNumber('+14255550102', { configuration: { customSipHeader: 'future' } })])],
          '9999-12-31T23:59:59Z',
        ),
      ),
    );
    await send(
      'after-future',
      orderRecord(
        order(
          'after-future',
          'hostile-a',
          [numbersItem([drNumber('+14255550102', { configuration: { customSipHeader: 'now' } })])],
          '2026-11-29T13:00:00Z',
        ),
      ),
    );
    // 8. Duplicate JSON keys.
    await send(
      'dup-account',
      raw(
        'dup',
        'hostile-a',
        '{"orderId":"dup-1","account":"northwind","account":"hostile-a","requestedAt":"2026-11-29T10:00:00Z","items":[{"id":"a","action":"upsert","resource":"account","account":{"name":"hostile-a"}}]}',
      ),
    );
    await send(
      'dup-header',
      raw(
        'dup2',
        'hostile-a',
        '{"orderId":"dup-2","account":"hostile-a","requestedAt":"2026-11-29T10:00:00Z","items":[{"id":"n","action":"upsert","resource":"numbers","numbers":[{"telephoneNumber":"+14255550103","serviceDetails":{"teamsDirectRouting":{"enabled":true}},"configuration":{"customSipHeader":"ok","customSipHeader":"bad\\r\\nX-Injected: 1"}}]}]}',
      ),
    );
    // 10. Schema-valid values PostgreSQL cannot take.
    await send(
      'nul-correlation',
      orderRecord(
        order('nul-corr', 'hostile-a', [{ ...drAccount('hostile-a'), account: { name: 'hostile-a', correlationId: 'c\u0000d' } }]),
      ),
    );
    await send(
      'nul-civic',
      orderRecord(
        order('nul-civic', 'hostile-a', [
          numbersItem([
            ocNumber('+14255550104', {
              serviceDetails: {
                teamsOperatorConnect: {
                  enabled: true,
                  configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'], civicAddressId: 'a\u0000b' },
                },
              },
            }),
          ]),
        ]),
      ),
    );
    await send('leap-second', orderRecord(order('leap-1', 'hostile-a', [drAccount('hostile-a')], '2026-12-31T23:59:60Z')));
    await send('year-zero', orderRecord(order('year-0', 'hostile-a', [drAccount('hostile-a')], '0000-01-01T00:00:00Z')));
    await send('nul-key', { ...orderRecord(order('nul-key', 'hostile-a', [drAccount('hostile-a')])), key: Buffer.from('hostile-a\u0000') });
    // 11. A rejection whose ce_id the old scheme shared with a valid order's acknowledgement.
    const rejectedAt = await send(
      'collide-rejected',
      raw('col', 'hostile-a', JSON.stringify({ ...order('collide', 'hostile-a', [drAccount('hostile-a')]), unknownField: 1 })),
    );
    await send('collide-valid', orderRecord(order(`collide:rejected:${topics.orders}:0`, 'hostile-a', [drAccount('hostile-a')])));
    assert.ok(Number(rejectedAt) > 0);
    // 12. A conflicting resend of an accepted order.
    await send('conflict-first', orderRecord(order('conflict-1', 'hostile-a', [drAccount('hostile-a')])));
    await send(
      'conflict-resend',
      orderRecord(order('conflict-1', 'hostile-a', [drAccount('hostile-a'), numbersItem([drNumber('+14255550105')])])),
    );
    // 13. The same tenant GUID in upper case, while the account has Operator Connect numbers.
    await send(
      'tenant-lower',
      orderRecord(order('tenant-1', 'hostile-b', [drAccount('hostile-b'), numbersItem([ocNumber('+14255550106')])]), {}),
    );
    await send('tenant-upper', { ...orderRecord(order('tenant-2', 'hostile-b', [drAccount('hostile-b', TENANT.toUpperCase())])) });
    // Last: a valid order that completes only if no record before it stalled the partition.
    await send(SENTINEL, orderRecord(order(SENTINEL, 'hostile-a', [drAccount('hostile-a')])));

    await within(
      status.waitFor((all) =>
        all.some(
          (r) => headerText(r.headers, 'ce_subject') === SENTINEL && parseStatusEvent(r.headers, r.value).data.state === 'completed',
        ),
      ),
      90_000,
      'the sentinel order to complete behind every hostile record',
    );
    await outboxDrained(pool);
  });

  it('1: header names constructor, __proto__, toString do not stop the intake; the dead-letter copy keeps them', async () => {
    assert.equal((await pool.query(`SELECT 1 FROM orders WHERE order_id = 'proto-valid'`)).rowCount, 1);
    assert.equal(await codeAt('proto-invalid'), 'unparseable');
    const copy = rawHeaders(dltCopyOf('proto-invalid').headers);
    for (const name of HOSTILE_HEADER_NAMES) {
      assert.deepEqual(
        copy.filter((h) => h.name === name).map((h) => h.value?.toString()),
        [`value-of-${name}`],
        name,
      );
    }
  });

  it('2: an innererror 10,000 deep is too_deep, and dlq show renders its dead letter (9)', async () => {
    const d = await deadLetterAt(offsets.get('deep') ?? '');
    assert.equal(d?.error_code, 'too_deep');
    assert.match(d?.error_message ?? '', /INTAKE_MAX_JSON_DEPTH/);
    const config = testConfig({ DATABASE_URL: url, ORDERS_TOPIC: topics.orders });
    for (const args of [
      ['show', d?.id ?? ''],
      ['show', d?.id ?? '', '--json'],
    ]) {
      const io = captureIo();
      assert.equal(await dlqCommand(args, config, io), 0, io.err());
      assert.ok(io.out().length > 10_000 * 10, 'the value is shown whole');
    }
  });

  it('3 and 4: control characters in a rejected orderId or account are dead-lettered with a code, not internal_error', async () => {
    for (const name of ['lf-order-id', 'nul-ids']) {
      const code = await codeAt(name);
      assert.ok(code !== undefined && code !== 'internal_error', `${name}: ${code}`);
    }
    assert.equal(await codeAt('lf-order-id'), 'control_character');
    assert.equal(await codeAt('nul-ids'), 'control_character');
  });

  it('5: a record near the broker limit is too_large; its dead-letter copy fits, naming what it left out', async () => {
    assert.equal(await codeAt('near-max'), 'too_large');
    const copy = dltCopyOf('near-max');
    assert.equal(copy.value, null);
    assert.match(headerText(copy.headers, DLT_HEADERS.omitted) ?? '', /value/);
    assert.ok(Number(headerText(copy.headers, DLT_HEADERS.originalBytes)) > 8_000_000);
    const stored = await pool.query<{ n: number }>('SELECT octet_length(value) AS n FROM dead_letters WHERE source_offset = $1', [
      offsets.get('near-max'),
    ]);
    assert.ok((stored.rows[0]?.n ?? 0) > 8_000_000, 'the original is kept whole in PostgreSQL');
  });

  it('6: only the replay tool can force a stale order: a header alone is refused', async () => {
    assert.equal(await codeAt('forced'), 'force_stale_not_authorised');
    const { rows } = await pool.query<{ last_order_id: string; custom_sip_header: string }>(
      `SELECT last_order_id, custom_sip_header FROM numbers WHERE telephone_number = '+14255550101'`,
    );
    assert.deepEqual(rows[0], { last_order_id: 'stale-newer', custom_sip_header: 'newer' });
  });

  it('7: requestedAt far in the future is refused, and later orders on that number are not stale', async () => {
    assert.equal(await codeAt('future'), 'requested_at_in_future');
    assert.equal(await codeAt('after-future'), undefined);
    const { rows } = await pool.query<{ custom_sip_header: string }>(
      `SELECT custom_sip_header FROM numbers WHERE telephone_number = '+14255550102'`,
    );
    assert.equal(rows[0]?.custom_sip_header, 'now');
  });

  it('8: duplicate JSON keys are refused with the pointer of the duplicate', async () => {
    for (const [name, path] of [
      ['dup-account', '/account'],
      ['dup-header', '/items/0/numbers/0/configuration/customSipHeader'],
    ] as const) {
      assert.equal(await codeAt(name), 'duplicate_json_key', name);
      const { rows } = await pool.query<{ violations: Array<{ code: string; path: string }> }>(
        'SELECT violations FROM dead_letters WHERE source_offset = $1',
        [offsets.get(name)],
      );
      assert.ok(
        rows[0]?.violations.some((v) => v.code === 'duplicate_json_key' && v.path === path),
        `${name}: ${JSON.stringify(rows[0]?.violations)}`,
      );
    }
  });

  it('10: schema-valid values PostgreSQL cannot store get a code naming the field', async () => {
    const expected: Record<string, string> = {
      'nul-correlation': 'control_character',
      'nul-civic': 'control_character',
      'leap-second': 'invalid_requested_at',
      'year-zero': 'invalid_requested_at',
      'nul-key': 'partition_key_mismatch',
    };
    for (const [name, code] of Object.entries(expected)) assert.equal(await codeAt(name), code, name);
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM dead_letters WHERE error_code = 'internal_error'`);
    assert.equal(rows[0]?.n, 0);
  });

  it('11: no two status events share a ce_id', () => {
    const ids = status.received.map((r) => headerText(r.headers, 'ce_id'));
    assert.equal(new Set(ids).size, ids.length, 'ce_ids are unique');
    const valid = status.received.filter((r) => headerText(r.headers, 'ce_subject') === `collide:rejected:${topics.orders}:0`);
    assert.deepEqual(
      valid.map((r) => parseStatusEvent(r.headers, r.value).data.state),
      ['acknowledged', 'completed'],
    );
  });

  it('12: a conflicting resend is its own event type, not a transition of the accepted order', () => {
    const ofOrder = status.received.filter((r) => headerText(r.headers, 'ce_subject') === 'conflict-1');
    const lifecycle = ofOrder
      .filter((r) => headerText(r.headers, 'ce_type') === STATUS_EVENT_TYPE)
      .map((r) => parseStatusEvent(r.headers, r.value).data.state);
    assert.deepEqual(lifecycle, ['acknowledged', 'completed']);
    const resend = ofOrder.filter((r) => headerText(r.headers, 'ce_type') === RESEND_REJECTED_EVENT_TYPE);
    assert.equal(resend.length, 1);
    const data = JSON.parse(resend[0]?.value?.toString() ?? '{}') as { state: string; violations: Array<{ code: string }> };
    assert.equal(data.state, 'rejected');
    assert.equal(data.violations[0]?.code, 'duplicate_order_conflict');
  });

  it('13: a Teams tenant GUID is the same tenant in any case, stored lower case', async () => {
    assert.equal(await codeAt('tenant-upper'), undefined);
    const { rows } = await pool.query<{ teams_tenant_id: string; last_order_id: string }>(
      `SELECT teams_tenant_id, last_order_id FROM accounts WHERE name = 'hostile-b'`,
    );
    assert.deepEqual(rows[0], { teams_tenant_id: TENANT.toLowerCase(), last_order_id: 'tenant-2' });
  });
});
