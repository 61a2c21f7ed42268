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
  tpmNumber,
  waitForOrderState,
} from '../../support/reconciler.js';

test('an Operator Connect order flows through: one upload, one status read, completed with per-number results', async (t) => {
  const s = await setUp(t);
  const numbers = ['+14255550100', '+14255550101', '+14255550102'];
  await s.submit({
    orderId: 'oc-1',
    account: 'contoso',
    items: [account('contoso', TENANT_US), numbersItem(numbers.map((n) => ocNumber(n)))],
  });
  assert.equal((await statusEventsOf(s.pool, 'oc-1')).at(-1)?.data.state, 'inProgress');

  const { reconciler } = s.reconciler();
  await reconciler.start();
  await waitForOrderState(s.pool, 'oc-1', ['completed', 'partial', 'failed']);

  const events = await statusEventsOf(s.pool, 'oc-1');
  assert.deepEqual(
    events.map((e) => [e.eventId, e.data.previousState, e.data.state]),
    [
      ['oc-1:1', null, 'acknowledged'],
      ['oc-1:2', 'acknowledged', 'inProgress'],
      ['oc-1:3', 'inProgress', 'completed'],
    ],
  );
  const last = events[2]!.data;
  assert.equal(last.attempts, 1);
  assert.deepEqual(
    last.items.map((i) => [i.id, i.state]),
    [
      ['account', 'completed'],
      ['numbers', 'completed'],
    ],
  );
  assert.deepEqual(
    last.items[1]?.numbers?.map((n) => [n.telephoneNumber, n.state]),
    numbers.map((n) => [n, 'succeeded']),
  );

  for (const n of numbers) {
    assert.equal(s.simulator.ledger.entries({ telephoneNumber: n }).length, 1, `${n} applied once`);
    assert.equal(s.simulator.admin.numberStatus(TENANT_US, n).status, 'assigned');
  }
  assert.deepEqual(s.simulator.ledger.repeatedChanges(), []);
  const counters = s.simulator.counters.snapshot();
  assert.equal(counters.mutatingCalls, 1, 'one upload for the three numbers');
  assert.ok(counters.orderReads <= 2, `status reads ${counters.orderReads}`);
  const ops = await operations(s.pool);
  assert.equal(ops.length, 1);
  assert.equal(ops[0]?.state, 'settled');
  const observed = (
    await s.pool.query<{ observed: Record<string, { tenantId: string }> }>('SELECT observed FROM numbers WHERE telephone_number = $1', [
      numbers[0],
    ])
  ).rows[0]?.observed;
  assert.equal(observed?.teamsOperatorConnect?.tenantId, TENANT_US);
});

test('a Teams Phone Mobile order completes; deleting its numbers releases them', async (t) => {
  const s = await setUp(t);
  const numbers = ['+447700900101', '+447700900102'];
  await s.submit({
    orderId: 'tpm-1',
    account: 'fabrikam',
    items: [account('fabrikam', TENANT_EU, { tpm: true }), numbersItem(numbers.map(tpmNumber))],
  });
  const { reconciler } = s.reconciler();
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'tpm-1', ['completed', 'partial', 'failed']), 'completed');
  assert.equal(s.simulator.admin.numberStatus(TENANT_EU, numbers[0]!).teamsPhoneMobile, true);

  await s.submit({ orderId: 'tpm-2', account: 'fabrikam', items: [deleteItem(numbers)] });
  assert.equal(await waitForOrderState(s.pool, 'tpm-2', ['completed', 'partial', 'failed']), 'completed');
  const last = (await statusEventsOf(s.pool, 'tpm-2')).at(-1)!.data;
  assert.deepEqual(
    last.items[0]?.numbers?.map((n) => n.state),
    ['succeeded', 'succeeded'],
  );
  for (const n of numbers) {
    assert.deepEqual(
      s.simulator.ledger.entries({ telephoneNumber: n }).map((e) => e.operation),
      ['upload', 'release'],
    );
    assert.equal(s.simulator.admin.numberStatus(TENANT_EU, n).status, 'unassigned');
  }
  const observed = (await s.pool.query<{ observed: object }>('SELECT observed FROM numbers WHERE telephone_number = $1', [numbers[0]]))
    .rows[0]?.observed;
  assert.deepEqual(observed, {});
  assert.deepEqual(
    (await operations(s.pool)).map((o) => [o.operation, o.state]),
    [
      ['upload', 'settled'],
      ['release', 'settled'],
    ],
  );
});

test('numbers of many orders for one tenant coalesce into one backend order (linger), and a configuration change is an update', async (t) => {
  const s = await setUp(t);
  await s.submit({ orderId: 'setup', account: 'contoso', items: [account('contoso', TENANT_US)] });
  const orders = Array.from({ length: 10 }, (_, i) => `batch-${i}`);
  for (const [i, orderId] of orders.entries()) {
    await s.submit({
      orderId,
      account: 'contoso',
      items: [numbersItem(Array.from({ length: 5 }, (_, k) => ocNumber(`+1425555${String(i * 10 + k).padStart(4, '0')}`)))],
    });
  }
  const { reconciler } = s.reconciler({ RECONCILER_LINGER_MS: '100', RECONCILER_MAX_LINGER_MS: '1000' });
  await reconciler.start();
  for (const orderId of orders) assert.equal(await waitForOrderState(s.pool, orderId, ['completed', 'partial', 'failed']), 'completed');
  const counters = s.simulator.counters.snapshot();
  assert.equal(counters.mutatingCalls, 1, '50 numbers of 10 orders in one upload');
  assert.equal(counters.ordersAccepted, 1);
  t.diagnostic(
    `10 orders × 5 numbers: ${counters.mutatingCalls} mutating call(s), ${counters.orderReads} status read(s), ${counters.consentCalls} consent read(s)`,
  );
  const ops = await operations(s.pool);
  assert.equal(ops[0]?.numbers.length, 50);

  await s.submit({
    orderId: 'reconfigure',
    account: 'contoso',
    items: [numbersItem([ocNumber('+14255550000', { usage: 'ConferenceAssignment', choosableCapabilities: ['InboundCalling'] })])],
  });
  assert.equal(await waitForOrderState(s.pool, 'reconfigure', ['completed', 'partial', 'failed']), 'completed');
  assert.equal(s.simulator.admin.numberStatus(TENANT_US, '+14255550000').configuration?.usage, 'ConferenceAssignment');
  assert.deepEqual(
    s.simulator.ledger.entries({ telephoneNumber: '+14255550000' }).map((e) => e.operation),
    ['upload', 'update'],
  );
});
