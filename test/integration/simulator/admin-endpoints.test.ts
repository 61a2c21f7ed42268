import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CounterSnapshot, LedgerEntry, NumberStatus, Order } from '../../../src/simulator/index.js';
import { TENANT_A, ocNumber, paths, startSimulator } from '../../support/simulator.js';

const NEW_TENANT = '66666666-6666-4666-8666-666666666666';

async function admin<T>(adminUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${adminUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

test('the admin endpoints drive the enterprise side and expose ledger and counters, without a token', async (t) => {
  const { endpoints, api, simulator } = await startSimulator(t, { orderProcessing: 'manual' });
  const { adminUrl } = endpoints;

  // A new tenant consents; the operator can then upload for it.
  const consent = await admin<{ status: string }>(adminUrl, 'PUT', `/consents/${NEW_TENANT}`, { consentedCountries: ['GB'] });
  assert.equal(consent.status, 200);
  assert.equal(consent.body.status, 'active');
  const accepted = await api.post<Order>(paths.upload(NEW_TENANT), { numbers: [ocNumber('+442071838751')] }, { requestId: 'admin-1' });
  const processed = await admin<{ value: Order[] }>(adminUrl, 'POST', '/orders/process');
  assert.deepEqual(
    processed.body.value.map((o) => [o.id, o.status]),
    [[accepted.body.id, 'complete']],
  );

  const assigned = await admin<NumberStatus>(adminUrl, 'PUT', `/numbers/${encodeURIComponent('+442071838751')}/assignment`, {
    assignedToUser: true,
  });
  assert.equal(assigned.body.assignedToUser, true);
  assert.equal(
    (await admin(adminUrl, 'PUT', `/numbers/${encodeURIComponent('+442071838799')}/assignment`, { assignedToUser: true })).status,
    404,
  );

  const placed = await admin<NumberStatus>(adminUrl, 'PUT', `/numbers/${encodeURIComponent('+14255550900')}`, {
    tenantId: TENANT_A,
    configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] },
  });
  assert.equal(placed.body.status, 'assigned');

  const ledger = await admin<{ count: number; entries: LedgerEntry[] }>(adminUrl, 'GET', `/ledger?tenantId=${NEW_TENANT}`);
  assert.equal(ledger.body.count, 1);
  assert.deepEqual(
    ledger.body.entries.map((e) => [e.telephoneNumber, e.operation, e.requestId, e.orderId]),
    [['+442071838751', 'upload', 'admin-1', accepted.body.id]],
  );
  assert.equal((await admin<{ count: number }>(adminUrl, 'GET', '/ledger?operation=release')).body.count, 0);

  const faults = await admin<{ pendingScript: unknown[] }>(adminUrl, 'POST', '/faults', {
    script: [{ kind: 'serviceUnavailable', retryAfterSeconds: 2 }],
  });
  assert.equal(faults.body.pendingScript.length, 1);
  assert.equal((await api.get(paths.consents)).status, 503);
  assert.equal((await admin(adminUrl, 'POST', '/faults', { script: [{ kind: 'explode' }] })).status, 400);
  assert.equal((await admin(adminUrl, 'POST', '/faults', { probabilities: { reset: 1 } })).status, 200);
  assert.equal((await admin(adminUrl, 'DELETE', '/faults')).status, 204);
  assert.equal((await api.get(paths.consents)).status, 200);

  const counters = await admin<CounterSnapshot>(adminUrl, 'GET', '/counters');
  assert.equal(counters.body.mutatingCalls, 1);
  assert.equal(counters.body.ordersAccepted, 1);
  assert.deepEqual(counters.body.calls.listConsents, { '200': 1, '503': 1 });
  assert.equal(counters.body.faultsInjected.serviceUnavailable, 1);

  assert.equal((await admin(adminUrl, 'POST', '/reset')).status, 204);
  assert.equal(simulator.ledger.size, 0);
  assert.equal(simulator.counters.snapshot().totalCalls, 0);
  assert.equal(simulator.admin.numberStatus(NEW_TENANT, '+442071838751').status, 'unassigned');
  assert.equal((await api.get(paths.consent(NEW_TENANT))).status, 404, 'back to the seed');
  assert.equal((await api.get(paths.consent(TENANT_A))).status, 200);

  assert.equal((await admin(adminUrl, 'GET', '/nothing')).status, 404);
  assert.equal((await admin(adminUrl, 'PUT', `/consents/${NEW_TENANT}`, { consentedCountries: 'GB' })).status, 400);
});
