import type { StatusEventData } from '../../../../src/core/status/index.js';

/** One status event of each kind the worker publishes, shared by the status tests. */

export const REJECTED: StatusEventData = {
  orderId: 'order-0004',
  account: null,
  state: 'rejected',
  previousState: null,
  occurredAt: '2025-03-01T10:00:00.000Z',
  attempts: 0,
  items: [],
  violations: [
    { code: 'invalid_telephone_number', path: '/items/0/numbers/3/telephoneNumber', message: 'must match ^\\+[1-9]\\d{1,14}$' },
    { code: 'required', path: '/account', message: 'account is required' },
  ],
};

export const ACKNOWLEDGED: StatusEventData = {
  orderId: 'order-0001',
  account: 'contoso',
  state: 'acknowledged',
  previousState: null,
  occurredAt: '2025-03-01T10:00:01.000Z',
  attempts: 0,
  items: [
    { id: 'item-1', action: 'upsert', resource: 'account', state: 'completed' },
    { id: 'item-2', action: 'upsert', resource: 'numbers', state: 'inProgress' },
  ],
  warnings: [{ code: 'ignored_field', path: '/items/1/numbers/0/note', message: 'unknown field ignored' }],
};

export const IN_PROGRESS: StatusEventData = {
  orderId: 'order-0001',
  account: 'contoso',
  state: 'inProgress',
  previousState: 'acknowledged',
  occurredAt: '2025-03-01T10:00:02.500+01:00',
  attempts: 1,
  items: [
    { id: 'item-1', action: 'upsert', resource: 'account', state: 'completed' },
    {
      id: 'item-2',
      action: 'upsert',
      resource: 'numbers',
      state: 'inProgress',
      numbers: [
        { telephoneNumber: '+15550100001', state: 'succeeded' },
        { telephoneNumber: '+15550100002', state: 'pending' },
        { telephoneNumber: '+15550100003', state: 'held', errorCode: 'ConsentMissing', message: 'no active consent covers US' },
      ],
    },
  ],
};

export const PARTIAL: StatusEventData = {
  orderId: 'order-0002',
  account: 'fabrikam',
  state: 'partial',
  previousState: 'inProgress',
  occurredAt: '2025-03-01T10:05:00Z',
  attempts: 4,
  items: [
    { id: 'item-1', action: 'update', resource: 'consent', state: 'completed' },
    {
      id: 'item-2',
      action: 'upsert',
      resource: 'numbers',
      state: 'partial',
      reason: { code: 'some_numbers_failed', message: '2 of 5 numbers failed' },
      numbers: [
        { telephoneNumber: '+442071838750', state: 'succeeded' },
        { telephoneNumber: '+442071838751', state: 'failed', errorCode: 'NumberAlreadyAssigned', message: 'assigned to another operator' },
        { telephoneNumber: '+442071838752', state: 'succeeded' },
        { telephoneNumber: '+442071838753', state: 'failed', errorCode: 'InvalidCivicAddress', message: 'civic address not validated' },
        { telephoneNumber: '+442071838754', state: 'succeeded' },
      ],
    },
    {
      id: 'item-3',
      action: 'delete',
      resource: 'numbers',
      state: 'failed',
      reason: { code: 'release_refused', message: 'assigned in Teams' },
    },
  ],
};

/** Numbers a later order superseded before they reached the backend, and a consent update the backend refused. */
export const SUPERSEDED_AND_REFUSED: StatusEventData = {
  orderId: 'order-0005',
  account: 'contoso',
  state: 'partial',
  previousState: 'held',
  occurredAt: '2025-03-01T10:07:00Z',
  attempts: 1,
  items: [
    {
      id: 'numbers',
      action: 'upsert',
      resource: 'numbers',
      state: 'completed',
      reason: {
        code: 'superseded_by_later_order',
        message: '1 of 2 number(s) superseded by later order order-0006 before reaching the backend',
      },
      numbers: [
        { telephoneNumber: '+15550100001', state: 'succeeded' },
        {
          telephoneNumber: '+15550100002',
          state: 'superseded',
          errorCode: 'superseded_by_later_order',
          message: 'not sent: order order-0006 changed +15550100002 on teamsOperatorConnect before this change reached the backend',
        },
      ],
    },
    {
      id: 'consent',
      action: 'update',
      resource: 'consent',
      state: 'failed',
      reason: {
        code: 'ConsentNotFound',
        message:
          'Operator Connect updateCustomerRelationship failed: 404 ConsentNotFound: There is no consent from tenant 44444444-4444-4444-8444-444444444444.',
      },
    },
  ],
};
