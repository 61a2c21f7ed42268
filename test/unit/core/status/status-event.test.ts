import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../../../../src/core/errors.js';
import {
  STATUS_EVENT_TYPE,
  STATUS_SCHEMA_ID,
  buildStatusEvent,
  parseStatusEvent,
  statusEventId,
  type StatusEventData,
} from '../../../../src/core/status/index.js';
import { statusSchema as schema, statusSchemaErrors } from '../../../support/status-schema.js';
import { ACKNOWLEDGED, IN_PROGRESS, PARTIAL, REJECTED, SUPERSEDED_AND_REFUSED } from './status-examples.js';

function assertValid(data: unknown): void {
  assert.deepEqual(statusSchemaErrors(data), []);
}

const SOURCE = '/flowthrough/test';

describe('status event schema', () => {
  it('has the $id the events name as ce_dataschema', () => assert.equal(schema.$id, STATUS_SCHEMA_ID));

  for (const [name, data] of Object.entries({ REJECTED, ACKNOWLEDGED, IN_PROGRESS, PARTIAL, SUPERSEDED_AND_REFUSED })) {
    it(`accepts the built ${name} event's value`, () => {
      const record = buildStatusEvent({ id: statusEventId(data.orderId, 1), data }, { source: SOURCE });
      assertValid(JSON.parse(record.value));
    });
  }

  const invalid: readonly [string, unknown][] = [
    ['a first event that is neither acknowledged nor rejected', { ...ACKNOWLEDGED, state: 'inProgress' }],
    ['a rejection without violations', { ...REJECTED, violations: [] }],
    ['a rejection after acknowledgement', { ...REJECTED, previousState: 'acknowledged' }],
    ['an accepted order without items', { ...ACKNOWLEDGED, items: [] }],
    ['a negative attempt count', { ...IN_PROGRESS, attempts: -1 }],
    ['a fractional attempt count', { ...IN_PROGRESS, attempts: 1.5 }],
    ['an occurredAt that is no date-time', { ...IN_PROGRESS, occurredAt: 'yesterday' }],
    ['an unknown state', { ...IN_PROGRESS, state: 'cancelled' }],
    ['an unknown field', { ...IN_PROGRESS, extra: true }],
    [
      'a number that is not E.164',
      {
        ...IN_PROGRESS,
        items: [
          {
            id: 'i',
            action: 'upsert',
            resource: 'numbers',
            state: 'inProgress',
            numbers: [{ telephoneNumber: '0201234', state: 'pending' }],
          },
        ],
      },
    ],
    [
      'an unknown number state',
      {
        ...IN_PROGRESS,
        items: [
          {
            id: 'i',
            action: 'upsert',
            resource: 'numbers',
            state: 'inProgress',
            numbers: [{ telephoneNumber: '+15550100001', state: 'done' }],
          },
        ],
      },
    ],
  ];
  for (const [name, data] of invalid) {
    it(`refuses ${name}`, () => assert.notDeepEqual(statusSchemaErrors(data), []));
  }
});

describe('buildStatusEvent', () => {
  it('publishes in CloudEvents binary mode', () => {
    const record = buildStatusEvent({ id: 'order-0001:2', data: IN_PROGRESS }, { source: SOURCE });
    assert.deepEqual(record.headers, {
      ce_specversion: '1.0',
      ce_id: 'order-0001:2',
      ce_source: SOURCE,
      ce_type: 'io.flowthrough.order.status.v1',
      ce_subject: 'order-0001',
      ce_time: IN_PROGRESS.occurredAt,
      ce_dataschema: STATUS_SCHEMA_ID,
      'content-type': 'application/json',
    });
    assert.deepEqual(JSON.parse(record.value), IN_PROGRESS);
  });

  it('keys by account, like the orders topic', () => {
    assert.equal(buildStatusEvent({ id: 'x:1', data: PARTIAL }, { source: SOURCE }).key, 'fabrikam');
  });

  it('keys by orderId when no account could be read', () => {
    assert.equal(buildStatusEvent({ id: 'x:1', data: REJECTED }, { source: SOURCE }).key, 'order-0004');
  });

  it('takes ce_time from the options when given', () => {
    const record = buildStatusEvent({ id: 'x:1', data: PARTIAL }, { source: SOURCE, time: '2025-03-01T11:00:00Z' });
    assert.equal(record.headers.ce_time, '2025-03-01T11:00:00Z');
  });

  it('publishes only the schema fields of the data it is given', () => {
    const row = { ...ACKNOWLEDGED, version: 7, items: ACKNOWLEDGED.items.map((i) => ({ ...i, orderId: 'order-0001' })) };
    const value: unknown = JSON.parse(buildStatusEvent({ id: 'x:1', data: row }, { source: SOURCE }).value);
    assert.deepEqual(value, ACKNOWLEDGED);
    assertValid(value);
  });

  it('refuses an empty id or source', () => {
    const isInvalid = (error: unknown) => error instanceof PermanentError && error.code === 'invalid_status_event';
    assert.throws(() => buildStatusEvent({ id: '', data: PARTIAL }, { source: SOURCE }), isInvalid);
    assert.throws(() => buildStatusEvent({ id: 'x:1', data: PARTIAL }, { source: '' }), isInvalid);
  });
});

describe('parseStatusEvent', () => {
  const asReceived = (headers: Record<string, string>): Record<string, Buffer> =>
    Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));

  for (const data of [REJECTED, ACKNOWLEDGED, IN_PROGRESS, PARTIAL] as const) {
    it(`round-trips build → parse for a ${data.state} event, as kafkajs delivers it (Buffers)`, () => {
      const record = buildStatusEvent({ id: statusEventId(data.orderId, 3), data }, { source: SOURCE });
      const event = parseStatusEvent(asReceived(record.headers), Buffer.from(record.value));
      assert.deepEqual(event, {
        specversion: '1.0',
        id: `${data.orderId}:3`,
        source: SOURCE,
        type: STATUS_EVENT_TYPE,
        subject: data.orderId,
        time: data.occurredAt,
        dataschema: STATUS_SCHEMA_ID,
        datacontenttype: 'application/json',
        data,
      });
    });
  }

  it('reads structured mode too', () => {
    const envelope = { specversion: '1.0', id: 'e-1', source: SOURCE, type: STATUS_EVENT_TYPE, subject: 'order-0002', data: PARTIAL };
    const event = parseStatusEvent({ 'Content-Type': 'application/cloudevents+json; charset=UTF-8' }, JSON.stringify(envelope));
    assert.equal(event.id, 'e-1');
    assert.equal(event.time, undefined);
    assert.deepEqual(event.data, PARTIAL);
  });

  const record = buildStatusEvent({ id: 'order-0001:1', data: ACKNOWLEDGED }, { source: SOURCE });
  const broken: readonly [string, Record<string, string>, string | null, RegExp][] = [
    ['a tombstone', record.headers, null, /tombstone/],
    ['a value that is not JSON', record.headers, '{', /not JSON/],
    ['another event type', { ...record.headers, ce_type: 'io.flowthrough.order.v1' }, record.value, /not a status event/],
    ['another specversion', { ...record.headers, ce_specversion: '0.3' }, record.value, /CloudEvents 1.0/],
    ['a missing id', { ...record.headers, ce_id: '' }, record.value, /no id/],
    ['data without orderId', record.headers, JSON.stringify({ ...ACKNOWLEDGED, orderId: undefined }), /no orderId/],
    ['data with an unknown state', record.headers, JSON.stringify({ ...ACKNOWLEDGED, state: 'done' }), /unknown state/],
  ];
  for (const [name, headers, value, message] of broken) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseStatusEvent(headers, value),
        (error: unknown) => error instanceof PermanentError && error.code === 'invalid_status_event' && message.test(error.message),
      );
    });
  }

  it('keeps the data types the subscriber reads', () => {
    const data: StatusEventData = parseStatusEvent(record.headers, record.value).data;
    assert.equal(data.items.length, 2);
  });
});
