import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSchema, ORDER_SCHEMA_FILE } from '../../../../src/contracts/order-validator.js';
import { checkOrderRules, ORDER_LIMITS, PATTERNS } from '../../../../src/core/order/business-rules.js';
import { ocNumber, orderData } from './order-records.js';

const codesAt = (data: unknown) => checkOrderRules(data).map((v) => `${v.code} ${v.path}`);
const numbersItem = (numbers: unknown[], id = 'numbers') => ({ id, action: 'upsert', resource: 'numbers', numbers });
const deleteItem = (numbers: string[], id = 'delete') => ({
  id,
  action: 'delete',
  resource: 'numbers',
  numbers: numbers.map((telephoneNumber) => ({ telephoneNumber })),
});
const consentItem = (customerRelationship: unknown, tenantId = 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a') => ({
  id: 'c',
  action: 'update',
  resource: 'consent',
  tenantId,
  consent: { customerRelationship },
});
const tpmNumber = (telephoneNumber: string, extra: Record<string, unknown> = {}) => ({
  telephoneNumber,
  serviceDetails: {
    teamsPhoneMobile: { enabled: true, configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['Mobile'] } },
  },
  ...extra,
});

describe('checkOrderRules', () => {
  it('finds nothing wrong with a valid order', () => {
    assert.deepEqual(
      checkOrderRules(
        orderData([numbersItem([ocNumber('+14255550100'), tpmNumber('+447700900101')]), consentItem({ status: 'AgreementSigned' })]),
      ),
      [],
    );
  });

  it('reports every violation, not the first', () => {
    const data = orderData(
      [
        numbersItem([
          ocNumber('+1 425'),
          ocNumber('+14255550101', { accountName: 'fabrikam' }),
          tpmNumber('+447700900101', { configuration: { customSipHeader: 'x y' } }),
        ]),
        deleteItem(['+14255550101'], 'numbers'),
        consentItem({ status: 'ContractTerminated' }, 'not-a-guid'),
      ],
      { account: 'contoso' },
    );
    assert.deepEqual(codesAt(data), [
      'invalid_e164 /items/0/numbers/0/telephoneNumber',
      'account_mismatch /items/0/numbers/1/accountName',
      'invalid_custom_header /items/0/numbers/2/configuration/customSipHeader',
      'custom_header_on_teams_phone_mobile /items/0/numbers/2/configuration/customSipHeader',
      'duplicate_item_id /items/1/id',
      'duplicate_number_in_order /items/1/numbers/0/telephoneNumber',
      'invalid_tenant_id /items/2/tenantId',
      'consent_comment_required /items/2/consent/customerRelationship/comment',
    ]);
  });

  it('allows what the rules do not forbid', () => {
    const tpmWithoutHeader = tpmNumber('+447700900101', { configuration: {} });
    const tpmDisabledWithHeader = {
      telephoneNumber: '+447700900102',
      serviceDetails: { teamsPhoneMobile: { enabled: false } },
      configuration: { customSipHeader: 'ok' },
    };
    const data = orderData([
      numbersItem([tpmWithoutHeader, tpmDisabledWithHeader]),
      {
        id: 'c1',
        action: 'update',
        resource: 'consent',
        tenantId: 'A7F4BD5C-CC01-40F4-8BAA-2B6BDB272B8A',
        consent: { customerRelationship: { status: 'ConsentAcknowledged' } },
      },
      {
        id: 'c2',
        action: 'update',
        resource: 'consent',
        tenantId: 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a',
        consent: { customerRelationship: { status: 'ConsentDeclined', comment: 'no budget' } },
      },
    ]);
    assert.deepEqual(checkOrderRules(data), []);
  });

  it('flags Mobile on Operator Connect at the capability itself', () => {
    const number = ocNumber('+14255550100');
    const config = (number.serviceDetails as { teamsOperatorConnect: { configuration: { choosableCapabilities: string[] } } })
      .teamsOperatorConnect.configuration;
    config.choosableCapabilities = ['Mobile', 'InboundCalling'];
    assert.deepEqual(codesAt(orderData([numbersItem([number])])), [
      'mobile_capability_requires_teams_phone_mobile /items/0/numbers/0/serviceDetails/teamsOperatorConnect/configuration/choosableCapabilities/0',
    ]);
  });

  it('checks the account body: name, tenant, Direct Routing subdomain and tokens', () => {
    const account = {
      name: 'Contoso Ltd',
      serviceDetails: {
        teamsTenantId: 'contoso.onmicrosoft.com',
        teamsDirectRouting: {
          enabled: true,
          syncEnabled: true,
          configuration: { callScreening: true, subdomain: '', subdomainTokens: { region1Token: 'ok=', region2Token: 'a.b' } },
        },
      },
    };
    const base = '/items/0/account/serviceDetails';
    assert.deepEqual(codesAt(orderData([{ id: 'a', action: 'upsert', resource: 'account', account }])), [
      'invalid_account_name /items/0/account/name',
      'account_mismatch /items/0/account/name',
      `invalid_tenant_id ${base}/teamsTenantId`,
      `invalid_subdomain ${base}/teamsDirectRouting/configuration/subdomain`,
      `invalid_subdomain_token ${base}/teamsDirectRouting/configuration/subdomainTokens/region2Token`,
    ]);
  });

  it('counts numbers across items: one violation per oversized list, one for the order total', () => {
    const many = (from: number, count: number) => Array.from({ length: count }, (_, i) => `+1425${String(from + i).padStart(7, '0')}`);
    const max = ORDER_LIMITS.maxNumbersPerOrder;
    assert.deepEqual(codesAt(orderData([deleteItem(many(0, max))])), []);
    assert.deepEqual(codesAt(orderData([deleteItem(many(0, max + 1))])), ['too_many_numbers /items/0/numbers']);
    assert.deepEqual(codesAt(orderData([deleteItem(many(0, max / 2), 'a'), deleteItem(many(max, max / 2 + 1), 'b')])), [
      'too_many_numbers /items',
    ]);
  });

  it('walks malformed data without throwing', () => {
    const junk: unknown[] = [
      null,
      42,
      'order',
      [],
      { items: null },
      {
        items: [
          null,
          1,
          'x',
          [],
          { action: 'upsert', resource: 'numbers', numbers: [null, 1, { telephoneNumber: 5 }, { serviceDetails: 'x' }] },
        ],
      },
      {
        items: [
          { action: 'upsert', resource: 'account', account: [] },
          { action: 'update', resource: 'consent', consent: { customerRelationship: 'x' } },
        ],
      },
      { account: 7, items: [{ id: 1, action: 'delete', resource: 'numbers', numbers: 'all' }] },
    ];
    for (const data of junk) assert.doesNotThrow(() => checkOrderRules(data), JSON.stringify(data));
  });
});

describe('rules and schema agree', () => {
  type Node = { pattern?: string; minLength?: number; maxLength?: number; maxItems?: number };
  const defs = (readSchema(ORDER_SCHEMA_FILE) as { $defs: Record<string, Node & { properties?: Record<string, Node> }> }).$defs;
  const schemaAccepts = (node: Node, value: string) =>
    new RegExp(node.pattern ?? '', 'u').test(value) &&
    value.length >= (node.minLength ?? 0) &&
    value.length <= (node.maxLength ?? Infinity);

  const cases: [string, Node | undefined, RegExp, string[]][] = [
    [
      'TelephoneNumber',
      defs.TelephoneNumber,
      PATTERNS.e164,
      ['+14255550100', '+1', '+12', '+123456789012345', '+1234567890123456', '+0123', '14255550100', '+1 425', '+١٢٣'],
    ],
    [
      'AccountName',
      defs.AccountName,
      PATTERNS.accountName,
      ['contoso', 'a', 'a'.repeat(100), 'a'.repeat(101), '', 'con toso', 'contoso.com', 'Contoso_Ltd-2'],
    ],
    [
      'Guid',
      defs.Guid,
      PATTERNS.guid,
      [
        'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a',
        'A7F4BD5C-CC01-40F4-8BAA-2B6BDB272B8A',
        'a7f4bd5ccc0140f48baa2b6bdb272b8a',
        '{a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a}',
      ],
    ],
    ['SubdomainToken', defs.SubdomainToken, PATTERNS.subdomainToken, ['abc=', 'a'.repeat(100), 'a'.repeat(101), 'a.b', '']],
    [
      'subdomain',
      defs.TeamsDirectRoutingAccountConfig?.properties?.subdomain,
      PATTERNS.subdomain,
      ['northwind', 'a'.repeat(10), 'a'.repeat(11), 'a=b', ''],
    ],
    [
      'customSipHeader',
      defs.NumberConfiguration?.properties?.customSipHeader,
      PATTERNS.customSipHeader,
      ['contoso-commsgw', 'a'.repeat(100), 'a'.repeat(101), 'a b', ''],
    ],
  ];
  for (const [name, node, pattern, samples] of cases) {
    it(`${name}: the schema and PATTERNS give the same verdicts`, () => {
      assert.ok(node, name);
      for (const sample of samples) assert.equal(schemaAccepts(node, sample), pattern.test(sample), `${name} ${JSON.stringify(sample)}`);
    });
  }

  it('the schema carries the same limits as ORDER_LIMITS', () => {
    const order = readSchema(ORDER_SCHEMA_FILE) as { properties: { items: Node } };
    assert.equal(order.properties.items.maxItems, ORDER_LIMITS.maxItems);
    assert.equal(defs.NumbersUpsertItem?.properties?.numbers?.maxItems, ORDER_LIMITS.maxNumbersPerOrder);
    assert.equal(defs.NumbersDeleteItem?.properties?.numbers?.maxItems, ORDER_LIMITS.maxNumbersPerOrder);
  });
});
