import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStatusLine, type ItemStatus, type StatusEventData } from '../../../../src/core/status/index.js';
import { ACKNOWLEDGED, IN_PROGRESS, PARTIAL, REJECTED } from './status-examples.js';

describe('formatStatusLine', () => {
  it('shows a completed order with its item count', () => {
    const data: StatusEventData = {
      ...IN_PROGRESS,
      state: 'completed',
      previousState: 'inProgress',
      items: IN_PROGRESS.items.map((i) => ({ ...i, state: 'completed' })),
    };
    assert.equal(formatStatusLine(data), 'order-0001  contoso  inProgress → completed  items: 2/2 completed');
  });

  it('shows the first event of an order by its state alone, with its warnings', () => {
    assert.equal(
      formatStatusLine(ACKNOWLEDGED),
      'order-0001  contoso  acknowledged  items: 1/2 completed, 1 inProgress  warnings: ignored_field at /items/1/numbers/0/note',
    );
  });

  it('does not count held numbers as errors while the order is in progress', () => {
    assert.equal(formatStatusLine(IN_PROGRESS), 'order-0001  contoso  acknowledged → inProgress  items: 1/2 completed, 1 inProgress');
  });

  it('lists the first per-number error codes and failed item reasons', () => {
    assert.equal(
      formatStatusLine(PARTIAL),
      'order-0002  fabrikam  inProgress → partial  items: 1/3 completed, 1 partial, 1 failed' +
        '  errors: +442071838751 NumberAlreadyAssigned, +442071838753 InvalidCivicAddress, item item-3 release_refused',
    );
  });

  it('shows a summarised item by its counts, and where its per-number results are', () => {
    const [consent, numbers, release] = PARTIAL.items as [ItemStatus, ItemStatus, ItemStatus];
    const { numbers: _left, ...summarised } = numbers;
    const data: StatusEventData = {
      ...PARTIAL,
      items: [consent, { ...summarised, numberCounts: { pending: 0, succeeded: 3, failed: 2, held: 0, superseded: 1 } }, release],
      numbersOmitted: {
        maxBytes: 900_000,
        readApiPath: '/v1/orders/order-0002/numbers',
        command: 'flowthrough orders show order-0002 --json',
      },
    };
    assert.equal(
      formatStatusLine(data),
      'order-0002  fabrikam  inProgress → partial  items: 1/3 completed, 1 partial, 1 failed  superseded: 1 number(s)' +
        '  errors: item item-2 2 failed some_numbers_failed, item item-3 release_refused  numbers: flowthrough orders show order-0002 --json',
    );
  });

  it('shows how many more errors there are beyond the first three', () => {
    const numbers = Array.from({ length: 5 }, (_, i) => ({
      telephoneNumber: `+1555010000${i}`,
      state: 'failed' as const,
      errorCode: `E${i}`,
    }));
    const data: StatusEventData = {
      ...PARTIAL,
      state: 'failed',
      items: [{ id: 'item-1', action: 'upsert', resource: 'numbers', state: 'failed', numbers }],
    };
    assert.equal(
      formatStatusLine(data),
      'order-0002  fabrikam  inProgress → failed  items: 0/1 completed, 1 failed  errors: +15550100000 E0, +15550100001 E1, +15550100002 E2 (+2 more)',
    );
  });

  it('names a failed number without an error code as failed', () => {
    const data: StatusEventData = {
      ...PARTIAL,
      state: 'failed',
      items: [
        {
          id: 'item-1',
          action: 'upsert',
          resource: 'numbers',
          state: 'failed',
          numbers: [{ telephoneNumber: '+15550100001', state: 'failed' }],
        },
      ],
    };
    assert.match(formatStatusLine(data), /errors: \+15550100001 failed$/);
  });

  it('shows a held item reason', () => {
    const data: StatusEventData = {
      ...IN_PROGRESS,
      state: 'held',
      previousState: 'inProgress',
      items: [
        {
          id: 'item-9',
          action: 'upsert',
          resource: 'numbers',
          state: 'held',
          reason: { code: 'consent_missing', message: 'awaiting consent' },
        },
      ],
    };
    assert.equal(
      formatStatusLine(data),
      'order-0001  contoso  inProgress → held  items: 0/1 completed, 1 held  errors: item item-9 consent_missing',
    );
  });

  it('shows a rejection with its violations and "-" for an unreadable account', () => {
    assert.equal(
      formatStatusLine(REJECTED),
      'order-0004  -  rejected  violations: invalid_telephone_number at /items/0/numbers/3/telephoneNumber, required at /account',
    );
  });

  it('stays on one line whatever the backend put in a code', () => {
    const data: StatusEventData = {
      ...PARTIAL,
      items: [
        {
          id: 'item-1',
          action: 'upsert',
          resource: 'numbers',
          state: 'failed',
          numbers: [{ telephoneNumber: '+15550100001', state: 'failed', errorCode: 'Bad\nThing' }],
        },
      ],
    };
    assert.doesNotMatch(formatStatusLine(data), /\n/);
  });
});
