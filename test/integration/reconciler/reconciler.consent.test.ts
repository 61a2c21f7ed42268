import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  account,
  numbersItem,
  ocNumber,
  setUp,
  statusEventsOf,
  TENANT_NONE,
  TENANT_US,
  waitForOrderState,
} from '../../support/reconciler.js';

test('an upload waiting for a consent is held with its reason, and released once the consent becomes active', async (t) => {
  const s = await setUp(t);
  await s.submit({
    orderId: 'held-1',
    account: 'newco',
    items: [account('newco', TENANT_NONE), numbersItem([ocNumber('+14255550700'), ocNumber('+14255550701')])],
  });
  const { reconciler } = s.reconciler({ RECONCILER_CONSENT_RECHECK_MS: '50' });
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'held-1', ['held']), 'held');
  const held = (await statusEventsOf(s.pool, 'held-1')).at(-1)!.data;
  assert.deepEqual([held.previousState, held.state], ['inProgress', 'held']);
  const item = held.items.find((i) => i.id === 'numbers')!;
  assert.equal(item.state, 'held');
  assert.equal(item.reason?.code, 'NoActiveConsent');
  assert.deepEqual(
    item.numbers?.map((n) => [n.state, n.errorCode]),
    [
      ['held', 'NoActiveConsent'],
      ['held', 'NoActiveConsent'],
    ],
  );
  assert.equal(s.simulator.counters.snapshot().mutatingCalls, 0, 'nothing sent while held');

  // The enterprise consents in the Teams admin center.
  s.simulator.admin.setConsent(TENANT_NONE, { status: 'active', consentedCountries: ['US'] });
  assert.equal(await waitForOrderState(s.pool, 'held-1', ['completed', 'partial', 'failed']), 'completed');
  const states = (await statusEventsOf(s.pool, 'held-1')).map((e) => e.data.state);
  assert.deepEqual(states, ['acknowledged', 'inProgress', 'held', 'inProgress', 'completed']);
  assert.equal(s.simulator.ledger.entries({ tenantId: TENANT_NONE }).length, 2);
});

test('a country the consent does not cover is held; past the deadline the numbers fail with the consent code', async (t) => {
  const s = await setUp(t);
  // TENANT_US consents to US and CA only: the German number waits, the US one goes.
  await s.submit({
    orderId: 'deadline-1',
    account: 'contoso',
    items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550800'), ocNumber('+4930123458')])],
  });
  const { reconciler } = s.reconciler({ RECONCILER_CONSENT_RECHECK_MS: '50', RECONCILER_CONSENT_DEADLINE_MS: '300' });
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'deadline-1', ['completed', 'partial', 'failed']), 'partial');
  const events = (await statusEventsOf(s.pool, 'deadline-1')).map((e) => e.data);
  assert.ok(
    events.some((e) => e.state === 'held'),
    'held on the way',
  );
  const last = events.at(-1)!;
  assert.deepEqual(
    last.items.find((i) => i.id === 'numbers')?.numbers?.map((n) => [n.telephoneNumber, n.state, n.errorCode]),
    [
      ['+14255550800', 'succeeded', undefined],
      ['+4930123458', 'failed', 'CountryNotConsented'],
    ],
  );
  assert.equal(s.simulator.ledger.entries().length, 1);
});

test('a consent item’s customer relationship is written back to Operator Connect once', async (t) => {
  const s = await setUp(t);
  await s.submit({
    orderId: 'rel-1',
    account: 'contoso',
    items: [
      account('contoso', TENANT_US),
      {
        id: 'consent',
        action: 'update',
        resource: 'consent',
        tenantId: TENANT_US,
        consent: { customerRelationship: { status: 'AgreementSigned', comment: 'signed 2026-11-29' } },
      },
    ],
  });
  const { reconciler, calls } = s.reconciler();
  await reconciler.start();
  const deadline = Date.now() + 10_000;
  while (
    (await s.pool.query<{ synced_order_id: string | null }>('SELECT synced_order_id FROM consents')).rows[0]?.synced_order_id !== 'rel-1'
  ) {
    assert.ok(Date.now() < deadline, 'the relationship was not written');
    await new Promise((r) => setTimeout(r, 20));
  }
  const { client } = s.client();
  const consent = await client.getConsent(TENANT_US);
  assert.deepEqual([consent.customerRelationship.status, consent.customerRelationship.comment], ['AgreementSigned', 'signed 2026-11-29']);
  assert.equal(calls.filter((c) => c.operation === 'updateCustomerRelationship').length, 1);
});
