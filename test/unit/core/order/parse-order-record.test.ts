import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOrderValidator } from '../../../../src/contracts/order-validator.js';
import { ORDER_LIMITS } from '../../../../src/core/order/business-rules.js';
import { MAX_WARNINGS } from '../../../../src/core/order/normalise-order.js';
import { canonicalJson, FORCE_STALE_HEADER, parseOrderRecord, type ParseResult } from '../../../../src/core/order/parse-order-record.js';
import { BINARY_HEADERS, binaryRecord, encodeJson, headerMap, ocNumber, orderData, TEST_LIMITS } from './order-records.js';

const validate = createOrderValidator();

function accepted(result: ParseResult): Extract<ParseResult, { ok: true }> {
  assert.ok(result.ok, JSON.stringify(result, null, 1));
  return result;
}

function refused(result: ParseResult): Extract<ParseResult, { ok: false }> {
  assert.equal(result.ok, false, 'expected a refusal');
  return result as Extract<ParseResult, { ok: false }>;
}

const numbersItem = (numbers: unknown[], id = 'numbers') => ({ id, action: 'upsert', resource: 'numbers', numbers });

describe('parseOrderRecord: CloudEvents modes', () => {
  const data = orderData([numbersItem([ocNumber('+14255550100')])]);

  it('reads binary mode from ce_* headers', () => {
    const result = accepted(
      parseOrderRecord(binaryRecord(data, { ce_time: '2026-11-29T09:00:00.123+01:00', ce_subject: 'contoso' }), validate, TEST_LIMITS),
    );
    assert.deepEqual(result.envelope, {
      id: 'test-event-1',
      source: 'urn:example-telco:bss:test',
      type: 'io.flowthrough.order.v1',
      time: '2026-11-29T09:00:00.123+01:00',
      subject: 'contoso',
      mode: 'binary',
    });
  });

  it('reads structured mode from the event JSON, giving the same order', () => {
    const event = {
      specversion: '1.0',
      id: 'e-1',
      source: '/bss',
      type: 'io.flowthrough.order.v1',
      datacontenttype: 'application/json',
      traceparent: '00-abc',
      data,
    };
    const structured = accepted(
      parseOrderRecord(
        { headers: headerMap({ 'content-type': 'application/cloudevents+json; charset=UTF-8' }), value: encodeJson(event) },
        validate,
        TEST_LIMITS,
      ),
    );
    const binary = accepted(parseOrderRecord(binaryRecord(data), validate, TEST_LIMITS));
    assert.deepEqual(structured.envelope, { id: 'e-1', source: '/bss', type: 'io.flowthrough.order.v1', mode: 'structured' });
    assert.deepEqual(structured.order, binary.order);
  });

  it('omits time and subject when absent, accepts a missing content-type and any header case', () => {
    const headers: Record<string, string> = { CE_SPECVERSION: '1.0', Ce_Id: 'x', ce_source: 's', ce_type: 'io.flowthrough.order.v1' };
    const result = accepted(parseOrderRecord({ headers: headerMap(headers), value: encodeJson(data) }, validate, TEST_LIMITS));
    assert.deepEqual(result.envelope, { id: 'x', source: 's', type: 'io.flowthrough.order.v1', mode: 'binary' });
  });

  it('accepts application/json with a UTF-8 charset, refuses other charsets', () => {
    accepted(parseOrderRecord(binaryRecord(data, { 'content-type': 'Application/JSON; charset="utf-8"' }), validate, TEST_LIMITS));
    const result = refused(
      parseOrderRecord(binaryRecord(data, { 'content-type': 'application/json; charset=iso-8859-1' }), validate, TEST_LIMITS),
    );
    assert.deepEqual(
      result.violations.map((v) => `${v.code} ${v.path}`),
      ['envelope_invalid content-type'],
    );
  });

  it('refuses an impossible calendar date in ce_time', () => {
    const result = refused(parseOrderRecord(binaryRecord(data, { ce_time: '2026-02-30T09:00:00Z' }), validate, TEST_LIMITS));
    assert.deepEqual(
      result.violations.map((v) => `${v.code} ${v.path}`),
      ['envelope_invalid ce_time'],
    );
  });

  it('sets forceStale only for the exact header value "true"', () => {
    assert.equal(accepted(parseOrderRecord(binaryRecord(data, { [FORCE_STALE_HEADER]: 'true' }), validate, TEST_LIMITS)).forceStale, true);
    for (const value of ['TRUE', '1', 'yes', 'true ', '']) {
      assert.equal(
        accepted(parseOrderRecord(binaryRecord(data, { [FORCE_STALE_HEADER]: value }), validate, TEST_LIMITS)).forceStale,
        false,
        value,
      );
    }
    assert.equal(accepted(parseOrderRecord(binaryRecord(data), validate, TEST_LIMITS)).forceStale, false);
  });

  it('takes a Buffer as well as a Uint8Array', () => {
    accepted(parseOrderRecord({ headers: headerMap(BINARY_HEADERS), value: Buffer.from(JSON.stringify(data)) }, validate, TEST_LIMITS));
  });
});

describe('parseOrderRecord: normalisation', () => {
  it('applies defaults, drops accountName and keeps absent blocks absent', () => {
    const result = accepted(
      parseOrderRecord(
        binaryRecord(
          orderData([
            { id: 'close', action: 'delete', resource: 'account' },
            numbersItem(
              [
                ocNumber('+14255550100', { accountName: 'contoso' }),
                { telephoneNumber: '+14255550101', serviceDetails: { teamsDirectRouting: { enabled: false } } },
              ],
              'n',
            ),
          ]),
        ),
        validate,
        TEST_LIMITS,
      ),
    );
    assert.deepEqual(result.order, {
      orderId: 'ORD-TEST-1',
      account: 'contoso',
      requestedAt: '2026-11-29T09:00:00Z',
      items: [
        { id: 'close', action: 'delete', resource: 'account', deleteNumbers: false },
        {
          id: 'n',
          action: 'upsert',
          resource: 'numbers',
          numbers: [
            {
              telephoneNumber: '+14255550100',
              serviceDetails: {
                teamsOperatorConnect: {
                  enabled: true,
                  configuration: {
                    usage: 'CallingUserAssignment',
                    choosableCapabilities: ['InboundCalling', 'OutboundCalling'],
                    allowTenantAddressUpdate: false,
                  },
                },
              },
            },
            { telephoneNumber: '+14255550101', serviceDetails: { teamsDirectRouting: { enabled: false } } },
          ],
        },
      ],
    });
  });

  it('turns every read-only field into a warning and leaves it out of the order', () => {
    const account = {
      name: 'northwind',
      serviceProvisioningStatus: 'synced',
      serviceDetails: {
        teamsDirectRouting: {
          enabled: true,
          syncEnabled: true,
          numberCount: 4,
          subdomainStatus: 'provisioned',
          configuration: { callScreening: true, subdomain: 'northwind', subdomainTokens: { region1Token: 'a=1', region2Token: 'b=2' } },
        },
        azureOperatorCallProtection: { enabled: false, numberCount: 0 },
      },
    };
    const number = {
      telephoneNumber: '+442079460100',
      serviceProvisioningErrors: [{ code: 'Conflict', message: 'already uploaded', details: [] }],
      serviceDetails: {
        teamsPhoneMobile: {
          enabled: true,
          configuration: {
            usage: 'CallingUserAssignment',
            choosableCapabilities: ['Mobile'],
            acquiredCapabilities: ['Mobile'],
            availableCapabilities: ['Mobile', 'InboundCalling'],
          },
        },
      },
    };
    const consent = { customerRelationship: { status: 'CustomerContacted', lastModifiedOn: '2026-11-01T10:00:00Z' } };
    const result = accepted(
      parseOrderRecord(
        binaryRecord(
          orderData(
            [
              { id: 'a', action: 'upsert', resource: 'account', account },
              numbersItem([number], 'n'),
              { id: 'c', action: 'update', resource: 'consent', tenantId: 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a', consent },
            ],
            { account: 'northwind' },
          ),
        ),
        validate,
        TEST_LIMITS,
      ),
    );
    assert.deepEqual(
      result.warnings.map((w) => w.path),
      [
        '/items/0/account/serviceProvisioningStatus',
        '/items/0/account/serviceDetails/teamsDirectRouting/numberCount',
        '/items/0/account/serviceDetails/teamsDirectRouting/subdomainStatus',
        '/items/0/account/serviceDetails/azureOperatorCallProtection/numberCount',
        '/items/1/numbers/0/serviceProvisioningErrors',
        '/items/1/numbers/0/serviceDetails/teamsPhoneMobile/configuration/acquiredCapabilities',
        '/items/1/numbers/0/serviceDetails/teamsPhoneMobile/configuration/availableCapabilities',
        '/items/2/consent/customerRelationship/lastModifiedOn',
      ],
    );
    assert.ok(result.warnings.every((w) => w.code === 'read_only_field_ignored' && w.message.includes('read-only')));
    const text = canonicalJson(result.order);
    for (const field of [
      'numberCount',
      'subdomainStatus',
      'serviceProvisioning',
      'acquiredCapabilities',
      'availableCapabilities',
      'lastModifiedOn',
    ]) {
      assert.ok(!text.includes(field), `${field} left in the order`);
    }
  });

  it('lists the first read-only fields and then counts the rest', () => {
    const numbers = Array.from({ length: 80 }, (_, i) =>
      ocNumber(`+1425555${String(i).padStart(4, '0')}`, { serviceProvisioningStatus: 'synced', serviceProvisioningErrors: [] }),
    );
    const result = accepted(parseOrderRecord(binaryRecord(orderData([numbersItem(numbers)])), validate, TEST_LIMITS));
    assert.equal(result.warnings.length, MAX_WARNINGS + 1);
    const last = result.warnings.at(-1);
    assert.equal(last?.code, 'warnings_truncated');
    assert.match(last?.message ?? '', /^60 more read-only fields ignored/);
  });
});

describe('parseOrderRecord: refusals', () => {
  it('reports schema and rule violations of one record together, each once', () => {
    const data = orderData([
      numbersItem([ocNumber('+1 425 555 0100'), ocNumber('+14255550101', { extra: true }), ocNumber('+14255550101')]),
    ]);
    const result = refused(parseOrderRecord(binaryRecord(data), validate, TEST_LIMITS));
    assert.deepEqual(result.violations.map((v) => `${v.code} ${v.path}`).sort(), [
      'duplicate_number_in_order /items/0/numbers/2/telephoneNumber',
      // The schema's pattern error and the rule agree: one violation, the rule's wording.
      'invalid_e164 /items/0/numbers/0/telephoneNumber',
      'schema_violation /items/0/numbers/1/extra',
    ]);
    assert.match(result.violations.find((v) => v.code === 'invalid_e164')?.message ?? '', /E\.164/);
  });

  it('still reads orderId and account from data that fails validation', () => {
    const result = refused(parseOrderRecord(binaryRecord({ orderId: 'ORD-9', account: 'contoso', items: 'none' }), validate, TEST_LIMITS));
    assert.equal(result.orderId, 'ORD-9');
    assert.equal(result.account, 'contoso');
  });

  it('does not invent an orderId that is not a usable string', () => {
    for (const orderId of [42, '', 'x'.repeat(129), null]) {
      const result = refused(parseOrderRecord(binaryRecord({ orderId, account: 'contoso', items: [] }), validate, TEST_LIMITS));
      assert.equal(result.orderId, undefined, String(orderId));
    }
  });

  it('gives the specific code for a pattern the schema catches, even on a non-string', () => {
    const result = refused(
      parseOrderRecord(binaryRecord(orderData([numbersItem([ocNumber('+14255550100')])], { account: 42 })), validate, TEST_LIMITS),
    );
    assert.deepEqual(
      result.violations.map((v) => `${v.code} ${v.path} ${v.message}`),
      ['invalid_account_name /account must be string'],
    );
  });

  it('names the item kinds when action and resource do not pair up', () => {
    const result = refused(
      parseOrderRecord(
        binaryRecord(orderData([{ id: 'x', action: 'delete', resource: 'consent', tenantId: 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a' }])),
        validate,
        TEST_LIMITS,
      ),
    );
    assert.deepEqual(
      result.violations.map((v) => `${v.code} ${v.path}`),
      ['schema_violation /items/0/action'],
    );
    assert.match(result.violations[0]?.message ?? '', /must be "update" here/);
  });
});

describe('parseOrderRecord: bulk', () => {
  const bulk = (count: number) =>
    binaryRecord(orderData([numbersItem(Array.from({ length: count }, (_, i) => ocNumber(`+4420${String(i).padStart(8, '0')}`)))]));

  it(`parses an order of ${ORDER_LIMITS.maxNumbersPerOrder} numbers well under a second`, () => {
    const record = bulk(ORDER_LIMITS.maxNumbersPerOrder);
    const started = performance.now();
    const result = accepted(parseOrderRecord(record, validate, TEST_LIMITS));
    const elapsed = performance.now() - started;
    const item = result.order.items[0];
    assert.ok(item?.resource === 'numbers');
    assert.equal(item.numbers.length, ORDER_LIMITS.maxNumbersPerOrder);
    assert.ok(elapsed < 1000, `${elapsed.toFixed(0)} ms`);
  });

  it(`refuses ${ORDER_LIMITS.maxNumbersPerOrder + 1} numbers with one too_many_numbers violation`, () => {
    const result = refused(parseOrderRecord(bulk(ORDER_LIMITS.maxNumbersPerOrder + 1), validate, TEST_LIMITS));
    assert.deepEqual(
      result.violations.map((v) => `${v.code} ${v.path}`),
      ['too_many_numbers /items/0/numbers'],
    );
    assert.equal(result.orderId, 'ORD-TEST-1');
  });
});
