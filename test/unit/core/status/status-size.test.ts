import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countStates,
  orderShowCommand,
  statusEventValue,
  utf8Length,
  type ItemStatus,
  type NumberResult,
  type StatusEventData,
} from '../../../../src/core/status/index.js';
import { statusSchemaErrors } from '../../../support/status-schema.js';

const STATES = ['succeeded', 'failed', 'pending', 'held', 'superseded'] as const;

function numbers(count: number, first = 0): NumberResult[] {
  return Array.from({ length: count }, (_, i) => {
    const state = STATES[i % STATES.length] as NumberResult['state'];
    const telephoneNumber = `+1425${String(5_000_000 + first + i).padStart(7, '0')}`;
    return state === 'failed'
      ? { telephoneNumber, state, errorCode: 'NumberNotPorted', message: 'the number is not ported' }
      : { telephoneNumber, state };
  });
}

function numbersItem(id: string, count: number, first = 0): ItemStatus {
  return {
    id,
    action: 'upsert',
    resource: 'numbers',
    state: 'partial',
    reason: { code: 'NumberNotPorted', message: 'some failed' },
    numbers: numbers(count, first),
  };
}

function order(items: ItemStatus[], orderId = 'ORD-size-1'): StatusEventData {
  return {
    orderId,
    account: 'contoso',
    state: 'partial',
    previousState: 'inProgress',
    occurredAt: '2026-12-03T10:00:00.000Z',
    attempts: 3,
    items: [{ id: 'acct', action: 'upsert', resource: 'account', state: 'completed' }, ...items],
  };
}

function parsed(value: string): StatusEventData {
  return JSON.parse(value) as StatusEventData;
}

const fullBytes = (data: StatusEventData): number => Buffer.byteLength(statusEventValue(data, Number.POSITIVE_INFINITY).value);

describe('statusEventValue', () => {
  it('keeps an event exactly at the limit whole', () => {
    const data = order([numbersItem('n1', 40)]);
    const limit = fullBytes(data);
    const sized = statusEventValue(data, limit);
    assert.deepEqual(sized.summarisedItems, []);
    assert.equal(sized.fits, true);
    assert.equal(sized.bytes, limit);
    assert.equal(parsed(sized.value).numbersOmitted, undefined);
    assert.equal(parsed(sized.value).items[1]?.numbers?.length, 40);
  });

  it('summarises an event one byte over the limit: counts per state and a link instead of the numbers', () => {
    const data = order([numbersItem('n1', 40)]);
    const limit = fullBytes(data) - 1;
    const sized = statusEventValue(data, limit);
    assert.deepEqual(sized.summarisedItems, ['n1']);
    assert.equal(sized.fits, true);
    assert.ok(sized.bytes <= limit, `${sized.bytes} <= ${limit}`);
    assert.equal(sized.bytes, Buffer.byteLength(sized.value));
    const value = parsed(sized.value);
    const item = value.items[1] as ItemStatus;
    assert.equal(item.numbers, undefined);
    assert.deepEqual(item.numberCounts, { pending: 8, succeeded: 8, failed: 8, held: 8, superseded: 8 });
    assert.deepEqual(item.reason, { code: 'NumberNotPorted', message: 'some failed' });
    assert.deepEqual(value.numbersOmitted, {
      maxBytes: limit,
      readApiPath: '/v1/orders/ORD-size-1/numbers',
      command: 'flowthrough orders show ORD-size-1 --json',
    });
    assert.deepEqual(value.items[0], data.items[0]);
    assert.deepEqual(statusSchemaErrors(value), []);
  });

  it('drops the largest arrays first, only as many as it must, equal ones in item order', () => {
    const data = order([
      numbersItem('small', 5, 0),
      numbersItem('large', 300, 100),
      numbersItem('mid-a', 60, 1000),
      numbersItem('mid-b', 60, 2000),
    ]);
    const full = fullBytes(data);
    // Just over: the largest goes, the rest stay.
    const one = statusEventValue(data, full - 1);
    assert.deepEqual(one.summarisedItems, ['large']);
    const items = parsed(one.value).items;
    assert.equal(items[1]?.numbers?.length, 5);
    assert.equal(items[3]?.numbers?.length, 60);
    assert.equal(items[4]?.numbers?.length, 60);
    // Tight enough that the two equal mid-size arrays go too: the first of them first.
    const twoLimit = one.bytes - 200;
    const two = statusEventValue(data, twoLimit);
    assert.deepEqual(two.summarisedItems, ['large', 'mid-a']);
    const three = statusEventValue(data, statusEventValue(data, twoLimit).bytes - 1);
    assert.deepEqual(three.summarisedItems, ['large', 'mid-a', 'mid-b']);
    assert.equal(parsed(three.value).items[1]?.numbers?.length, 5);
    for (const sized of [one, two, three]) {
      assert.ok(sized.fits);
      assert.deepEqual(statusSchemaErrors(parsed(sized.value)), []);
    }
  });

  it('summarises the fewest items that fit, at every limit', () => {
    const data = order([numbersItem('a', 30, 0), numbersItem('b', 90, 100), numbersItem('c', 10, 300), numbersItem('d', 55, 500)]);
    const full = fullBytes(data);
    let previous = Number.POSITIVE_INFINITY;
    for (let limit = 1_000; limit <= full + 10; limit += 37) {
      const sized = statusEventValue(data, limit);
      assert.equal(sized.bytes, Buffer.byteLength(sized.value));
      if (sized.fits) assert.ok(sized.bytes <= limit, `limit ${limit}: ${sized.bytes} bytes`);
      // A higher limit never needs more items summarised.
      assert.ok(sized.summarisedItems.length <= previous, `limit ${limit}`);
      previous = sized.summarisedItems.length;
      // Minimal: with one item fewer summarised the event would not have fitted.
      if (sized.fits && sized.summarisedItems.length > 0) {
        const kept = sized.summarisedItems.at(-1) as string;
        const value = parsed(sized.value);
        const withKept = {
          ...value,
          items: value.items.map((i) => (i.id === kept ? (data.items.find((d) => d.id === kept) as ItemStatus) : i)),
        };
        if (sized.summarisedItems.length === 1) delete (withKept as { numbersOmitted?: unknown }).numbersOmitted;
        assert.ok(Buffer.byteLength(JSON.stringify(withKept)) > limit, `limit ${limit}: ${kept} need not have been summarised`);
      }
    }
  });

  it('counts multi-byte characters as UTF-8 bytes', () => {
    const data = order([
      {
        ...numbersItem('n1', 20),
        numbers: numbers(20).map((n) => ({ ...n, state: 'failed' as const, errorCode: 'Refusé', message: 'numéro refusé 📞 — ✓' })),
      },
    ]);
    const limit = fullBytes(data);
    assert.ok(limit > statusEventValue(data, limit).value.length, 'bytes, not characters');
    assert.deepEqual(statusEventValue(data, limit).summarisedItems, []);
    assert.deepEqual(statusEventValue(data, limit - 1).summarisedItems, ['n1']);
    for (const text of ['plain', 'é', '📞', '✓ — 📞é', '\ud800 lone', 'end \udc00'])
      assert.equal(utf8Length(text), Buffer.byteLength(text), text);
  });

  it('reports an event that exceeds the limit even with every array dropped, summarised as far as it goes', () => {
    const items = Array.from({ length: 200 }, (_, i) => numbersItem(`item-${i}`, 3, i * 10));
    const data = order(items);
    const sized = statusEventValue(data, 20_000);
    assert.equal(sized.fits, false);
    assert.equal(sized.summarisedItems.length, 200);
    assert.ok(sized.bytes > 20_000);
    const value = parsed(sized.value);
    assert.ok(value.items.every((i) => i.numbers === undefined));
    assert.equal(value.numbersOmitted?.maxBytes, 20_000);
    assert.deepEqual(statusSchemaErrors(value), []);
  });

  it('leaves an event without per-number results as it is, even over the limit', () => {
    const data: StatusEventData = {
      ...order([]),
      state: 'completed',
      items: [{ id: 'acct', action: 'upsert', resource: 'account', state: 'completed' }],
    };
    const sized = statusEventValue(data, 10);
    assert.deepEqual(sized.summarisedItems, []);
    assert.equal(sized.fits, false);
    assert.equal(parsed(sized.value).numbersOmitted, undefined);
  });

  it('links to the order by a path and a command that survive any orderId', () => {
    const sized = statusEventValue(order([numbersItem('n1', 10)], "ORD 1/it's"), 100);
    const omitted = parsed(sized.value).numbersOmitted;
    assert.equal(omitted?.readApiPath, "/v1/orders/ORD%201%2Fit's/numbers");
    assert.equal(omitted?.command, `flowthrough orders show 'ORD 1/it'\\''s' --json`);
    assert.equal(orderShowCommand('ORD-2026.12:03_a'), 'flowthrough orders show ORD-2026.12:03_a --json');
  });

  it('counts every state, zeros included', () => {
    assert.deepEqual(countStates([]), { pending: 0, succeeded: 0, failed: 0, held: 0, superseded: 0 });
    assert.deepEqual(countStates(numbers(7)), { pending: 1, succeeded: 2, failed: 2, held: 1, superseded: 1 });
  });
});
