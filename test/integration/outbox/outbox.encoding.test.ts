import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { STATUS_EVENT_TYPE } from '../../../src/core/status/status-data.js';
import { orderStatusEvents, StatusEventRows } from '../../../src/outbox/index.js';
import { textArrayLiteral } from '../../../src/outbox/status-row-events.js';
import { createTestDatabase, createTopics } from '../../support/test-context.js';
import { caughtUp, collectRaw, count, eventually, within } from '../../support/intake-kit.js';
import { header, inLogOrder, insertStatusEvents, startRelay, statusData } from '../../support/outbox-kit.js';

/**
 * Status rows keep their events' ids in a text[] column (event_ids): an id or
 * orderId holding a line feed, ":" runs or U+2028 is published with exactly
 * its ce_id, and the rows behind it flow. A row that cannot be decoded (as a
 * worker of the previous version could write it) is parked at once, not
 * retried, and stops nothing. Read back (`orders show`), an order's rows
 * split into the same events the relay publishes.
 */

const { pool } = await createTestDatabase();

describe('outbox event ids', () => {
  it('reach PostgreSQL as written: every text[] literal of textArrayLiteral reads back as its elements', async () => {
    const text = fc.string({
      unit: fc.constantFrom('\n', '\r', '\u2028', ':', '"', '\\', '{', '}', ',', ' ', 'N', 'U', 'L', 'a', 'é', '😀'),
      maxLength: 12,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            text,
            fc.string({ maxLength: 12 }).map((s) => s.replaceAll('\u0000', '')),
          ),
          { maxLength: 5 },
        ),
        async (items) => {
          const { rows } = await pool.query<{ a: string[] }>('SELECT $1::text[] AS a', [textArrayLiteral(items)]);
          assert.deepEqual(rows[0]?.a, items);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('publishes each event of an orderId with "\\n", ":" runs or U+2028 with exactly its ce_id, in order, and the rows behind it', async () => {
    const [status] = (await createTopics(['status'], 3)) as [string];
    const collector = await collectRaw(status);
    const multiLine = 'ORD\nINJECTED:2';
    const colons = 'a:b::c:::1';
    const separator = 'ORD\u2028SEP';
    await insertStatusEvents(pool, status, [
      // Two events in one row: the ids used to be joined by "\n", the orderId's own "\n" made three of them.
      [
        { id: `${multiLine}:1`, data: statusData(multiLine, 'acknowledged') },
        { id: `${multiLine}:2`, data: statusData(multiLine, 'completed') },
      ],
      [{ id: `rejected\nid:${colons}:1`, data: statusData(colons, 'rejected') }],
      [{ id: `${separator}:1`, data: statusData(separator, 'rejected'), type: 'io.flowthrough.order.resend-rejected.v1' }],
      [{ id: 'ORD-after:1', data: statusData('ORD-after', 'acknowledged') }],
    ]);
    // A row as a worker of the previous version writes it: event_id only, the ids joined by "\n" (it reads fine).
    await pool.query(
      `INSERT INTO outbox (topic, message_key, value, event_id, order_id, event_time)
       VALUES ($1, convert_to('acct-1', 'UTF8'), convert_to($2, 'UTF8'), 'ORD-old:1' || E'\\n' || 'ORD-old:2', 'ORD-old', now())`,
      [status, [JSON.stringify(statusData('ORD-old', 'acknowledged')), JSON.stringify(statusData('ORD-old', 'completed'))].join('\n')],
    );
    // …and one it wrote for an orderId with "\n": read back as 4 ids for 2 values. It can never be published as stored.
    await pool.query(
      `INSERT INTO outbox (topic, message_key, value, event_id, order_id, event_time)
       VALUES ($1, convert_to('acct-1', 'UTF8'), convert_to($2, 'UTF8'), 'O' || E'\\n' || 'X:1' || E'\\n' || 'O' || E'\\n' || 'X:2', 'O' || E'\\n' || 'X', now())`,
      [status, [JSON.stringify(statusData('O\nX', 'acknowledged')), JSON.stringify(statusData('O\nX', 'completed'))].join('\n')],
    );
    await insertStatusEvents(pool, status, [[{ id: 'ORD-last:1', data: statusData('ORD-last', 'acknowledged') }]]);

    const relay = await startRelay(pool);
    await within(relay.parkedCount(1), 30_000, 'the undecodable row to be parked');
    const expected = [
      `${multiLine}:1`,
      `${multiLine}:2`,
      `rejected\nid:${colons}:1`,
      `${separator}:1`,
      'ORD-after:1',
      'ORD-old:1',
      'ORD-old:2',
      'ORD-last:1',
    ];
    await within(
      collector.waitFor((all) => all.length >= expected.length),
      30_000,
      `${expected.length} status events`,
    );
    await eventually(
      async () => (await count(pool, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND parked_at IS NULL')) === 0,
      'every other row to be marked',
    );
    assert.equal(await caughtUp(collector, status), expected.length, 'nothing else, nothing twice');

    const records = inLogOrder(collector.received);
    assert.equal(new Set(records.map((r) => r.partition)).size, 1, 'one key, one partition');
    assert.deepEqual(
      records.map((r) => header(r, 'ce_id')),
      expected,
      'exact ce_ids, in order, the undecodable row left out',
    );
    const byId = new Map(records.map((r) => [header(r, 'ce_id'), r]));
    assert.equal(header(byId.get(`${multiLine}:2`)!, 'ce_subject'), multiLine, 'the subject is the exact orderId');
    assert.equal((JSON.parse(byId.get(`${multiLine}:2`)!.value!.toString()) as { orderId: string; state: string }).state, 'completed');
    assert.equal(header(byId.get(`${separator}:1`)!, 'ce_type'), 'io.flowthrough.order.resend-rejected.v1');
    assert.equal(header(byId.get('ORD-after:1')!, 'ce_type'), STATUS_EVENT_TYPE);
    assert.equal(header(byId.get('ORD-old:2')!, 'ce_subject'), 'ORD-old');

    const [parked] = relay.parked;
    assert.equal(parked?.orderId, 'O\nX');
    assert.equal(parked?.attempts, 1, 'parked at its first attempt: no retry can decode it');
    assert.match(parked?.error ?? '', /4 event ids but 2 values/);
  });

  it("reads an order's rows back as the events the relay publishes: rows of several events, a previous version's row, an undecodable one", async () => {
    const orderId = 'ORD\u2028read:back';
    const client = await pool.connect();
    try {
      // Never committed: the relay started above must not publish these rows.
      await client.query('BEGIN');
      const rows = new StatusEventRows('status.read-back');
      rows.addSequence([
        { id: `${orderId}:1`, data: statusData(orderId, 'acknowledged') },
        { id: `${orderId}:2`, data: statusData(orderId, 'inProgress') },
      ]);
      rows.addSequence([{ id: `${orderId}:3`, data: statusData(orderId, 'completed') }]);
      await rows.insert(client);
      // A row as a worker of the previous version writes it: event_id only, the ids joined by "\n".
      await client.query(
        `INSERT INTO outbox (topic, message_key, value, event_id, order_id, event_time)
         VALUES ('status.read-back', convert_to('acct-1', 'UTF8'), convert_to($1, 'UTF8'), $2 || E'\\n' || $3, $4, now())`,
        [
          [JSON.stringify(statusData(orderId, 'held')), JSON.stringify(statusData(orderId, 'completed'))].join('\n'),
          `${orderId}:4`,
          `${orderId}:5`,
          orderId,
        ],
      );
      // …and one whose ids and values do not pair up: its events show, without values.
      await client.query(
        `INSERT INTO outbox (topic, message_key, value, event_ids, order_id, event_time)
         VALUES ('status.read-back', convert_to('acct-1', 'UTF8'), convert_to($1, 'UTF8'), $2::text[], $3, now())`,
        [JSON.stringify(statusData(orderId, 'failed')), textArrayLiteral([`${orderId}:6`, `${orderId}:7`]), orderId],
      );
      const stored = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE order_id = $1', [orderId]);
      assert.equal(stored.rows[0]?.n, 4, 'the first two events share a row');

      const events = await orderStatusEvents(client, orderId);
      assert.deepEqual(
        events.map((e) => [e.eventId, e.value === null ? null : (JSON.parse(e.value.toString('utf8')) as { state: string }).state]),
        [
          [`${orderId}:1`, 'acknowledged'],
          [`${orderId}:2`, 'inProgress'],
          [`${orderId}:3`, 'completed'],
          [`${orderId}:4`, 'held'],
          [`${orderId}:5`, 'completed'],
          [`${orderId}:6`, null],
          [`${orderId}:7`, null],
        ],
      );
      assert.ok(events.every((e) => e.publishedAt === null && e.createdAt instanceof Date));
      assert.deepEqual(await orderStatusEvents(client, 'ORD-none'), []);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
