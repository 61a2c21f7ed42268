import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OperatorConnectClient, BackendPermanentError } from '../../../src/operator-connect/index.js';
import { ManualClock } from '../../../src/simulator/index.js';
import {
  clientConfig,
  ocNumber,
  silentLogger,
  startSimulator,
  TENANT_EU,
  TENANT_US,
  testClient,
  trustSimulatorCertificate,
} from '../../support/operator-connect.js';

test('an Operator Connect upload, polled to complete on real timers, through the real ClientSecretCredential', async (t) => {
  // Real time here: the simulator settles orders on its own timer and the client polls with real sleeps.
  const { simulator, endpoints } = await startSimulator(t, { clock: new ManualClock(Date.now()), processingDelayMs: 40 });
  trustSimulatorCertificate(t, endpoints);
  const client = new OperatorConnectClient({
    config: clientConfig(endpoints, { OPERATOR_CONNECT_POLL_INTERVAL_MS: '5' }),
    logger: silentLogger(),
  });

  const submitted = await client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550100'), ocNumber('+14255550101')] }, 'upload-oc-1');
  assert.equal(submitted.status, 'pending');
  assert.match(submitted.operationLocation ?? '', new RegExp(`/numberOrders/${submitted.orderId}\\?api-version=`));

  const order = await client.waitForOrder(submitted.orderId);
  assert.equal(order.status, 'complete');
  assert.deepEqual(
    order.results.map((r) => [r.telephoneNumber, r.status]),
    [
      ['+14255550100', 'succeeded'],
      ['+14255550101', 'succeeded'],
    ],
  );
  const status = await client.getNumberStatus(TENANT_US, '+14255550100');
  assert.equal(status.status, 'assigned');
  assert.equal(status.lastOrderId, submitted.orderId);
  assert.equal(status.configuration?.usage, 'CallingUserAssignment');
  assert.equal(simulator.ledger.entries({ requestId: 'upload-oc-1' }).length, 2);
  assert.equal(simulator.counters.snapshot().tokenRequests, 1, 'one token for every call');
});

test('a Teams Phone Mobile upload: pending, then complete once the service has processed it', async (t) => {
  const setup = await startSimulator(t, { orderProcessing: 'manual' });
  // Waiting between polls is when the service works: the virtual sleep lets it process.
  const { client } = testClient(
    setup,
    {},
    {
      sleep: async (ms) => {
        setup.clock.advance(ms);
        setup.simulator.admin.processOrders();
      },
    },
  );
  const mobile = {
    telephoneNumber: '+14255550200',
    usage: 'CallingUserAssignment',
    choosableCapabilities: ['InboundCalling', 'OutboundCalling', 'Mobile'],
  } as const;
  const submitted = await client.uploadNumbers(TENANT_US, { teamsPhoneMobile: true, numbers: [mobile] }, 'upload-tpm-1');
  assert.equal(submitted.order.teamsPhoneMobile, true);

  const order = await client.waitForOrder(submitted.orderId);
  assert.equal(order.status, 'complete');
  assert.deepEqual(setup.simulator.admin.orderHistory(submitted.orderId), ['pending', 'inProgress', 'complete']);
  assert.equal(setup.simulator.counters.snapshot().orderReads, 2, 'one poll saw it pending, the next complete');
  const status = await client.getNumberStatus(TENANT_US, '+14255550200');
  assert.equal(status.teamsPhoneMobile, true);
  assert.deepEqual(status.configuration?.choosableCapabilities, ['InboundCalling', 'OutboundCalling', 'Mobile']);
});

test('partial success surfaces each number’s result and error code', async (t) => {
  const setup = await startSimulator(t);
  const { client } = testClient(setup);
  const submitted = await client.uploadNumbers(
    TENANT_EU,
    { numbers: [ocNumber('+4930123456'), ocNumber('+33142685300'), ocNumber('+14255550300')] },
    'upload-partial',
  );
  await setup.simulator.admin.whenOrderSettled(submitted.orderId);
  const order = await client.getOrder(submitted.orderId);
  assert.equal(order.status, 'partialSuccess');
  assert.deepEqual([order.succeededCount, order.failedCount], [1, 2]);
  assert.deepEqual(
    order.results.map((r) => [r.telephoneNumber, r.status, r.errorCode]),
    [
      ['+4930123456', 'succeeded', undefined],
      ['+33142685300', 'failed', 'CountryNotConsented'],
      ['+14255550300', 'failed', 'CountryNotConsented'],
    ],
  );
  assert.match(order.results[1]?.message ?? '', /FR/);
});

test('update and release orders change and then free held numbers', async (t) => {
  const setup = await startSimulator(t);
  const { client } = testClient(setup);
  const tn = '+14255550400';
  const upload = await client.uploadNumbers(TENANT_US, { numbers: [ocNumber(tn)] }, 'op-1-upload');
  assert.equal((await client.waitForOrder(upload.orderId)).status, 'complete');

  const update = await client.updateNumbers(
    TENANT_US,
    { numbers: [{ telephoneNumber: tn, usage: 'ConferenceAssignment', choosableCapabilities: ['InboundCalling'] }] },
    'op-2-update',
  );
  assert.equal((await client.waitForOrder(update.orderId)).status, 'complete');
  assert.equal((await client.getNumberStatus(TENANT_US, tn)).configuration?.usage, 'ConferenceAssignment');

  const release = await client.releaseNumbers(TENANT_US, { numbers: [{ telephoneNumber: tn }] }, 'op-3-release');
  assert.equal(release.order.operation, 'release');
  assert.equal((await client.waitForOrder(release.orderId)).status, 'complete');
  assert.equal((await client.getNumberStatus(TENANT_US, tn)).status, 'unassigned');
  assert.deepEqual(
    setup.simulator.ledger.entries({ telephoneNumber: tn }).map((e) => [e.operation, e.requestId]),
    [
      ['upload', 'op-1-upload'],
      ['update', 'op-2-update'],
      ['release', 'op-3-release'],
    ],
  );
});

test('the client refuses, without a call, an order over maxNumbersPerOrder, an empty or duplicated one, or a bad Repeatability id', async (t) => {
  const setup = await startSimulator(t);
  const { client, calls } = testClient(setup, { OPERATOR_CONNECT_MAX_NUMBERS_PER_ORDER: '3' });
  const four = ['+14255550501', '+14255550502', '+14255550503', '+14255550504'].map(ocNumber);

  await assert.rejects(client.uploadNumbers(TENANT_US, { numbers: four }, 'too-many'), (e: unknown) => {
    assert.ok(e instanceof BackendPermanentError);
    assert.equal(e.code, 'TooManyNumbers');
    assert.equal(e.status, undefined, 'never sent');
    assert.equal(e.context.operation, 'uploadNumbers');
    assert.equal(e.context.max, 3);
    return true;
  });
  await assert.rejects(
    client.releaseNumbers(TENANT_US, { numbers: four.map(({ telephoneNumber }) => ({ telephoneNumber })) }, 'too-many-release'),
    { code: 'TooManyNumbers' },
  );
  await assert.rejects(client.updateNumbers(TENANT_US, { numbers: four }, 'too-many-update'), { code: 'TooManyNumbers' });
  await assert.rejects(client.uploadNumbers(TENANT_US, { numbers: [] }, 'empty'), { code: 'InvalidRequestBody' });
  await assert.rejects(client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550501'), ocNumber('+14255550501')] }, 'dup'), {
    code: 'DuplicateNumbers',
  });
  await assert.rejects(client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550501')] }, 'has spaces'), {
    code: 'InvalidRepeatabilityHeaders',
  });
  await assert.rejects(client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550501')] }, 'x'.repeat(129)), {
    code: 'InvalidRepeatabilityHeaders',
  });

  assert.equal(setup.simulator.counters.snapshot().totalCalls, 0);
  assert.deepEqual(calls, []);
  // Exactly the maximum goes through.
  const three = await client.uploadNumbers(TENANT_US, { numbers: four.slice(0, 3) }, 'three');
  assert.equal(three.order.numberCount, 3);
});
