import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BACKEND_HARNESSES } from '../../support/backend-harness.js';
import { statusEventsOf, waitForOrderState } from '../../support/reconciler.js';

/**
 * What only BACKEND=acg provisions: Direct Routing (with its DNS subdomain),
 * Zoom Phone Cloud Peering and the custom SIP header reach Azure
 * Communications Gateway, are confirmed by it, and are reported back; under
 * operator-connect they are stored only (backend-suite covers what both do).
 */

const example = (file: string): { orderId: string; account: string; items: unknown[] } =>
  JSON.parse(readFileSync(new URL(`../../../examples/${file}`, import.meta.url), 'utf8')).value;

const TERMINAL = ['completed', 'partial', 'failed'];

interface AcgNumber {
  serviceDetails?: Record<string, { enabled?: boolean }>;
  configuration?: { customSipHeader?: string };
  serviceProvisioningStatus?: string;
}

test('Direct Routing and Zoom numbers with custom SIP headers are provisioned in ACG; the subdomain DNS status is reported', async (t) => {
  const h = await BACKEND_HARNESSES.acg(t);
  const { api } = h.acg ?? assert.fail('the acg harness has its simulator');
  const order = example('05-northwind-direct-routing-zoom.json');
  await h.submit(order);
  await h.start();
  assert.equal(await waitForOrderState(h.pool, order.orderId, TERMINAL), 'completed');

  const account = await api.call<{
    serviceDetails: { teamsDirectRouting: { subdomainStatus: string; configuration: { subdomain: string } } };
  }>('GET', '/accounts/northwind');
  assert.equal(account.status, 200);
  assert.equal(account.body.serviceDetails.teamsDirectRouting.subdomainStatus, 'provisioned');
  assert.equal(account.body.serviceDetails.teamsDirectRouting.configuration.subdomain, 'northwind');

  const dr = await api.call<AcgNumber>('GET', '/accounts/northwind/numbers/%2B442079460100');
  assert.equal(dr.body.serviceDetails?.teamsDirectRouting?.enabled, true);
  assert.equal(dr.body.configuration?.customSipHeader, 'northwind-london');
  const zoom = await api.call<AcgNumber>('GET', '/accounts/northwind/numbers/%2B442079460200');
  assert.equal(zoom.body.serviceDetails?.zoomPhoneCloudPeering?.enabled, true);
  assert.equal(zoom.body.configuration, undefined);

  const last = (await statusEventsOf(h.pool, order.orderId)).at(-1)?.data;
  const accountItem = last?.items.find((i) => i.id === 'account');
  assert.deepEqual(accountItem?.directRouting, { subdomain: 'northwind', subdomainStatus: 'provisioned' });
  assert.deepEqual(
    last?.items.find((i) => i.id === 'direct-routing-numbers')?.numbers?.map((n) => n.state),
    ['succeeded', 'succeeded'],
  );
  const observed = (
    await h.pool.query<{ subdomain_status: string }>("SELECT backend_observed->>'subdomainStatus' AS subdomain_status FROM accounts")
  ).rows;
  assert.deepEqual(observed, [{ subdomain_status: 'provisioned' }]);
});

test('a changed custom SIP header alone is one write to ACG; an account deleted with its numbers leaves nothing in ACG', async (t) => {
  const h = await BACKEND_HARNESSES.acg(t);
  const { api, simulator } = h.acg ?? assert.fail('the acg harness has its simulator');
  const order = example('05-northwind-direct-routing-zoom.json');
  await h.submit(order);
  await h.start();
  assert.equal(await waitForOrderState(h.pool, order.orderId, TERMINAL), 'completed');
  const writesBefore = h.appliedNumberWrites();

  await h.submit({
    orderId: 'header-1',
    account: 'northwind',
    items: [
      {
        id: 'header',
        action: 'upsert',
        resource: 'numbers',
        numbers: [
          {
            telephoneNumber: '+442079460101',
            serviceDetails: { teamsDirectRouting: { enabled: true } },
            configuration: { customSipHeader: 'northwind-leeds' },
          },
        ],
      },
    ],
  });
  assert.equal(await waitForOrderState(h.pool, 'header-1', TERMINAL), 'completed');
  assert.equal(h.appliedNumberWrites(), writesBefore + 1);
  const changed = await api.call<AcgNumber>('GET', '/accounts/northwind/numbers/%2B442079460101');
  assert.equal(changed.body.configuration?.customSipHeader, 'northwind-leeds');

  const close = example('07-northwind-account-delete.json');
  await h.submit(close);
  assert.equal(await waitForOrderState(h.pool, close.orderId, TERMINAL), 'completed');
  assert.equal((await api.call('GET', '/accounts/northwind')).status, 404);
  const listed = await api.call<{ value: unknown[] }>('GET', '/numbers');
  assert.deepEqual(listed.body.value, []);
  assert.equal(simulator.counters.snapshot().requestViolations, 0);
});
