import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PoolClient } from 'pg';
import type { StatusEventData } from '../../../src/core/status/status-data.js';
import { StatusEventRows } from '../../../src/outbox/status-event-rows.js';
import { textArrayLiteral, unpackStatusRow } from '../../../src/outbox/status-row-events.js';

function event(orderId: string, state: string, occurredAt = '2026-11-29T10:00:00.000Z'): StatusEventData {
  return { orderId, account: 'acme', state, previousState: null, occurredAt, attempts: 0, items: [] } as unknown as StatusEventData;
}

/** The parameters StatusEventRows sends, captured by a client that only records them. */
async function rowsOf(rows: StatusEventRows): Promise<{ keys: string[]; values: string[]; ids: string[]; orders: string[] }> {
  let params: unknown[] = [];
  const client = {
    query: async (_q: unknown, values: unknown[]) => {
      params = values;
    },
  } as unknown as PoolClient;
  await rows.insert(client);
  const [, keys, values, ids, orders] = params as [string, string[], string[], string[], string[]];
  return { keys, values, ids, orders };
}

describe('status rows holding several events', () => {
  it('unpacks a single event unchanged', () => {
    const value = Buffer.from('{"a":1}');
    assert.deepEqual(unpackStatusRow(['ORD-1:1'], value), [{ id: 'ORD-1:1', value }]);
  });

  it('unpacks joined events in order, each value intact', () => {
    const events = unpackStatusRow(['ORD-1:1', 'ORD-1:2'], Buffer.from('{"state":"acknowledged","note":"a\\nb"}\n{"state":"inProgress"}'));
    assert.deepEqual(
      events.map((e) => [e.id, JSON.parse(e.value.toString('utf8'))]),
      [
        ['ORD-1:1', { state: 'acknowledged', note: 'a\nb' }],
        ['ORD-1:2', { state: 'inProgress' }],
      ],
    );
  });

  it('refuses a row whose ids and values do not pair up', () => {
    assert.throws(() => unpackStatusRow(['ORD-1:1', 'ORD-1:2'], Buffer.from('{"state":"acknowledged"}')), /2 event ids but 1 values/);
  });

  it('packs the events of one order at one instant into one row, and round-trips them', async () => {
    const rows = new StatusEventRows('status');
    rows.addSequence([
      { id: 'ORD-1:1', data: event('ORD-1', 'acknowledged') },
      { id: 'ORD-1:2', data: event('ORD-1', 'inProgress') },
    ]);
    rows.addSequence([{ id: 'ORD-2:1', data: event('ORD-2', 'acknowledged') }]);
    assert.equal(rows.size, 3);
    const sent = await rowsOf(rows);
    assert.deepEqual(sent.ids, [textArrayLiteral(['ORD-1:1', 'ORD-1:2']), textArrayLiteral(['ORD-2:1'])]);
    assert.deepEqual(sent.orders, ['ORD-1', 'ORD-2']);
    const unpacked = unpackStatusRow(['ORD-1:1', 'ORD-1:2'], Buffer.from(sent.values[0] as string));
    assert.deepEqual(
      unpacked.map((e) => [e.id, (JSON.parse(e.value.toString('utf8')) as { state: string }).state]),
      [
        ['ORD-1:1', 'acknowledged'],
        ['ORD-1:2', 'inProgress'],
      ],
    );
  });

  it('keeps events of different instants in rows of their own', async () => {
    const rows = new StatusEventRows('status');
    rows.addSequence([
      { id: 'ORD-1:1', data: event('ORD-1', 'acknowledged', '2026-11-29T10:00:00.000Z') },
      { id: 'ORD-1:2', data: event('ORD-1', 'inProgress', '2026-11-29T10:00:01.000Z') },
    ]);
    assert.deepEqual((await rowsOf(rows)).ids, [textArrayLiteral(['ORD-1:1']), textArrayLiteral(['ORD-1:2'])]);
  });

  it('writes each event summarised to the status event size limit, the ones that fit whole', async () => {
    const numbers = Array.from({ length: 200 }, (_, i) => ({
      telephoneNumber: `+1425555${String(i).padStart(4, '0')}`,
      state: 'succeeded',
    }));
    const large = {
      ...event('ORD-1', 'completed'),
      items: [{ id: 'n1', action: 'upsert', resource: 'numbers', state: 'completed', numbers }],
    } as unknown as StatusEventData;
    const rows = new StatusEventRows('status', 2_000);
    rows.addSequence([
      { id: 'ORD-1:1', data: event('ORD-1', 'acknowledged') },
      { id: 'ORD-1:2', data: large },
    ]);
    const [value] = (await rowsOf(rows)).values;
    const [small, summary] = unpackStatusRow(['ORD-1:1', 'ORD-1:2'], Buffer.from(value as string)).map((e) => e.value);
    assert.deepEqual(JSON.parse((small as Buffer).toString('utf8')), event('ORD-1', 'acknowledged'));
    assert.ok((summary as Buffer).length <= 2_000);
    const data = JSON.parse((summary as Buffer).toString('utf8')) as StatusEventData;
    assert.deepEqual(data.items[0]?.numberCounts, { pending: 0, succeeded: 200, failed: 0, held: 0, superseded: 0 });
    assert.equal(data.numbersOmitted?.readApiPath, '/v1/orders/ORD-1/numbers');
  });
});
