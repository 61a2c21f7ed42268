import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadReconcilerConfig } from '../../../src/platform/config/reconciler-variables.js';
import {
  compareTenant,
  desiredAssociation,
  neededChange,
  planWork,
  pollDelayMs,
  retryDelayMs,
  rollUpOrder,
  type Association,
  type PendingRow,
  type PlanSettings,
  type WorkKey,
} from '../../../src/core/reconcile/index.js';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const config = { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] } as const;
const assoc = (tenantId = T1, extra: Partial<Association['configuration']> = {}): Association => ({
  tenantId,
  teamsPhoneMobile: false,
  configuration: { ...config, ...extra },
});

function row(overrides: Partial<PendingRow> = {}): PendingRow {
  return { orderId: 'o', itemId: 'i', outcome: 'pending', heldSinceMs: null, receivedAtMs: 0, operation: 'upload', rank: 0, ...overrides };
}

function key(n: string, overrides: Partial<WorkKey> = {}): WorkKey {
  return {
    telephoneNumber: n,
    service: 'teamsOperatorConnect',
    managed: true,
    desired: assoc(),
    observed: null,
    rows: [row()],
    repair: false,
    releaseScope: T1,
    ...overrides,
  };
}

const settings = (overrides: Partial<PlanSettings> = {}): PlanSettings => ({
  nowMs: 10_000,
  maxNumbersPerOrder: 3,
  lingerMs: 200,
  maxLingerMs: 2000,
  consentDeadlineMs: 60_000,
  consentOf: () => ({ status: 'active', consentedCountries: ['US'] }),
  countryOf: (n) => (n.startsWith('+1') ? 'US' : n.startsWith('+49') ? 'DE' : undefined),
  ...overrides,
});

test('the needed change comes from desired versus observed state', () => {
  assert.equal(neededChange(key('+1', { observed: null })).kind, 'upload');
  assert.equal(neededChange(key('+1', { observed: assoc() })).kind, 'none');
  assert.equal(
    neededChange(key('+1', { observed: assoc(T1, { choosableCapabilities: ['OutboundCalling', 'InboundCalling'] }) })).kind,
    'none',
    'capability order does not matter',
  );
  assert.equal(neededChange(key('+1', { observed: assoc(T1, { usage: 'ConferenceAssignment' }) })).kind, 'update');
  assert.deepEqual(neededChange(key('+1', { desired: null, observed: assoc(T2) })), { kind: 'release', scope: T2, target: null });
  assert.equal(neededChange(key('+1', { desired: null, observed: null })).kind, 'none');
  assert.equal(neededChange(key('+1', { managed: false })).kind, 'none', 'a service the account does not sync is left alone');
});

test('numbers are grouped per tenant and operation into batches of at most maxNumbersPerOrder', () => {
  const keys = ['+11', '+12', '+13', '+14']
    .map((n) => key(n))
    .concat([key('+15', { desired: assoc(T2) }), key('+16', { desired: null, observed: assoc(), rows: [row({ operation: 'release' })] })]);
  const plan = planWork(keys, settings());
  assert.deepEqual(
    plan.batches.map((b) => [b.scope, b.operation, b.entries.map((e) => e.key.telephoneNumber)]),
    [
      [T1, 'upload', ['+11', '+12', '+13']],
      [T1, 'upload', ['+14']],
      [T2, 'upload', ['+15']],
      [T1, 'release', ['+16']],
    ],
  );
});

test('a batch that is not full lingers while numbers keep joining its group, up to maxLingerMs', () => {
  const recent = (n: string, receivedAtMs: number) => key(n, { rows: [row({ orderId: n, receivedAtMs })] });
  const waiting = planWork([recent('+11', 9_950), recent('+12', 9_000)], settings());
  assert.equal(waiting.batches.length, 0);
  assert.deepEqual(
    waiting.deferred.map((d) => d.why),
    ['linger', 'linger'],
  );
  assert.equal(planWork([recent('+11', 9_700), recent('+12', 9_000)], settings()).batches.length, 1, 'quiet for lingerMs');
  assert.equal(planWork([recent('+11', 9_950), recent('+12', 7_000)], settings()).batches.length, 1, 'the oldest waited maxLingerMs');
  const full = planWork(
    ['+11', '+12', '+13', '+14'].map((n) => recent(n, 9_990)),
    settings(),
  );
  assert.deepEqual(
    full.batches.map((b) => b.entries.length),
    [3],
    'a full batch goes at once; the rest lingers',
  );
  assert.equal(full.deferred.length, 1);
});

test('uploads without an active consent covering the country are held, and fail past the deadline', () => {
  const plan = planWork([key('+11'), key('+4930', { desired: assoc() })], settings());
  assert.deepEqual(
    plan.held.map((h) => [h.key.telephoneNumber, h.reason.code]),
    [['+4930', 'CountryNotConsented']],
  );
  const none = planWork([key('+11')], settings({ consentOf: () => null }));
  assert.equal(none.held[0]?.reason.code, 'NoActiveConsent');
  const unknown = planWork([key('+11')], settings({ consentOf: () => 'unknown' }));
  assert.deepEqual(
    unknown.deferred.map((d) => d.why),
    ['consent_unknown'],
  );
  const late = planWork(
    [key('+11', { rows: [row({ outcome: 'held', heldSinceMs: 0 })] })],
    settings({ consentOf: () => null, consentDeadlineMs: 5_000 }),
  );
  assert.equal(late.failed[0]?.reason.code, 'NoActiveConsent');
  const release = planWork(
    [key('+11', { desired: null, observed: assoc(), rows: [row({ operation: 'release' })] })],
    settings({ consentOf: () => null }),
  );
  assert.equal(release.batches.length, 1, 'a release needs no consent');
});

test('desired association: deleted numbers, deleted accounts and disabled services want nothing held', () => {
  const account = { teamsTenantId: T1, serviceDetails: { teamsOperatorConnect: { enabled: true, syncEnabled: true } }, deleted: false };
  const number = { serviceDetails: { teamsOperatorConnect: { enabled: true } }, deleted: false };
  assert.deepEqual(desiredAssociation({ number, account }, 'teamsOperatorConnect').association?.configuration, config);
  assert.equal(desiredAssociation({ number: { ...number, deleted: true }, account }, 'teamsOperatorConnect').association, null);
  assert.equal(desiredAssociation({ number, account: { ...account, deleted: true } }, 'teamsOperatorConnect').association, null);
  assert.equal(
    desiredAssociation(
      { number: { serviceDetails: { teamsOperatorConnect: { enabled: false } }, deleted: false }, account },
      'teamsOperatorConnect',
    ).association,
    null,
  );
});

test('order roll-up: per-number outcomes decide items and order, with an event only on an order state change', () => {
  const view = (outcomes: Array<'pending' | 'succeeded' | 'failed' | 'held'>, state: 'inProgress' | 'held' = 'inProgress') => ({
    orderId: 'o',
    account: 'a',
    state,
    attempts: 1,
    items: [
      {
        itemId: 'account',
        action: 'upsert' as const,
        resource: 'account' as const,
        state: 'completed' as const,
        reason: null,
        numbers: [],
      },
      {
        itemId: 'numbers',
        action: 'upsert' as const,
        resource: 'numbers' as const,
        state,
        reason: null,
        numbers: outcomes.map((outcome, i) => ({
          telephoneNumber: `+1${i}`,
          outcome,
          errorCode: outcome === 'failed' ? 'X' : null,
          message: null,
          heldReason: outcome === 'held' ? { code: 'NoActiveConsent', message: 'm' } : null,
        })),
      },
    ],
  });
  assert.equal(rollUpOrder(view(['pending', 'succeeded']), 'now').event, null);
  const partial = rollUpOrder(view(['failed', 'succeeded']), 'now');
  assert.equal(partial.state, 'partial');
  assert.deepEqual(partial.event?.items[1]?.reason, { code: 'X', message: '1 of 2 number(s) failed: X' });
  const held = rollUpOrder(view(['held', 'held']), 'now');
  assert.equal(held.state, 'held');
  assert.equal(held.event?.items[1]?.numbers?.[0]?.errorCode, 'NoActiveConsent');
  assert.equal(rollUpOrder(view(['pending', 'pending'], 'held'), 'now').state, 'inProgress', 'released');
});

test('retry and poll schedules: capped exponential backoff with jitter, never under Retry-After; first poll after the expected delay', () => {
  const schedule = { baseMs: 100, capMs: 1000 };
  assert.equal(
    retryDelayMs(schedule, 1, () => 0),
    50,
  );
  assert.equal(
    retryDelayMs(schedule, 3, () => 1),
    400,
  );
  assert.equal(
    retryDelayMs(schedule, 20, () => 1),
    1000,
  );
  assert.equal(
    retryDelayMs(schedule, 1, () => 0, 2000),
    2000,
  );
  assert.equal(pollDelayMs(2000, 1, 30_000), 1000);
  assert.equal(pollDelayMs(2000, 4, 30_000), 8000);
  assert.equal(pollDelayMs(2000, 10, 30_000), 30_000);
});

test('drift: every difference between observed state and the tenant’s list', () => {
  const theirs = [
    {
      telephoneNumber: '+12',
      tenantId: T1,
      status: 'assigned' as const,
      teamsPhoneMobile: false,
      configuration: { ...config, usage: 'ConferenceAssignment' as const },
    },
    { telephoneNumber: '+13', tenantId: T1, status: 'assigned' as const, teamsPhoneMobile: false, configuration: config },
    { telephoneNumber: '+14', tenantId: T1, status: 'assigned' as const, teamsPhoneMobile: false, configuration: config },
  ];
  const ours = [
    { telephoneNumber: '+11', observed: { teamsOperatorConnect: assoc() } },
    { telephoneNumber: '+12', observed: { teamsOperatorConnect: assoc() } },
    { telephoneNumber: '+13', observed: {} },
    { telephoneNumber: '+14', observed: { teamsOperatorConnect: assoc() } },
  ];
  assert.deepEqual(
    compareTenant(T1, ours, theirs).map((d) => [d.telephoneNumber, d.kind]),
    [
      ['+11', 'missing_in_backend'],
      ['+12', 'configuration_differs'],
      ['+13', 'unexpected_in_backend'],
    ],
  );
});

test('reconciler settings: defaults, and every problem at once', () => {
  const c = loadReconcilerConfig({});
  assert.equal(c.lingerMs, 200);
  assert.equal(c.consent.deadlineMs, 7 * 24 * 3600 * 1000);
  assert.ok(Object.isFrozen(c));
  assert.throws(
    () => loadReconcilerConfig({ RECONCILER_LINGER_MS: 'x', RECONCILER_RETRY_BASE_MS: '500', RECONCILER_RETRY_CAP_MS: '100' }),
    (error: Error & { problems?: string[] }) => {
      assert.equal(error.problems?.length, 2);
      return true;
    },
  );
});
