import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusEventData } from '../../../src/core/status/status-data.js';
import { fitStatusRecords, recordsOf, type OutboxRow } from '../../../src/outbox/outbox-records.js';

const numbers = Array.from({ length: 100 }, (_, i) => ({
  telephoneNumber: `+1425${String(5_000_000 + i)}`,
  state: 'failed',
  errorCode: 'X',
}));
const data = {
  orderId: 'ORD-1',
  account: 'acme',
  state: 'failed',
  previousState: 'inProgress',
  occurredAt: '2026-12-03T10:00:00.000Z',
  attempts: 1,
  items: [{ id: 'n', action: 'upsert', resource: 'numbers', state: 'failed', numbers }],
} as unknown as StatusEventData;

function row(value: string, headers: string | null = null): OutboxRow {
  return {
    id: '1',
    topic: 'status',
    message_key: Buffer.from('acme'),
    value: Buffer.from(value),
    headers,
    event_ids: headers === null ? ['ORD-1:3'] : null,
    event_type: null,
    event_subject: null,
    order_id: 'ORD-1',
    event_time: new Date('2026-12-03T10:00:00.000Z'),
    attempts: 0,
  };
}

describe('status records within STATUS_EVENT_MAX_BYTES at the relay', () => {
  const whole = JSON.stringify(data);

  it('passes a status event within the limit unchanged, to the byte', () => {
    const r = row(whole);
    const fitted = fitStatusRecords(r, recordsOf(r, '/test'), Buffer.byteLength(whole));
    assert.ok('messages' in fitted);
    assert.equal(String(fitted.messages[0]?.value), whole);
  });

  it('summarises one written whole that exceeds it, keeping key and headers', () => {
    const r = row(whole);
    const messages = recordsOf(r, '/test');
    const fitted = fitStatusRecords(r, messages, 1_000);
    assert.ok('messages' in fitted);
    const m = fitted.messages[0];
    assert.ok(m !== undefined);
    assert.ok((m.value as Buffer).length <= 1_000);
    const value = JSON.parse((m.value as Buffer).toString('utf8')) as StatusEventData;
    assert.deepEqual(value.items[0]?.numberCounts, { pending: 0, succeeded: 0, failed: 100, held: 0, superseded: 0 });
    assert.deepEqual(m.headers, messages[0]?.headers);
    assert.deepEqual(m.key, messages[0]?.key);
  });

  it('reports one too large even summarised, or not a status event at all, with its size', () => {
    const r = row(whole);
    assert.deepEqual(fitStatusRecords(r, recordsOf(r, '/test'), 100), { tooLarge: Buffer.byteLength(whole) });
    const junk = row(`{"not":"${'x'.repeat(500)}"}`);
    assert.deepEqual(fitStatusRecords(junk, recordsOf(junk, '/test'), 100), { tooLarge: 510 });
  });

  it('leaves a dead-letter copy (stored headers) alone, whatever its size', () => {
    const r = row('x'.repeat(5_000), '[]');
    const messages = recordsOf(r, '/test');
    assert.deepEqual(fitStatusRecords(r, messages, 100), { messages });
  });
});
