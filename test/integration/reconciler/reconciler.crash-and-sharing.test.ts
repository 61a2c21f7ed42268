import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, numbersItem, ocNumber, operations, setUp, TENANT_US, waitForOrderState } from '../../support/reconciler.js';

const TERMINAL = ['completed', 'partial', 'failed'];

test('killed between sending an upload and recording its order id: the restarted reconciler resends the same request, applied once', async (t) => {
  const s = await setUp(t);
  const numbers = ['+14255550600', '+14255550601'];
  await s.submit({
    orderId: 'crash-1',
    account: 'contoso',
    items: [account('contoso', TENANT_US), numbersItem(numbers.map((n) => ocNumber(n)))],
  });

  let crashed!: () => void;
  const crash = new Promise<void>((resolve) => (crashed = resolve));
  const first = s.reconciler(
    { RECONCILER_LEASE_MS: '300', RECONCILER_INSTANCE_ID: 'first' },
    {
      hooks: {
        afterSubmit: () => {
          crashed();
          throw new Error('SIGKILL: the process died before recording the remote order id');
        },
      },
    },
  );
  await first.reconciler.start();
  await crash;
  await first.reconciler.stop();
  const [before] = await operations(s.pool);
  assert.equal(before?.state, 'planned');
  assert.equal(before?.remote_order_id, null, 'the order id never reached the database');
  assert.equal(s.simulator.counters.snapshot().ordersAccepted, 1, 'the backend accepted the first send');

  const second = s.reconciler({ RECONCILER_LEASE_MS: '300', RECONCILER_INSTANCE_ID: 'second' });
  await second.reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'crash-1', TERMINAL), 'completed');

  const [after] = await operations(s.pool);
  assert.equal(after?.request_id, before?.request_id);
  assert.equal(after?.attempts, 2);
  const counters = s.simulator.counters.snapshot();
  assert.equal(counters.ordersAccepted, 1, 'the resend was replayed: no second backend order');
  assert.equal(counters.replays, 1);
  for (const n of numbers) assert.equal(s.simulator.ledger.entries({ telephoneNumber: n }).length, 1, `${n} applied once`);
  assert.deepEqual(s.simulator.ledger.repeatedChanges(), []);
  assert.equal(after?.remote_order_id, s.simulator.ledger.entries()[0]?.orderId);
});

test('two reconciler instances share the work: every operation runs once', async (t) => {
  const tenants = Array.from({ length: 8 }, (_, i) => `5555555${i}-5555-4555-8555-555555555555`);
  const s = await setUp(t, { consents: tenants.map((tenantId) => ({ tenantId, consentedCountries: ['US'] })) });
  const orders: string[] = [];
  for (const [i, tenant] of tenants.entries()) {
    for (let k = 0; k < 3; k++) {
      const orderId = `share-${i}-${k}`;
      orders.push(orderId);
      const items = [numbersItem(Array.from({ length: 4 }, (_, j) => ocNumber(`+1206555${i}${k}${String(j).padStart(2, '0')}`)))];
      await s.submit({ orderId, account: `acct-${i}`, items: k === 0 ? [account(`acct-${i}`, tenant), ...items] : items });
    }
  }
  const a = s.reconciler({
    RECONCILER_INSTANCE_ID: 'a',
    RECONCILER_CONCURRENCY: '3',
    RECONCILER_MAX_LINGER_MS: '50',
    RECONCILER_LINGER_MS: '0',
  });
  const b = s.reconciler({
    RECONCILER_INSTANCE_ID: 'b',
    RECONCILER_CONCURRENCY: '3',
    RECONCILER_MAX_LINGER_MS: '50',
    RECONCILER_LINGER_MS: '0',
  });
  await Promise.all([a.reconciler.start(), b.reconciler.start()]);
  for (const orderId of orders) assert.equal(await waitForOrderState(s.pool, orderId, TERMINAL), 'completed');

  const ops = await operations(s.pool);
  const counters = s.simulator.counters.snapshot();
  assert.equal(counters.ordersAccepted, ops.length, 'one backend order per operation');
  assert.equal(counters.replays, 0, 'no operation was sent twice');
  const submits = [...a.calls, ...b.calls].filter((c) => c.operation === 'uploadNumbers');
  assert.equal(submits.length, ops.length, 'each upload sent by one instance, once');
  assert.ok(a.calls.some((c) => c.operation === 'uploadNumbers') || b.calls.some((c) => c.operation === 'uploadNumbers'));
  t.diagnostic(
    `instance a sent ${a.calls.filter((c) => c.operation === 'uploadNumbers').length}, b ${b.calls.filter((c) => c.operation === 'uploadNumbers').length} of ${ops.length} uploads`,
  );
  assert.deepEqual(s.simulator.ledger.repeatedChanges(), []);
  assert.equal(s.simulator.ledger.entries().length, 8 * 3 * 4);
  const planned = ops.flatMap((o) => o.numbers);
  assert.equal(new Set(planned).size, planned.length, 'no number in two operations');
  const remote = ops.map((o) => o.remote_order_id);
  assert.equal(new Set(remote).size, remote.length);
});
