import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OUTBOX_CHANNEL, OUTBOX_NOTICE } from '../../../src/outbox/outbox-sql.js';
import * as sql from '../../../src/reconciler/sql.js';
import { account, numbersItem, ocNumber, operations, setUp, TENANT_EU, waitForOrderState } from '../../support/reconciler.js';

/** Ten accounts of 5 numbers each, for one tenant (the consent allows GB). */
async function tenAccounts(s: Awaited<ReturnType<typeof setUp>>): Promise<string[]> {
  const orders: string[] = [];
  for (let i = 0; i < 10; i++) {
    const orderId = `sched-${i}`;
    orders.push(orderId);
    const numbers = Array.from({ length: 5 }, (_, j) => ocNumber(`+44207${i}${String(j).padStart(6, '0')}`));
    await s.submit({ orderId, account: `acct-${i}`, items: [account(`acct-${i}`, TENANT_EU), numbersItem(numbers)] });
  }
  return orders;
}

test('nothing scheduled: the next due time is null, so the executor sleeps instead of spinning', async (t) => {
  const s = await setUp(t);
  const due = (await s.pool.query<{ due_ms: number | null }>(sql.NEXT_DUE_MS)).rows[0]?.due_ms;
  assert.equal(due, null);
});

test('a pass cut by the plan batch says more work is due, and takes whole accounts only', async (t) => {
  const s = await setUp(t);
  await tenAccounts(s);
  const { reconciler } = s.reconciler({ RECONCILER_PLAN_BATCH: '12' });
  const first = await reconciler.planner.pass();
  // 12 candidates cut the third account: two whole accounts are planned, the third waits for the next pass.
  assert.equal(first.more, true);
  assert.equal(first.numbersPlanned, 10);
  let passes = 1;
  for (let result = first; result.more; passes++) result = await reconciler.planner.pass();
  assert.equal(passes, 5);
  const ops = await operations(s.pool);
  assert.deepEqual(
    ops.map((o) => o.numbers.length),
    [10, 10, 10, 10, 10],
    'each pass batches its two whole accounts (one tenant) into one backend order',
  );
});

test('the reconciler plans pass after pass while work is due, and tags its own outbox notifications', async (t) => {
  const s = await setUp(t);
  const orders = await tenAccounts(s);
  const payloads: string[] = [];
  const notices = await s.pool.connect();
  try {
    notices.on('notification', (n) => payloads.push(n.payload ?? ''));
    await notices.query(`LISTEN ${OUTBOX_CHANNEL}`);
    // An idle poll far beyond the test: only passes that follow one another at once plan all ten accounts in time.
    const { reconciler } = s.reconciler({ RECONCILER_PLAN_BATCH: '12', RECONCILER_IDLE_POLL_MS: '600000' });
    await reconciler.start();
    for (const orderId of orders) assert.equal(await waitForOrderState(s.pool, orderId, ['completed', 'partial', 'failed']), 'completed');
    await reconciler.stop();
  } finally {
    await notices.query(`UNLISTEN ${OUTBOX_CHANNEL}`);
    notices.release();
  }
  // Only the reconciler's roll-ups wrote status events since LISTEN: the relay is woken, the planner knows they are its own.
  assert.ok(payloads.length > 0);
  assert.deepEqual([...new Set(payloads)], [OUTBOX_NOTICE.reconciler]);
});
