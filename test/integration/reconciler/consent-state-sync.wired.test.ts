import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import { operatorConnectBackend } from '../../../src/reconciler/backend/operator-connect-backend.js';
import { reconcilerService } from '../../../src/reconciler/reconciler-service.js';
import { createConsentStateSync } from '../../../src/reconciler/index.js';
import { account, FAST, numbersItem, ocNumber, setUp, STATUS, TENANT_NONE, waitForOrderState } from '../../support/reconciler.js';
import { silentLogger, testConfig } from '../../support/test-context.js';

/**
 * The wiring the consent state sync is meant for (create-reconciler.ts): a side sync of the
 * reconciler, with the backend's consents observed so planning's reads are recorded as well.
 */
test('wired into the reconciler, the sync records the consents planning reads and lists them at its interval', async (t) => {
  const s = await setUp(t);
  const config = testConfig({ ...FAST, RECONCILER_CONSENT_RECHECK_MS: '50', RECONCILER_CONSENT_SYNC_MS: '300' });
  const built = operatorConnectBackend(s.client().client, 1000, 0);
  const consentState = createConsentStateSync(config, { pool: s.pool, logger: silentLogger(), consents: built.consents });
  const reconciler = reconcilerService({
    pool: s.pool,
    logger: silentLogger(),
    backend: { ...built, consents: consentState.observe(built.consents) },
    sideSyncs: [consentState],
    config: config.reconciler,
    status: STATUS,
  });
  await s.submit({
    orderId: 'wired-1',
    account: 'newco',
    items: [account('newco', TENANT_NONE), numbersItem([ocNumber('+14255550900')])],
  });
  await reconciler.start();
  try {
    await observeConsents(s);
  } finally {
    // Before setUp's own cleanup stops the simulator (it only stops the reconcilers it built).
    await reconciler.stop();
  }
});

async function observeConsents(s: Awaited<ReturnType<typeof setUp>>): Promise<void> {
  assert.equal(await waitForOrderState(s.pool, 'wired-1', ['held']), 'held');

  // The tenant consents. Planning's own reads of it are recorded (observed); the interval's list brings in the two
  // tenants nobody asked about (one tenant waiting: the ConsentCache reads it alone, never the list).
  s.simulator.admin.setConsent(TENANT_NONE, { status: 'active', consentedCountries: ['US'] });
  const deadline = Date.now() + 10_000;
  let tenants: Array<{ tenant_id: string; status: string }> = [];
  while (Date.now() < deadline) {
    tenants = (
      await s.pool.query<{ tenant_id: string; status: string }>('SELECT tenant_id, status FROM backend_consents ORDER BY tenant_id')
    ).rows;
    if (tenants.length === 3 && tenants.some((r) => r.tenant_id === TENANT_NONE && r.status === 'active')) break;
    await delay(50);
  }
  assert.equal(tenants.length, 3, JSON.stringify(tenants));
  assert.equal(await waitForOrderState(s.pool, 'wired-1', ['completed']), 'completed');
}
