import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fulfils,
  planWork,
  rollUpOrder,
  type Association,
  type PendingRow,
  type PlanSettings,
  type WorkKey,
} from '../../../../src/core/reconcile/index.js';
import { SUPERSEDED_BY_LATER_ORDER } from '../../../../src/core/order-state/index.js';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const config = { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] } as const;
const assoc = (tenantId = T1, extra: Partial<Association['configuration']> = {}): Association => ({
  tenantId,
  teamsPhoneMobile: false,
  configuration: { ...config, ...extra },
});

function row(orderId: string, operation: PendingRow['operation'], rank: number, overrides: Partial<PendingRow> = {}): PendingRow {
  return { orderId, itemId: 'numbers', outcome: 'pending', heldSinceMs: null, receivedAtMs: 0, operation, rank, ...overrides };
}

function key(overrides: Partial<WorkKey>): WorkKey {
  return {
    telephoneNumber: '+14255550100',
    service: 'teamsOperatorConnect',
    managed: true,
    desired: assoc(),
    observed: null,
    rows: [],
    repair: false,
    releaseScope: T1,
    lastOrderId: null,
    accountOrderId: null,
    ...overrides,
  };
}

const settings = (overrides: Partial<PlanSettings> = {}): PlanSettings => ({
  nowMs: 10_000,
  maxNumbersPerOrder: 100,
  lingerMs: 0,
  maxLingerMs: 0,
  consentDeadlineMs: 60_000,
  consentOf: () => ({ status: 'active', consentedCountries: ['US'] }),
  countryOf: () => 'US',
  ...overrides,
});

const decisions = (plan: ReturnType<typeof planWork>) => plan.decided.map((d) => [d.row.orderId, d.outcome, d.code, d.supersededBy]);

describe('superseded work: a change a later order replaced before it reached the backend', () => {
  it('an upload superseded by a delete: the upload is superseded, the delete is sent (its answer confirms it), nothing succeeds unasked', () => {
    const plan = planWork([key({ desired: null, observed: null, rows: [row('up', 'upload', 0), row('del', 'release', 1)] })], settings());
    assert.deepEqual(decisions(plan), [['up', 'superseded', SUPERSEDED_BY_LATER_ORDER, 'del']]);
    assert.match(plan.decided[0]?.message ?? '', /not sent: order del changed \+14255550100/);
    assert.deepEqual(
      plan.batches.map((b) => [b.operation, b.scope, b.entries.map((e) => e.rows.map((r) => r.orderId))]),
      [['release', T1, [['del']]]],
    );
    assert.deepEqual(plan.converged, []);
  });

  it('an upload superseded by a reconfiguration: one upload of the later configuration, carrying only the later row', () => {
    const plan = planWork(
      [key({ desired: assoc(T1, { usage: 'ConferenceAssignment' }), rows: [row('b', 'update', 1), row('a', 'upload', 0)] })],
      settings(),
    );
    assert.deepEqual(decisions(plan), [['a', 'superseded', SUPERSEDED_BY_LATER_ORDER, 'b']]);
    assert.equal(plan.batches[0]?.operation, 'upload');
    assert.deepEqual(
      plan.batches[0]?.entries[0]?.rows.map((r) => r.orderId),
      ['b'],
    );
  });

  it('a change undone before it was sent: the undoing row succeeds on what the backend confirmed holding, the undone one is superseded', () => {
    const observed = { ...assoc(), remoteOrderId: 'remote-7', at: '2026-11-29T10:00:00Z' };
    const plan = planWork([key({ observed, rows: [row('b', 'update', 0), row('c', 'update', 1)] })], settings());
    assert.deepEqual(decisions(plan), [
      ['b', 'superseded', SUPERSEDED_BY_LATER_ORDER, 'c'],
      ['c', 'succeeded', null, null],
    ]);
    assert.match(plan.decided[1]?.message ?? '', /already holds exactly this \(confirmed by its order remote-7\)/);
    assert.equal(plan.batches.length, 0);
  });

  it('a chain upload → delete → upload: each earlier row is superseded by the next one', () => {
    const plan = planWork([key({ rows: [row('a', 'upload', 0), row('b', 'release', 1), row('c', 'upload', 2)] })], settings());
    assert.deepEqual(decisions(plan), [
      ['a', 'superseded', SUPERSEDED_BY_LATER_ORDER, 'b'],
      ['b', 'superseded', SUPERSEDED_BY_LATER_ORDER, 'c'],
    ]);
    assert.deepEqual(
      plan.batches[0]?.entries[0]?.rows.map((r) => r.orderId),
      ['c'],
    );
  });

  it('synchronisation turned off by a later account order: every row is superseded by it, nothing is sent', () => {
    const plan = planWork([key({ managed: false, accountOrderId: 'sync-off', rows: [row('a', 'upload', 0)] })], settings());
    assert.deepEqual(decisions(plan), [['a', 'superseded', SUPERSEDED_BY_LATER_ORDER, 'sync-off']]);
    assert.match(plan.decided[0]?.message ?? '', /no longer synchronises teamsOperatorConnect/);
  });

  it('a number moved to another tenant: the release from the old one carries the delete row and, as a prerequisite, the upload row', () => {
    const plan = planWork(
      [key({ desired: assoc(T2), observed: assoc(T1), releaseScope: T2, rows: [row('leave', 'release', 0), row('join', 'upload', 1)] })],
      settings(),
    );
    assert.deepEqual(decisions(plan), []);
    assert.deepEqual(
      plan.batches.map((b) => [b.operation, b.scope, b.entries[0]?.rows.map((r) => r.orderId)]),
      [['release', T1, ['leave', 'join']]],
    );
    assert.equal(fulfils('release', 'release'), true);
    assert.equal(fulfils('release', 'upload'), false, 'the upload row succeeds only through its own upload');
    assert.equal(fulfils('upload', 'update'), true, 'an update of a number not held yet is made by an upload');
  });

  it('held for a consent: only the newest row is held; the rows it replaced are superseded at once', () => {
    const plan = planWork(
      [key({ rows: [row('a', 'upload', 0, { outcome: 'held', heldSinceMs: 0, due: false }), row('b', 'update', 1)] })],
      settings({ consentOf: () => null }),
    );
    assert.deepEqual(decisions(plan), [['a', 'superseded', SUPERSEDED_BY_LATER_ORDER, 'b']]);
    assert.deepEqual(
      plan.held.map((h) => h.rows.map((r) => r.orderId)),
      [['b']],
    );
  });

  it('past the consent deadline only the newest row fails; its own held time counts', () => {
    const late = settings({ consentOf: () => null, consentDeadlineMs: 5_000 });
    const plan = planWork(
      [
        key({
          rows: [row('a', 'upload', 0, { outcome: 'held', heldSinceMs: 0 }), row('b', 'update', 1, { outcome: 'held', heldSinceMs: 0 })],
        }),
      ],
      late,
    );
    assert.deepEqual(decisions(plan), [
      ['a', 'superseded', SUPERSEDED_BY_LATER_ORDER, 'b'],
      ['b', 'failed', 'NoActiveConsent', null],
    ]);
    const fresh = planWork([key({ rows: [row('a', 'upload', 0, { outcome: 'held', heldSinceMs: 0 }), row('b', 'update', 1)] })], late);
    assert.deepEqual(
      fresh.held.map((h) => h.rows.map((r) => r.orderId)),
      [['b']],
      'b was never held: it is held now, not failed',
    );
  });

  it('nothing is decided while a batch lingers', () => {
    const plan = planWork(
      [key({ rows: [row('a', 'upload', 0, { receivedAtMs: 9_990 }), row('b', 'update', 1, { receivedAtMs: 9_995 })] })],
      settings({ lingerMs: 200, maxLingerMs: 2000 }),
    );
    assert.deepEqual(plan.decided, []);
    assert.deepEqual(
      plan.deferred.map((d) => d.why),
      ['linger'],
    );
  });
});

describe('roll-up of superseded numbers', () => {
  const view = (numbers: Array<['succeeded' | 'superseded' | 'failed' | 'pending', string | null]>) => ({
    orderId: 'o',
    account: 'a',
    state: 'inProgress' as const,
    attempts: 0,
    items: [
      {
        itemId: 'numbers',
        action: 'upsert' as const,
        resource: 'numbers' as const,
        state: 'inProgress' as const,
        reason: null,
        numbers: numbers.map(([outcome, by], i) => ({
          telephoneNumber: `+1425555010${i}`,
          outcome,
          errorCode: outcome === 'superseded' ? SUPERSEDED_BY_LATER_ORDER : outcome === 'failed' ? 'X' : null,
          message: outcome === 'superseded' ? `not sent: order ${by} changed it` : null,
          heldReason: null,
          supersededBy: by,
        })),
      },
    ],
  });

  it('an item whose numbers are all superseded completes, its reason naming the later order', () => {
    const result = rollUpOrder(
      view([
        ['superseded', 'del'],
        ['superseded', 'del'],
      ]),
      'now',
    );
    assert.equal(result.state, 'completed');
    assert.deepEqual(result.event?.items[0]?.reason, {
      code: SUPERSEDED_BY_LATER_ORDER,
      message: '2 of 2 number(s) superseded by later order del before reaching the backend',
    });
    assert.deepEqual(
      result.event?.items[0]?.numbers?.map((n) => [n.state, n.errorCode]),
      [
        ['superseded', SUPERSEDED_BY_LATER_ORDER],
        ['superseded', SUPERSEDED_BY_LATER_ORDER],
      ],
    );
  });

  it('succeeded and superseded → completed with the reason; failed beside superseded → failed, the reason counting both', () => {
    assert.equal(
      rollUpOrder(
        view([
          ['succeeded', null],
          ['superseded', 'b'],
        ]),
        'now',
      ).event?.items[0]?.reason?.code,
      SUPERSEDED_BY_LATER_ORDER,
    );
    const failed = rollUpOrder(
      view([
        ['failed', null],
        ['superseded', 'b'],
      ]),
      'now',
    );
    assert.equal(failed.state, 'failed');
    assert.deepEqual(failed.event?.items[0]?.reason, {
      code: 'X',
      message: '1 of 2 number(s) failed: X; 1 of 2 number(s) superseded by later order b before reaching the backend',
    });
  });

  it('a superseded number beside a pending one keeps the item in progress', () => {
    assert.equal(
      rollUpOrder(
        view([
          ['pending', null],
          ['superseded', 'b'],
        ]),
        'now',
      ).state,
      null,
    );
  });
});
