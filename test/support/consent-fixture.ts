import type { TestContext } from 'node:test';
import { ConsentStateSync, operatorConnectConsentReader } from '../../src/reconciler/index.js';
import { account, numbersItem, ocNumber, setUp, TENANT_EU, TENANT_NONE, TENANT_US, waitForOrderState } from './reconciler.js';
import { silentLogger } from './test-context.js';

export const CONTACT = { fullName: 'Grace Hopper', email: 'grace@contoso.example', telephoneNumber: '+14255550199' };
export const HELD = ['+14255550700', '+14255550701'];

const consentItem = (tenantId: string, status: string, comment?: string) => ({
  id: 'consent',
  action: 'update',
  resource: 'consent',
  tenantId,
  consent: { customerRelationship: { status, ...(comment ? { comment } : {}) } },
});

/**
 * Three tenants as flow-through leaves them, on the Operator Connect simulator:
 *   TENANT_US   consents (contacts given); our order rel-us set AgreementSigned and it was written;
 *   TENANT_EU   consents; no order of ours names it;
 *   TENANT_NONE has no consent: order held-none's two numbers are held for it, and order rel-none's
 *               relationship was refused (ConsentNotFound).
 * backend_consents is filled by one consent state sync.
 */
export async function seedConsents(t: TestContext) {
  const s = await setUp(t);
  s.simulator.admin.setConsent(TENANT_US, { contacts: [CONTACT] });
  await s.submit({
    orderId: 'rel-us',
    account: 'contoso',
    items: [account('contoso', TENANT_US), consentItem(TENANT_US, 'AgreementSigned', 'signed 2026-11-29')],
  });
  await s.submit({
    orderId: 'held-none',
    account: 'newco',
    items: [account('newco', TENANT_NONE), numbersItem(HELD.map((n) => ocNumber(n)))],
  });
  await s.submit({ orderId: 'rel-none', account: 'newco', items: [consentItem(TENANT_NONE, 'CustomerContacted')] });
  const { reconciler } = s.reconciler();
  await reconciler.start();
  await waitForOrderState(s.pool, 'rel-us', ['completed']);
  await waitForOrderState(s.pool, 'held-none', ['held']);
  await waitForOrderState(s.pool, 'rel-none', ['failed', 'partial']);
  await reconciler.stop();
  const reader = operatorConnectConsentReader(s.client().client);
  await new ConsentStateSync({ pool: s.pool, logger: silentLogger(), reader, intervalMs: 0 }).syncAll();
  return { ...s, reader };
}

export { TENANT_EU, TENANT_NONE, TENANT_US };
