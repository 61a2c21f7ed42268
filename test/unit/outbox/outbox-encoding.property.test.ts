import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { PoolClient } from 'pg';
import type { StatusEventData } from '../../../src/core/status/status-data.js';
import { STATUS_EVENT_TYPE } from '../../../src/core/status/status-data.js';
import { recordsOf, type OutboxRow } from '../../../src/outbox/outbox-records.js';
import { StatusEventRows } from '../../../src/outbox/status-event-rows.js';
import { OutboxEncodingError, packValues, textArrayLiteral, unpackStatusRow } from '../../../src/outbox/status-row-events.js';

/** Strings with what broke the old encoding: line feeds, U+2028/2029, NUL, ":" runs, quotes, braces, lone surrogates. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({
    unit: fc.constantFrom('\n', '\r', '\u2028', '\u2029', '\u0000', ':', '"', '\\', '{', '}', ',', ' ', 'a', '\ud800', 'é'),
    maxLength: 16,
  }),
  fc.constantFrom('ORD-1\nORD-2', 'a:b::c:1', 'NULL', '', '\u2028', '\u0000'),
);

/**
 * The oracle of a text[] literal as textArrayLiteral writes it (every element
 * double-quoted, `"` and `\` escaped), read the way PostgreSQL's array_in
 * reads one; test/integration/outbox/outbox.encoding.test.ts checks the same
 * literals against PostgreSQL itself.
 */
function readTextArrayLiteral(literal: string): string[] {
  assert.ok(literal.startsWith('{') && literal.endsWith('}'), literal);
  const out: string[] = [];
  let i = 1;
  if (literal[i] === '}') return out;
  for (;;) {
    assert.equal(literal[i], '"', `element at ${i} of ${JSON.stringify(literal)} is quoted`);
    i += 1;
    let element = '';
    while (literal[i] !== '"') {
      if (literal[i] === '\\') i += 1;
      element += literal[i];
      i += 1;
    }
    out.push(element);
    i += 1;
    if (literal[i] === '}') return out;
    assert.equal(literal[i], ',');
    i += 1;
  }
}

function event(orderId: string, state: string, extra: Partial<StatusEventData> = {}): StatusEventData {
  return {
    orderId,
    account: null,
    state,
    previousState: null,
    occurredAt: '2026-11-29T10:00:00.000Z',
    attempts: 0,
    items: [],
    ...extra,
  } as unknown as StatusEventData;
}

/** The parameters StatusEventRows sends, captured by a client that only records them. */
async function paramsOf(rows: StatusEventRows): Promise<unknown[]> {
  let params: unknown[] = [];
  const client = {
    query: async (_q: unknown, values: unknown[]) => {
      params = values;
    },
  } as unknown as PoolClient;
  await rows.insert(client);
  return params;
}

describe('outbox encoding', () => {
  it('JSON.stringify never writes a raw line feed, whatever the strings (line feeds, U+2028, NUL, lone surrogates)', () => {
    fc.assert(
      fc.property(fc.oneof(nasty, fc.jsonValue(), fc.dictionary(nasty, nasty)), (value) => {
        assert.ok(!JSON.stringify(value).includes('\n'));
      }),
      { numRuns: 2_000 },
    );
  });

  it('round-trips any ids and any JSON values of a row', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(nasty, fc.oneof(nasty, fc.jsonValue())), { minLength: 1, maxLength: 6 }), (events) => {
        const ids = events.map(([id]) => id);
        const values = events.map(([, v]) => JSON.stringify(v));
        const unpacked = unpackStatusRow(ids, Buffer.from(packValues(values), 'utf8'));
        assert.deepEqual(
          unpacked.map((e) => e.id),
          ids,
        );
        assert.deepEqual(
          unpacked.map((e) => e.value.toString('utf8')),
          values.map((v) => Buffer.from(v, 'utf8').toString('utf8')),
        );
      }),
      { numRuns: 1_000 },
    );
  });

  it('writes text[] literals that read back as the same elements', () => {
    fc.assert(
      fc.property(fc.array(nasty, { maxLength: 6 }), (items) => {
        assert.deepEqual(readTextArrayLiteral(textArrayLiteral(items)), items);
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps every event of any orderId with its own id through StatusEventRows and the relay decoding', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(nasty, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 5 }), async (orders) => {
        const rows = new StatusEventRows('status');
        const expected: Array<{ id: string; orderId: string }> = [];
        for (const [orderId, n] of orders) {
          const events = Array.from({ length: n }, (_, i) => ({
            id: `${orderId}:${i + 1}`,
            data: event(orderId, i === 0 ? 'acknowledged' : 'inProgress'),
          }));
          rows.addSequence(events);
          expected.push(...events.map((e) => ({ id: e.id, orderId })));
        }
        const [, keys, values, ids, orderIds, times, types, subjects] = (await paramsOf(rows)) as [
          string,
          string[],
          string[],
          string[],
          string[],
          string[],
          (string | null)[],
          (string | null)[],
        ];
        const published = ids.flatMap((literal, i) =>
          recordsOf(
            {
              id: String(i),
              topic: 'status',
              message_key: Buffer.from(keys[i] as string),
              value: Buffer.from(values[i] as string),
              headers: null,
              event_ids: readTextArrayLiteral(literal),
              event_type: types[i] ?? null,
              event_subject: subjects[i] ?? null,
              order_id: orderIds[i] ?? null,
              event_time: new Date(times[i] as string),
              attempts: 0,
            } satisfies OutboxRow,
            '/test',
          ),
        );
        assert.deepEqual(
          published.map((m) => (m.headers as Record<string, string>).ce_id),
          expected.map((e) => e.id),
        );
        assert.deepEqual(
          published.map((m) => (JSON.parse(String(m.value)) as StatusEventData).orderId),
          expected.map((e) => e.orderId),
        );
        for (const m of published) assert.equal((m.headers as Record<string, string>).ce_type, STATUS_EVENT_TYPE);
      }),
      { numRuns: 300 },
    );
  });

  it('gives rows of another type or subject rows of their own, and derives their headers', async () => {
    const rows = new StatusEventRows('status');
    rows.add('ORD-1:1', event('ORD-1', 'acknowledged'));
    rows.add('ORD-1:r', event('ORD-1', 'rejected'), { type: 'io.flowthrough.order.resend-rejected.v1' });
    rows.add('ORD-1:s', event('ORD-1', 'rejected'), { type: STATUS_EVENT_TYPE, subject: 'other' });
    const [, , , ids, orderIds, , types, subjects] = (await paramsOf(rows)) as [
      string,
      string[],
      string[],
      string[],
      string[],
      string[],
      (string | null)[],
      (string | null)[],
    ];
    assert.equal(ids.length, 3, 'no two of them share a row');
    assert.deepEqual(types, [null, 'io.flowthrough.order.resend-rejected.v1', null], 'the status type is stored as NULL');
    assert.deepEqual(subjects, [null, null, 'other']);
    assert.deepEqual(orderIds, ['ORD-1', 'ORD-1', 'ORD-1']);
  });

  it('stores an unstorable orderId the way dead letters do, keeping the exact subject where text can hold it', async () => {
    const rows = new StatusEventRows('status');
    rows.add('rejected/orders/0/7', event('a\nb', 'rejected'));
    rows.add('rejected/orders/0/8', event('a\u0000b', 'rejected'));
    const [, , , , orderIds, , , subjects] = (await paramsOf(rows)) as [
      string,
      string[],
      string[],
      string[],
      string[],
      string[],
      (string | null)[],
      (string | null)[],
    ];
    assert.deepEqual(orderIds, ['a\\u000ab', 'a\\u0000b']);
    assert.deepEqual(subjects, ['a\nb', null]);
  });

  it('refuses, as an encoding error, a row whose ids and values do not pair up, and a raw row whose headers are not stored JSON', () => {
    assert.deepEqual(
      unpackStatusRow(['a\nb'], Buffer.from('{}')),
      [{ id: 'a\nb', value: Buffer.from('{}') }],
      'a line feed in an id is just a character',
    );
    assert.throws(() => unpackStatusRow(['a', 'b'], Buffer.from('{}')), OutboxEncodingError);
    const raw: OutboxRow = {
      id: '1',
      topic: 't',
      message_key: null,
      value: Buffer.from('v'),
      headers: '{not json',
      event_ids: null,
      event_type: null,
      event_subject: null,
      order_id: null,
      event_time: null,
      attempts: 0,
    };
    assert.throws(() => recordsOf(raw, '/test'), OutboxEncodingError);
  });
});
