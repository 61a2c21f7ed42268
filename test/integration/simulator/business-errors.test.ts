import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NumberErrorCode, Order } from '../../../src/simulator/index.js';
import {
  CIVIC_GB,
  CIVIC_US,
  LOCATION_US,
  TENANT_A,
  TENANT_B,
  TENANT_SUSPENDED,
  ocNumber,
  paths,
  startSimulator,
  type ApiClient,
} from '../../support/simulator.js';
import type { Simulator } from '../../../src/simulator/index.js';

const NO_CONSENT_TENANT = '44444444-4444-4444-8444-444444444444';

async function settle(simulator: Simulator, api: ApiClient, path: string, body: unknown): Promise<Order> {
  const accepted = await api.post<Order>(path, body);
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  return simulator.admin.whenOrderSettled(accepted.body.id);
}

async function onlyError(simulator: Simulator, api: ApiClient, path: string, body: unknown): Promise<NumberErrorCode | undefined> {
  const order = await settle(simulator, api, path, body);
  assert.equal(order.results.length, 1);
  return order.results[0]?.errorCode;
}

test('upload business rules: consent, country, holder, Mobile, civic address, location', async (t) => {
  const { simulator, api } = await startSimulator(t);
  const upload = (tenant: string, number: Record<string, unknown>, teamsPhoneMobile = false) =>
    onlyError(simulator, api, paths.upload(tenant), { teamsPhoneMobile, numbers: [number] });

  assert.equal(await upload(NO_CONSENT_TENANT, ocNumber('+14255550200')), 'NoActiveConsent');
  assert.equal(await upload(TENANT_SUSPENDED, ocNumber('+14255550200')), 'NoActiveConsent');
  assert.equal(await upload(TENANT_A, ocNumber('+4930123456')), 'CountryNotConsented');
  assert.equal(await upload(TENANT_A, ocNumber('+99912345678')), 'UnknownCountryCode');
  assert.equal(await upload(TENANT_A, ocNumber('+14255550201', { choosableCapabilities: ['Mobile'] })), 'MobileCapabilityNotAllowed');
  assert.equal(await upload(TENANT_A, ocNumber('+14255550202', { civicAddressId: 'unknown-civic' })), 'UnknownCivicAddress');
  assert.equal(await upload(TENANT_A, ocNumber('+14255550203', { locationId: 'unknown-location' })), 'UnknownLocation');
  // A location that exists, but under another civic address of the tenant.
  assert.equal(await upload(TENANT_A, ocNumber('+14255550204', { civicAddressId: CIVIC_GB, locationId: LOCATION_US })), 'UnknownLocation');
  assert.equal(await upload(TENANT_A, ocNumber('+14255550205', { civicAddressId: CIVIC_US, locationId: LOCATION_US })), undefined);
  // "UK" in consentedCountries covers +44 (the ACG example writes UK for GB).
  assert.equal(await upload(TENANT_A, ocNumber('+447700900123')), undefined);
  // +1 416 is Toronto: Canada, which tenant A consented to; tenant B did not.
  assert.equal(await upload(TENANT_A, ocNumber('+14165550100')), undefined);
  assert.equal(await upload(TENANT_B, ocNumber('+14165550101')), 'CountryNotConsented');

  assert.equal(await upload(TENANT_B, ocNumber('+14255550205')), 'NumberHeldByAnotherTenant');
  assert.equal(simulator.ledger.entries({ tenantId: TENANT_B }).length, 0);
});

test('re-uploading a number the tenant holds replaces its configuration (and is a second ledger entry)', async (t) => {
  const { simulator, api } = await startSimulator(t);
  await settle(simulator, api, paths.upload(TENANT_A), { numbers: [ocNumber('+14255550210')] });
  const again = await settle(simulator, api, paths.upload(TENANT_A), {
    numbers: [ocNumber('+14255550210', { usage: 'ConferenceAssignment' })],
  });
  assert.equal(again.status, 'complete');
  assert.equal(simulator.admin.numberStatus(TENANT_A, '+14255550210').configuration?.usage, 'ConferenceAssignment');
  assert.equal(simulator.ledger.repeatedChanges().length, 1, 'a client that uploads twice under new ids shows up');
});

test('a consent change between acceptance and processing decides the outcome', async (t) => {
  const { simulator, api } = await startSimulator(t, { orderProcessing: 'manual' });
  const accepted = await api.post<Order>(paths.upload(TENANT_A), { numbers: [ocNumber('+14255550220')] });
  simulator.admin.setConsent(TENANT_A, { status: 'suspended' });
  simulator.admin.processOrders();
  const order = await simulator.admin.whenOrderSettled(accepted.body.id);
  assert.equal(order.results[0]?.errorCode, 'NoActiveConsent');
});

test('release: refused while assigned to a user, NumberNotFound for numbers the tenant does not hold', async (t) => {
  const { simulator, api } = await startSimulator(t);
  await settle(simulator, api, paths.upload(TENANT_A), { numbers: [ocNumber('+14255550230'), ocNumber('+14255550231')] });
  simulator.admin.setAssignedToUser('+14255550230', true);

  const release = await settle(simulator, api, paths.release(TENANT_A), {
    numbers: [{ telephoneNumber: '+14255550230' }, { telephoneNumber: '+14255550231' }, { telephoneNumber: '+14255550299' }],
  });
  assert.equal(release.status, 'partialSuccess');
  assert.deepEqual(
    release.results.map((r) => [r.telephoneNumber, r.errorCode]),
    [
      ['+14255550230', 'NumberAssignedToUser'],
      ['+14255550231', undefined],
      ['+14255550299', 'NumberNotFound'],
    ],
  );
  assert.equal(simulator.admin.numberStatus(TENANT_A, '+14255550230').status, 'assigned');
  assert.equal(simulator.admin.numberStatus(TENANT_A, '+14255550231').status, 'unassigned');
  // Another tenant cannot release tenant A's number: to tenant B it does not exist.
  assert.equal(
    await onlyError(simulator, api, paths.release(TENANT_B), { numbers: [{ telephoneNumber: '+14255550230' }] }),
    'NumberNotFound',
  );

  // Once the enterprise unassigns it, release goes through; release needs no active consent.
  simulator.admin.setAssignedToUser('+14255550230', false);
  simulator.admin.setConsent(TENANT_A, { status: 'removed' });
  assert.equal(await onlyError(simulator, api, paths.release(TENANT_A), { numbers: [{ telephoneNumber: '+14255550230' }] }), undefined);
  assert.deepEqual(
    simulator.ledger.entries({ operation: 'release' }).map((e) => e.telephoneNumber),
    ['+14255550231', '+14255550230'],
  );
});

test('update: replaces the configuration of held numbers, with the same rules', async (t) => {
  const { simulator, api } = await startSimulator(t);
  await settle(simulator, api, paths.upload(TENANT_A), { numbers: [ocNumber('+14255550240'), ocNumber('+14255550241')] });
  await settle(simulator, api, paths.upload(TENANT_B), {
    teamsPhoneMobile: true,
    numbers: [ocNumber('+4915112340000', { choosableCapabilities: ['Mobile'] })],
  });

  const ok = await settle(simulator, api, paths.update(TENANT_A), {
    numbers: [
      ocNumber('+14255550240', { usage: 'ConferenceAssignment', choosableCapabilities: ['InboundCalling'], civicAddressId: CIVIC_US }),
    ],
  });
  assert.equal(ok.status, 'complete');
  const status = simulator.admin.numberStatus(TENANT_A, '+14255550240');
  assert.equal(status.configuration?.usage, 'ConferenceAssignment');
  assert.deepEqual(status.configuration?.choosableCapabilities, ['InboundCalling']);
  assert.equal(status.configuration?.civicAddressId, CIVIC_US);

  const update = (tenant: string, number: Record<string, unknown>) =>
    onlyError(simulator, api, paths.update(tenant), { numbers: [number] });
  assert.equal(await update(TENANT_A, ocNumber('+14255550299')), 'NumberNotFound');
  assert.equal(await update(TENANT_A, ocNumber('+14255550241', { choosableCapabilities: ['Mobile'] })), 'MobileCapabilityNotAllowed');
  assert.equal(
    await update(TENANT_B, ocNumber('+4915112340000', { choosableCapabilities: ['Mobile', 'OutboundCalling'] })),
    undefined,
    'Mobile stays allowed on a TPM number',
  );
  assert.equal(await update(TENANT_A, ocNumber('+14255550241', { locationId: 'nowhere' })), 'UnknownLocation');

  simulator.admin.setAssignedToUser('+14255550241', true);
  assert.equal(await update(TENANT_A, ocNumber('+14255550241', { usage: 'FirstPartyAppAssignment' })), 'NumberAssignedToUser');
  assert.equal(
    await update(TENANT_A, ocNumber('+14255550241', { choosableCapabilities: ['InboundCalling'] })),
    undefined,
    'same usage: fine while assigned',
  );
  assert.equal(simulator.ledger.entries({ operation: 'update' }).length, 3);
});
