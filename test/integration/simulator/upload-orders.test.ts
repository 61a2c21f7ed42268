import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NumberStatus, Order } from '../../../src/simulator/index.js';
import { CIVIC_US, LOCATION_US, TENANT_A, TENANT_B, ocNumber, paths, startSimulator } from '../../support/simulator.js';

test('an Operator Connect upload is accepted with 202, goes pending → inProgress → complete and lands in the ledger', async (t) => {
  const { simulator, api, endpoints } = await startSimulator(t, { orderProcessing: 'manual' });
  const requestId = 'req-upload-1';
  const numbers = [
    ocNumber('+14255550100', {
      civicAddressId: CIVIC_US,
      locationId: LOCATION_US,
      allowTenantAddressUpdate: false,
      displayedCountryCode: 'US',
    }),
    ocNumber('+442071838750', {
      usage: 'FirstPartyAppAssignment',
      choosableCapabilities: ['InboundCalling'],
      additionalUsages: ['ConferenceAssignment'],
    }),
  ];
  const accepted = await api.post<Order>(paths.upload(TENANT_A), { numbers }, { requestId });
  assert.equal(accepted.status, 202);
  assert.equal(accepted.body.status, 'pending');
  assert.equal(accepted.body.operation, 'upload');
  assert.equal(accepted.body.teamsPhoneMobile, false);
  assert.equal(accepted.body.numberCount, 2);
  assert.deepEqual(accepted.body.results, []);
  assert.equal(
    accepted.headers.get('operation-location'),
    `${endpoints.url}/numberOrders/${accepted.body.id}?api-version=${endpoints.apiVersion}`,
  );
  assert.equal(accepted.headers.get('repeatability-result'), 'accepted');
  assert.equal(simulator.ledger.size, 0, 'nothing applied before processing');

  const pending = await api.get<Order>(paths.order(accepted.body.id));
  assert.equal(pending.body.status, 'pending');
  simulator.admin.processOrders();

  const done = await api.get<Order>(paths.order(accepted.body.id));
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'complete');
  assert.equal(done.body.succeededCount, 2);
  assert.deepEqual(
    done.body.results.map((r) => [r.telephoneNumber, r.status]),
    [
      ['+14255550100', 'succeeded'],
      ['+442071838750', 'succeeded'],
    ],
  );
  assert.ok(done.body.completedAt);

  const entries = simulator.ledger.entries({ tenantId: TENANT_A });
  assert.deepEqual(
    entries.map((e) => [e.telephoneNumber, e.operation, e.requestId, e.orderId]),
    [
      ['+14255550100', 'upload', requestId, accepted.body.id],
      ['+442071838750', 'upload', requestId, accepted.body.id],
    ],
  );

  const status = await api.get<NumberStatus>(paths.number(TENANT_A, '+14255550100'));
  assert.equal(status.body.status, 'assigned');
  assert.equal(status.body.assignedToUser, false);
  assert.equal(status.body.isoCountryCode, 'US');
  assert.equal(status.body.configuration?.civicAddressId, CIVIC_US);
  assert.equal(status.body.lastOrderId, accepted.body.id);
});

test('automatic processing passes through inProgress before completing', async (t) => {
  const { simulator, api } = await startSimulator(t, { processingDelayMs: 20 });
  const accepted = await api.post<Order>(paths.upload(TENANT_A), { numbers: [ocNumber('+14255550101')] });
  const settled = await simulator.admin.whenOrderSettled(accepted.body.id);
  assert.equal(settled.status, 'complete');
  assert.deepEqual(simulator.admin.orderHistory(accepted.body.id), ['pending', 'inProgress', 'complete']);
  assert.equal((await api.get<Order>(paths.order(accepted.body.id))).body.status, 'complete');
});

test('a Teams Phone Mobile upload may carry the Mobile capability and completes', async (t) => {
  const { simulator, api } = await startSimulator(t);
  const accepted = await api.post<Order>(paths.upload(TENANT_B), {
    teamsPhoneMobile: true,
    numbers: [ocNumber('+4915112345678', { choosableCapabilities: ['Mobile', 'InboundCalling', 'OutboundCalling'] })],
  });
  assert.equal(accepted.status, 202);
  assert.equal(accepted.body.teamsPhoneMobile, true);
  const order = await simulator.admin.whenOrderSettled(accepted.body.id);
  assert.equal(order.status, 'complete');
  const status = await api.get<NumberStatus>(paths.number(TENANT_B, '+4915112345678'));
  assert.equal(status.body.teamsPhoneMobile, true);
  assert.equal(status.body.isoCountryCode, 'DE');
  assert.deepEqual(status.body.configuration?.choosableCapabilities, ['Mobile', 'InboundCalling', 'OutboundCalling']);
});

test('an order where some numbers fail ends partialSuccess with per-number codes; only the successes are applied', async (t) => {
  const { simulator, api } = await startSimulator(t);
  const accepted = await api.post<Order>(paths.upload(TENANT_A), {
    numbers: [
      ocNumber('+14255550110'),
      ocNumber('+33142685300'), // FR: not consented by tenant A
      ocNumber('+14255550111', { choosableCapabilities: ['Mobile'] }), // not a TPM upload
      ocNumber('+14255550112', { civicAddressId: 'no-such-address' }),
    ],
  });
  const order = await simulator.admin.whenOrderSettled(accepted.body.id);
  assert.equal(order.status, 'partialSuccess');
  assert.equal(order.succeededCount, 1);
  assert.equal(order.failedCount, 3);
  assert.deepEqual(
    order.results.map((r) => [r.telephoneNumber, r.status, r.errorCode]),
    [
      ['+14255550110', 'succeeded', undefined],
      ['+33142685300', 'failed', 'CountryNotConsented'],
      ['+14255550111', 'failed', 'MobileCapabilityNotAllowed'],
      ['+14255550112', 'failed', 'UnknownCivicAddress'],
    ],
  );
  assert.ok(
    order.results.every((r) => r.status === 'succeeded' || (r.message ?? '').length > 0),
    'failures explain themselves',
  );
  assert.deepEqual(
    simulator.ledger.entries().map((e) => e.telephoneNumber),
    ['+14255550110'],
  );
});

test('an order where every number fails ends failed', async (t) => {
  const { simulator, api } = await startSimulator(t);
  const accepted = await api.post<Order>(paths.upload(TENANT_A), { numbers: [ocNumber('+33142685300'), ocNumber('+33142685301')] });
  const order = await simulator.admin.whenOrderSettled(accepted.body.id);
  assert.equal(order.status, 'failed');
  assert.equal(simulator.ledger.size, 0);
});

test('orders are validated whole: size limit, duplicates, unknown fields, bad numbers, bad tenant', async (t) => {
  const { api, simulator } = await startSimulator(t, { maxNumbersPerOrder: 3 });
  const four = ['+14255550120', '+14255550121', '+14255550122', '+14255550123'].map((n) => ocNumber(n));
  const tooMany = await api.post<{ error: { code: string } }>(paths.upload(TENANT_A), { numbers: four });
  assert.equal(tooMany.status, 400);
  assert.equal(tooMany.body.error.code, 'TooManyNumbers');
  assert.equal(tooMany.headers.get('x-ms-error-code'), 'TooManyNumbers');

  const duplicate = await api.post<{ error: { code: string } }>(paths.upload(TENANT_A), {
    numbers: [ocNumber('+14255550120'), ocNumber('+14255550120')],
  });
  assert.equal(duplicate.body.error.code, 'DuplicateNumbers');

  const typo = await api.post<{ error: { code: string; details: { target: string }[] } }>(paths.upload(TENANT_A), {
    numbers: [ocNumber('+14255550120', { civicAddressID: 'x' })],
  });
  assert.equal(typo.body.error.code, 'InvalidRequestBody');
  assert.ok(typo.body.error.details.some((d) => d.target === 'numbers[0]'));

  const badNumber = await api.post<{ error: { code: string; details: { target: string }[] } }>(paths.upload(TENANT_A), {
    numbers: [ocNumber('0042555')],
  });
  assert.equal(badNumber.status, 400);
  assert.ok(badNumber.body.error.details.some((d) => d.target === 'numbers[0].telephoneNumber'));

  const badTenant = await api.post<{ error: { code: string } }>(paths.upload('contoso'), { numbers: [ocNumber('+14255550120')] });
  assert.equal(badTenant.body.error.code, 'InvalidTenantId');

  const notJson = await api.post<{ error: { code: string } }>(paths.upload(TENANT_A), '{', {});
  assert.equal(notJson.body.error.code, 'InvalidRequestBody');

  const wrongType = await api.post<{ error: { code: string } }>(paths.upload(TENANT_A), { numbers: [] }, { contentType: 'text/plain' });
  assert.equal(wrongType.status, 415);

  assert.equal(simulator.counters.snapshot().ordersAccepted, 0);
});
