import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ocNumber, startSimulator, TENANT_US, testClient } from '../../support/operator-connect.js';

const numbers = [ocNumber('+14255551000'), ocNumber('+14255551001')];

for (const kind of ['reset', 'serverError', 'serviceUnavailable'] as const) {
  test(`an upload applied but whose answer was lost (${kind} after handling) is retried under the same id and applied once`, async (t) => {
    const setup = await startSimulator(t, { faults: { script: [{ kind, phase: 'afterHandling', operations: ['createUploadOrder'] }] } });
    const { client, calls } = testClient(setup);
    const submitted = await client.uploadNumbers(TENANT_US, { numbers }, `lost-answer-${kind}`);
    await setup.simulator.admin.whenOrderSettled(submitted.orderId);

    assert.deepEqual(
      calls.map((c) => c.outcome),
      ['retry', 'ok'],
    );
    const counters = setup.simulator.counters.snapshot();
    assert.equal(counters.ordersAccepted, 1, 'one order, not two');
    assert.equal(counters.replays, 1, 'the retry got the stored answer');
    const entries = setup.simulator.ledger.entries({ requestId: `lost-answer-${kind}` });
    assert.deepEqual(
      entries.map((e) => [e.telephoneNumber, e.orderId]),
      numbers.map((n) => [n.telephoneNumber, submitted.orderId]),
    );
    assert.deepEqual(setup.simulator.ledger.repeatedChanges(), []);
  });
}

test('an upload whose answer comes too late is timed out, retried, and applied once', async (t) => {
  const setup = await startSimulator(t, { faults: { script: [{ kind: 'slow', delayMs: 30_000, operations: ['createUploadOrder'] }] } });
  const { client, calls } = testClient(setup, { OPERATOR_CONNECT_REQUEST_TIMEOUT_MS: '500' });
  const submitted = await client.uploadNumbers(TENANT_US, { numbers }, 'slow-upload');
  await setup.simulator.admin.whenOrderSettled(submitted.orderId);
  assert.deepEqual(
    calls.map((c) => [c.outcome, c.code]),
    [
      ['retry', 'ETIMEDOUT'],
      ['ok', undefined],
    ],
  );
  assert.equal(setup.simulator.counters.snapshot().ordersAccepted, 1);
  assert.equal(setup.simulator.ledger.entries({ requestId: 'slow-upload' }).length, 2);
  assert.deepEqual(setup.simulator.ledger.repeatedChanges(), []);
});

test('a retry after a crash (a new client, the same persisted id) replays the first answer instead of applying again', async (t) => {
  const setup = await startSimulator(t);
  const first = testClient(setup).client;
  const submitted = await first.uploadNumbers(TENANT_US, { numbers }, 'operation-42');
  const afterRestart = testClient(setup).client;
  const again = await afterRestart.uploadNumbers(TENANT_US, { numbers }, 'operation-42');
  assert.equal(again.orderId, submitted.orderId);
  await setup.simulator.admin.whenOrderSettled(submitted.orderId);
  assert.equal(setup.simulator.counters.snapshot().ordersAccepted, 1);
  assert.deepEqual(setup.simulator.ledger.repeatedChanges(), []);
});

test('a consent update that lost its answer is retried under the same id and not re-applied', async (t) => {
  const setup = await startSimulator(t, { faults: { script: [{ kind: 'reset', phase: 'afterHandling', operations: ['updateConsent'] }] } });
  const { client } = testClient(setup);
  const consent = await client.updateCustomerRelationship(TENANT_US, { status: 'AgreementSigned', comment: 'Signed' }, 'rel-signed');
  assert.equal(consent.customerRelationship.status, 'AgreementSigned');
  const counters = setup.simulator.counters.snapshot();
  assert.deepEqual(counters.calls.updateConsent, { reset: 1, '200': 1 });
  assert.equal(counters.replays, 1);
});
