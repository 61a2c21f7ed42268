import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RECONCILER_CHANNEL } from '../../../src/contracts/reconciler-channel.js';
import { OUTBOX_CHANNEL } from '../../../src/outbox/index.js';
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

/** Counts the notices of the outbox's and the reconciler's channels until stop(). */
async function noticesOf(s: Awaited<ReturnType<typeof setUp>>) {
  const counts = { outbox: 0, reconciler: 0 };
  const waiters = new Set<() => void>();
  const listener = await s.pool.connect();
  listener.on('notification', (n) => {
    if (n.channel === OUTBOX_CHANNEL) counts.outbox += 1;
    if (n.channel === RECONCILER_CHANNEL) counts.reconciler += 1;
    for (const w of [...waiters]) w();
  });
  await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  await listener.query(`LISTEN ${RECONCILER_CHANNEL}`);
  return {
    counts,
    /** Resolves once the counts satisfy `check`. */
    until: (check: (c: typeof counts) => boolean) =>
      new Promise<void>((resolve) => {
        const w = (): void => {
          if (check(counts)) waiters.delete(w), resolve();
        };
        waiters.add(w);
        w();
      }),
    stop: async () => {
      await listener.query('UNLISTEN *');
      listener.release();
    },
  };
}

test('the reconciler plans pass after pass while work is due; its roll-ups wake the relays, not itself', async (t) => {
  const s = await setUp(t);
  const orders = await tenAccounts(s);
  const notices = await noticesOf(s);
  try {
    // An idle poll far beyond the test: only passes that follow one another at once plan all ten accounts in time.
    const { reconciler } = s.reconciler({ RECONCILER_PLAN_BATCH: '12', RECONCILER_IDLE_POLL_MS: '600000' });
    await reconciler.start();
    for (const orderId of orders) assert.equal(await waitForOrderState(s.pool, orderId, ['completed', 'partial', 'failed']), 'completed');
    await reconciler.stop();
  } finally {
    await notices.stop();
  }
  // Only the reconciler's roll-ups wrote since LISTEN: status events for the relay, no work for the reconciler.
  assert.ok(notices.counts.outbox > 0);
  assert.equal(notices.counts.reconciler, 0);
});

test('an accepted order wakes the reconcilers at commit (their own channel); a rejected record wakes the relays only', async (t) => {
  const s = await setUp(t);
  const notices = await noticesOf(s);
  try {
    await s.submit({ orderId: 'rejected-1', account: 'acct-r', items: [{ id: 'x', action: 'explode', resource: 'numbers' }] });
    await s.submit({
      orderId: 'wake-1',
      account: 'acct-w',
      items: [account('acct-w', TENANT_EU), numbersItem([ocNumber('+442079000001')])],
    });
    // Notices arrive in commit order: once the accepted order's has come, the rejection's would have too.
    await notices.until((c) => c.reconciler >= 1 && c.outbox >= 2);
  } finally {
    await notices.stop();
  }
  assert.equal(
    (await s.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters')).rows[0]?.n,
    1,
    'the first record was rejected',
  );
  assert.deepEqual(notices.counts, { outbox: 2, reconciler: 1 });

  // A reconciler idle for longer than the test plans an order the moment it is committed.
  const { reconciler } = s.reconciler({ RECONCILER_IDLE_POLL_MS: '600000' });
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'wake-1', ['completed', 'partial', 'failed']), 'completed');
  await s.submit({ orderId: 'wake-2', account: 'acct-w', items: [numbersItem([ocNumber('+442079000002')])] });
  assert.equal(await waitForOrderState(s.pool, 'wake-2', ['completed', 'partial', 'failed']), 'completed');
  await reconciler.stop();
});
