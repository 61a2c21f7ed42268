import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  account,
  deleteItem,
  numbersItem,
  ocNumber,
  operations,
  setUp,
  statusEventsOf,
  TENANT_EU,
  TENANT_US,
  waitForOrderState,
} from '../../support/reconciler.js';

const TERMINAL = ['completed', 'partial', 'failed'];

test('partial success: the order and its item end partial, each failed number with the backend code and message', async (t) => {
  const s = await setUp(t);
  // Held by another tenant already, and an emergency address the tenant does not have.
  s.simulator.admin.placeNumber({
    telephoneNumber: '+14255550201',
    tenantId: TENANT_EU,
    configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] },
  });
  await s.submit({
    orderId: 'partial-1',
    account: 'contoso',
    items: [
      account('contoso', TENANT_US),
      numbersItem([
        ocNumber('+14255550200'),
        ocNumber('+14255550201'),
        ocNumber('+14255550202', { civicAddressId: '99999999-0000-4000-8000-000000000000' }),
      ]),
    ],
  });
  const { reconciler } = s.reconciler();
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'partial-1', TERMINAL), 'partial');
  const last = (await statusEventsOf(s.pool, 'partial-1')).at(-1)!.data;
  assert.equal(last.state, 'partial');
  const item = last.items.find((i) => i.id === 'numbers')!;
  assert.equal(item.state, 'partial');
  assert.equal(item.reason?.code, 'NumberHeldByAnotherTenant');
  assert.deepEqual(
    item.numbers?.map((n) => [n.telephoneNumber, n.state, n.errorCode]),
    [
      ['+14255550200', 'succeeded', undefined],
      ['+14255550201', 'failed', 'NumberHeldByAnotherTenant'],
      ['+14255550202', 'failed', 'UnknownCivicAddress'],
    ],
  );
  assert.match(item.numbers?.[1]?.message ?? '', /another tenant/);
  assert.equal(s.simulator.ledger.entries().length, 1);
  const sync = (
    await s.pool.query<{ telephone_number: string; sync_state: string; sync_error: { code: string } | null }>(
      'SELECT telephone_number, sync_state, sync_error FROM numbers ORDER BY 1',
    )
  ).rows;
  assert.deepEqual(
    sync.map((r) => [r.sync_state, r.sync_error?.code ?? null]),
    [
      ['inSync', null],
      ['failed', 'NumberHeldByAnotherTenant'],
      ['failed', 'UnknownCivicAddress'],
    ],
  );
});

test('a release refused because the number is assigned to a user fails the item with the code', async (t) => {
  const s = await setUp(t);
  await s.submit({ orderId: 'up', account: 'contoso', items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550300')])] });
  const { reconciler } = s.reconciler();
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'up', TERMINAL), 'completed');
  s.simulator.admin.setAssignedToUser('+14255550300', true);
  await s.submit({ orderId: 'release', account: 'contoso', items: [deleteItem(['+14255550300'])] });
  assert.equal(await waitForOrderState(s.pool, 'release', TERMINAL), 'failed');
  const last = (await statusEventsOf(s.pool, 'release')).at(-1)!.data;
  assert.deepEqual(
    last.items.map((i) => [i.state, i.reason?.code]),
    [['failed', 'NumberAssignedToUser']],
  );
  assert.equal(last.items[0]?.numbers?.[0]?.errorCode, 'NumberAssignedToUser');
  assert.equal(s.simulator.admin.numberStatus(TENANT_US, '+14255550300').status, 'assigned', 'still held: nothing applied');
  // Observed state keeps what the backend still holds.
  const observed = (await s.pool.query<{ observed: Record<string, unknown> }>('SELECT observed FROM numbers')).rows[0]?.observed;
  assert.ok(observed?.teamsOperatorConnect);
});

test('a 429 storm, 5xx, resets and lost answers: every order still completes and nothing is applied twice', async (t) => {
  const s = await setUp(t);
  s.simulator.admin.injectFaults({
    script: [
      { kind: 'throttle', retryAfterSeconds: 2, operations: ['createUploadOrder'] },
      { kind: 'throttle', retryAfterSeconds: 2, operations: ['createUploadOrder'] },
      { kind: 'serverError', operations: ['createUploadOrder'] },
      // The upload is applied, then the answer is lost: the retry must be replayed, not applied again.
      { kind: 'reset', phase: 'afterHandling', operations: ['createUploadOrder'] },
      { kind: 'serviceUnavailable', retryAfterSeconds: 1, operations: ['getOrder'] },
      { kind: 'reset', operations: ['getOrder'] },
      { kind: 'throttle', retryAfterSeconds: 1, operations: ['getConsent'] },
    ],
  });
  for (let i = 0; i < 4; i++) {
    await s.submit({
      orderId: `storm-${i}`,
      account: `acct${i}`,
      items: [
        account(`acct${i}`, i % 2 === 0 ? TENANT_US : TENANT_EU),
        numbersItem([ocNumber(i % 2 === 0 ? `+1425555040${i}` : `+4930123450${i}`)]),
      ],
    });
  }
  // Few client attempts, so some failures outlast a call and the reconciler's persisted schedule takes over.
  const { reconciler } = s.reconciler({}, {});
  await reconciler.start();
  for (let i = 0; i < 4; i++) assert.equal(await waitForOrderState(s.pool, `storm-${i}`, TERMINAL), 'completed');
  const counters = s.simulator.counters.snapshot();
  assert.ok(counters.throttled >= 3, `throttled ${counters.throttled}`);
  assert.ok(counters.replays >= 1, 'the lost answer was replayed');
  assert.deepEqual(s.simulator.ledger.repeatedChanges(), []);
  assert.equal(s.simulator.ledger.entries({ operation: 'upload' }).length, 4);
  const ops = await operations(s.pool);
  assert.equal(counters.ordersAccepted, ops.length, 'one backend order per operation');
  assert.ok(ops.every((o) => o.state === 'settled'));
});

test('transient failures beyond one call are rescheduled with a persisted next attempt, then complete', async (t) => {
  const s = await setUp(t);
  const faults = Array.from({ length: 4 }, () => ({ kind: 'serverError' as const, operations: ['createUploadOrder' as const] }));
  s.simulator.admin.injectFaults({ script: faults });
  await s.submit({
    orderId: 'resched',
    account: 'contoso',
    items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550500')])],
  });
  const { client } = s.client({ env: { OPERATOR_CONNECT_RETRY_ATTEMPTS: '2', OPERATOR_CONNECT_CIRCUIT_BREAKER_THRESHOLD: '100' } });
  const { reconciler } = s.reconciler({}, { client });
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'resched', TERMINAL), 'completed');
  const [op] = await operations(s.pool);
  assert.equal(op?.attempts, 3, 'two reconciler attempts failed (2 calls each), the third got through');
  const events = await statusEventsOf(s.pool, 'resched');
  assert.equal(events.at(-1)?.data.attempts, 3);
  assert.equal(s.simulator.ledger.entries().length, 1);
});
