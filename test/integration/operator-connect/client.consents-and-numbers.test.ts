import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackendPermanentError } from '../../../src/operator-connect/index.js';
import { startSimulator, TENANT_EU, TENANT_SUSPENDED, TENANT_US, testClient } from '../../support/operator-connect.js';

test('listConsents follows nextLink through every page', async (t) => {
  const setup = await startSimulator(t);
  const { client, calls } = testClient(setup, { OPERATOR_CONNECT_PAGE_SIZE: '1' });
  const consents = await client.listConsents();
  assert.deepEqual(
    consents.map((c) => [c.tenantId, c.status]),
    [
      [TENANT_US, 'active'],
      [TENANT_EU, 'active'],
      [TENANT_SUSPENDED, 'suspended'],
    ],
  );
  assert.equal(setup.simulator.counters.snapshot().calls.listConsents?.['200'], 3);
  assert.deepEqual(
    calls.map((c) => [c.operation, c.outcome]),
    Array.from({ length: 3 }, () => ['listConsents', 'ok']),
  );
});

test('getConsent returns one consent; an unknown tenant is a permanent ConsentNotFound, not retried', async (t) => {
  const setup = await startSimulator(t);
  const { client, retries } = testClient(setup);
  assert.deepEqual((await client.getConsent(TENANT_EU)).consentedCountries, ['DE', 'GB']);
  const unknown = '44444444-4444-4444-8444-444444444444';
  await assert.rejects(client.getConsent(unknown), (e: unknown) => {
    assert.ok(e instanceof BackendPermanentError);
    assert.equal(e.code, 'ConsentNotFound');
    assert.equal(e.status, 404);
    assert.equal(e.context.operation, 'getConsent');
    assert.match(e.message, /404 ConsentNotFound/);
    return true;
  });
  assert.equal(setup.simulator.counters.snapshot().calls.getConsent?.['404'], 1);
  assert.deepEqual(retries, []);
});

test('updateCustomerRelationship patches the relationship; a termination needs a comment', async (t) => {
  const setup = await startSimulator(t);
  const { client } = testClient(setup);
  const contacted = await client.updateCustomerRelationship(
    TENANT_US,
    { status: 'CustomerContacted', comment: 'Called on 2026-11-29' },
    'rel-1',
  );
  assert.equal(contacted.customerRelationship.status, 'CustomerContacted');
  assert.equal(contacted.customerRelationship.comment, 'Called on 2026-11-29');

  await assert.rejects(client.updateCustomerRelationship(TENANT_US, { status: 'ContractTerminated' }, 'rel-2'), {
    code: 'InvalidRequestBody',
  });
  await assert.rejects(client.updateCustomerRelationship(TENANT_US, { status: 'ContractTerminated', comment: '  ' }, 'rel-3'), {
    code: 'InvalidRequestBody',
  });
  assert.equal(setup.simulator.counters.snapshot().calls.updateConsent?.['200'], 1, 'the refusals never left the client');

  const ended = await client.updateCustomerRelationship(TENANT_US, { status: 'ContractTerminated', comment: 'Contract ended' }, 'rel-4');
  assert.equal(ended.customerRelationship.status, 'ContractTerminated');
});

test('listTenantNumbers pages through everything a tenant holds; getNumberStatus percent-encodes the +', async (t) => {
  const setup = await startSimulator(t);
  for (let i = 0; i < 5; i++) {
    setup.simulator.admin.placeNumber({
      tenantId: TENANT_US,
      telephoneNumber: `+1425555060${i}`,
      configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] },
    });
  }
  const { client } = testClient(setup, { OPERATOR_CONNECT_PAGE_SIZE: '2' });
  const numbers = await client.listTenantNumbers(TENANT_US);
  assert.deepEqual(
    numbers.map((n) => n.telephoneNumber),
    ['+14255550600', '+14255550601', '+14255550602', '+14255550603', '+14255550604'],
  );
  assert.equal(setup.simulator.counters.snapshot().calls.listNumbers?.['200'], 3);
  const held = await client.getNumberStatus(TENANT_US, '+14255550603');
  assert.equal(held.status, 'assigned');
  const other = await client.getNumberStatus(TENANT_EU, '+14255550603');
  assert.equal(other.status, 'unassigned', "another tenant's number shows as unassigned");
});

test('custom path templates and api-version from configuration are what the client uses', async (t) => {
  const setup = await startSimulator(t, {
    basePath: '/oc/v2',
    apiVersions: ['2031-01-01'],
    paths: { consents: '/partner/consents', consent: '/partner/consents/{tenantId}', number: '/t/{tenantId}/n/{telephoneNumber}' },
  });
  const { client } = testClient(setup, {
    OPERATOR_CONNECT_PATH_CONSENTS: '/partner/consents',
    OPERATOR_CONNECT_PATH_CONSENT: '/partner/consents/{tenantId}',
    OPERATOR_CONNECT_PATH_NUMBER: '/t/{tenantId}/n/{telephoneNumber}',
  });
  assert.equal(setup.endpoints.apiVersion, '2031-01-01');
  assert.equal((await client.listConsents()).length, 3);
  assert.equal((await client.getConsent(TENANT_US)).tenantId, TENANT_US);
  assert.equal((await client.getNumberStatus(TENANT_US, '+14255550699')).status, 'unassigned');
});
