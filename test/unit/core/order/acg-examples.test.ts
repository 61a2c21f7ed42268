import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOrderValidator } from '../../../../src/contracts/order-validator.js';
import { parseOrderRecord, type ParseResult } from '../../../../src/core/order/parse-order-record.js';
import { ACG_EXAMPLES_DIRECTORY, binaryRecord, orderData, readJson, TEST_LIMITS } from './order-records.js';

/**
 * Microsoft's own request examples for the ACG Provisioning API
 * 2024-02-29-preview, fed unmodified as order items: a BSS integrated with
 * that API sends the same JSON to us.
 */
const validate = createOrderValidator();

interface AcgExample {
  readonly parameters: Record<string, unknown> & {
    accountName?: string;
    tenantId?: string;
    resource?: unknown;
    body?: { numbers: unknown[] };
  };
  readonly responses: Record<string, { body?: unknown }>;
}

const example = (file: string): AcgExample => readJson<AcgExample>(ACG_EXAMPLES_DIRECTORY, file);

function parseItems(items: unknown[], account = 'contoso'): Extract<ParseResult, { ok: true }> {
  const result = parseOrderRecord(binaryRecord(orderData(items, { account })), validate, TEST_LIMITS);
  assert.ok(result.ok, JSON.stringify(result, null, 1));
  return result;
}

describe('ACG 2024-02-29-preview request examples as order items', () => {
  it('PutAccount.json parameters.resource is an account upsert', () => {
    const put = example('PutAccount.json');
    const result = parseItems(
      [{ id: 'a', action: 'upsert', resource: 'account', account: put.parameters.resource }],
      put.parameters.accountName,
    );
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.order.items[0], { id: 'a', action: 'upsert', resource: 'account', account: put.parameters.resource });
  });

  it('PutAccountNumber.json parameters.resource is a number upsert', () => {
    const put = example('PutAccountNumber.json');
    const result = parseItems(
      [{ id: 'n', action: 'upsert', resource: 'numbers', numbers: [put.parameters.resource] }],
      put.parameters.accountName,
    );
    assert.deepEqual(result.warnings, []);
    const item = result.order.items[0];
    assert.ok(item?.action === 'upsert' && item.resource === 'numbers');
    assert.deepEqual(item.numbers[0], {
      telephoneNumber: '+15105850321',
      serviceDetails: {
        teamsOperatorConnect: {
          enabled: true,
          assignmentStatus: 'assigned',
          // The API's default, made explicit by normalisation.
          configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'], allowTenantAddressUpdate: false },
        },
      },
      configuration: { customSipHeader: 'contoso-commsgw' },
    });
  });

  it('PostAccountNumbersDelete.json parameters.body.numbers is a numbers delete', () => {
    const post = example('PostAccountNumbersDelete.json');
    const numbers = post.parameters.body?.numbers;
    const result = parseItems([{ id: 'd', action: 'delete', resource: 'numbers', numbers }], post.parameters.accountName);
    assert.deepEqual(result.order.items[0], {
      id: 'd',
      action: 'delete',
      resource: 'numbers',
      numbers: [{ telephoneNumber: '+15105850321' }],
    });
  });

  it('PatchRequestForInformationCustomerRelationship.json tenantId + resource is a consent update', () => {
    const patch = example('PatchRequestForInformationCustomerRelationship.json');
    const result = parseItems([
      { id: 'c', action: 'update', resource: 'consent', tenantId: patch.parameters.tenantId, consent: patch.parameters.resource },
    ]);
    assert.deepEqual(result.order.items[0], {
      id: 'c',
      action: 'update',
      resource: 'consent',
      tenantId: 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a',
      consent: { customerRelationship: { status: 'ConsentAcknowledged', comment: 'Consent has been accepted on 2024-01-12' } },
    });
  });

  it('accepts response bodies echoed back, ignoring their read-only fields with a warning each', () => {
    const account = example('PutAccount.json').responses['200']?.body;
    const number = example('PutAccountNumber.json').responses['200']?.body;
    const result = parseItems([
      { id: 'a', action: 'upsert', resource: 'account', account },
      { id: 'n', action: 'upsert', resource: 'numbers', numbers: [number] },
    ]);
    assert.deepEqual(
      result.warnings.map((w) => `${w.code} ${w.path}`),
      [
        'read_only_field_ignored /items/0/account/serviceProvisioningStatus',
        'read_only_field_ignored /items/0/account/serviceProvisioningErrors',
        'read_only_field_ignored /items/0/account/serviceDetails/teamsOperatorConnect/numberCount',
        'read_only_field_ignored /items/1/numbers/0/serviceProvisioningStatus',
        'read_only_field_ignored /items/1/numbers/0/serviceProvisioningErrors',
      ],
    );
    const upsert = result.order.items[0];
    assert.ok(upsert?.action === 'upsert' && upsert.resource === 'account');
    assert.deepEqual(upsert.account, example('PutAccount.json').parameters.resource, 'the request body is what remains');
  });
});
