import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { loadAcgSpec, SchemaValidator, specDirectory, type AcgSpec } from '../../../../src/acg-simulator/index.js';
import {
  acgNumberBody,
  acgNumberFromWire,
  acgServicesOf,
  desiredAcgNumber,
  sameAcgNumber,
  type AcgDesiredNumberFacts,
  type AcgNumberBody,
  type AcgNumberHolding,
} from '../../../../src/core/acg/index.js';
import type { AccountServiceDetailsSpec, NumberServiceDetailsSpec } from '../../../../src/core/order/order.js';
import { backendConfiguration } from '../../../../src/core/reconcile/index.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const TN = '+14255550100';

/** Every writable field of §3 set (OC and TPM both, which the intake would not allow together; the mapping is per field). */
const FULL_DETAILS: NumberServiceDetailsSpec = {
  teamsOperatorConnect: {
    enabled: true,
    assignmentStatus: 'assigned',
    configuration: {
      usage: 'CallingUserAssignment',
      choosableCapabilities: ['InboundCalling', 'OutboundCalling'],
      additionalUsages: ['ConferenceAssignment'],
      civicAddressId: 'civic-1',
      locationId: 'location-1',
      allowTenantAddressUpdate: true,
      displayedCountryCode: 'US',
    },
  },
  teamsDirectRouting: { enabled: true },
  teamsPhoneMobile: {
    enabled: true,
    assignmentStatus: 'unassigned',
    configuration: {
      usage: 'FirstPartyAppAssignment',
      choosableCapabilities: ['Mobile', 'InboundCalling'],
      additionalUsages: ['CallingUserAssignment', 'ConferenceAssignment'],
      civicAddressId: 'civic-2',
      locationId: 'location-2',
      allowTenantAddressUpdate: true,
      displayedCountryCode: 'GB',
    },
  },
  zoomPhoneCloudPeering: { enabled: true },
  azureOperatorCallProtection: { enabled: false },
};

const FULL: AcgNumberBody = {
  telephoneNumber: TN,
  accountName: 'contoso',
  serviceDetails: {
    teamsOperatorConnect: {
      enabled: true,
      assignmentStatus: 'assigned',
      configuration: {
        usage: 'CallingUserAssignment',
        choosableCapabilities: ['InboundCalling', 'OutboundCalling'],
        additionalUsages: ['ConferenceAssignment'],
        civicAddressId: 'civic-1',
        locationId: 'location-1',
        allowTenantAddressUpdate: true,
        displayedCountryCode: 'US',
      },
    },
    teamsDirectRouting: { enabled: true },
    teamsPhoneMobile: {
      enabled: true,
      assignmentStatus: 'unassigned',
      configuration: {
        usage: 'FirstPartyAppAssignment',
        choosableCapabilities: ['Mobile', 'InboundCalling'],
        additionalUsages: ['CallingUserAssignment', 'ConferenceAssignment'],
        civicAddressId: 'civic-2',
        locationId: 'location-2',
        allowTenantAddressUpdate: true,
        displayedCountryCode: 'GB',
      },
    },
    zoomPhoneCloudPeering: { enabled: true },
    azureOperatorCallProtection: { enabled: false },
  },
  configuration: { customSipHeader: 'contoso-1_A' },
};

const ACCOUNT_DETAILS: AccountServiceDetailsSpec = {
  teamsTenantId: TENANT,
  teamsOperatorConnect: { enabled: true, syncEnabled: true },
  teamsDirectRouting: { enabled: true, syncEnabled: true },
  teamsPhoneMobile: { enabled: true, syncEnabled: true },
  zoomPhoneCloudPeering: { enabled: true, syncEnabled: true },
  azureOperatorCallProtection: { enabled: true },
};

type NumberFacts = NonNullable<AcgDesiredNumberFacts['number']>;
type AccountFacts = NonNullable<AcgDesiredNumberFacts['account']>;

const number = (serviceDetails: NumberServiceDetailsSpec, extra: Partial<NumberFacts> = {}): NumberFacts => ({
  telephoneNumber: TN,
  serviceDetails,
  customSipHeader: null,
  deleted: false,
  ...extra,
});
const account = (serviceDetails: AccountServiceDetailsSpec = ACCOUNT_DETAILS, extra: Partial<AccountFacts> = {}): AccountFacts => ({
  name: 'contoso',
  teamsTenantId: TENANT,
  serviceDetails,
  deleted: false,
  ...extra,
});
const holding = (resource: AcgNumberBody, consentTenantId: string | null = null): AcgNumberHolding => ({
  accountName: resource.accountName,
  consentTenantId,
  resource,
});
const built = (serviceDetails: NumberServiceDetailsSpec, customSipHeader: string | null = null): AcgNumberBody =>
  acgNumberBody('contoso', { telephoneNumber: TN, serviceDetails, customSipHeader });

function leaves(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [path];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

let spec: AcgSpec;
let validator: SchemaValidator;

function operation(operationId: string) {
  const op = spec.operations.find((o) => o.operationId === operationId);
  assert.ok(op, operationId);
  return op;
}

/** A createOrUpdateNumbers body as the simulator checks it: no swagger violation, nothing it would drop. */
function assertValidBatch(numbers: readonly AcgNumberBody[]): void {
  const body = { numbers };
  const schema = operation('Accounts_CreateOrUpdateNumbers').parameters.find((p) => p.in === 'body')?.schema;
  assert.ok(schema);
  assert.deepEqual(validator.check(schema, body, 'body', 'request'), []);
  assert.deepEqual(validator.writable({ $ref: '#/definitions/BatchNumbers' }, body), body);
}

/**
 * What ACG answers for a resource it was sent: read-only properties added,
 * the swagger default allowTenantAddressUpdate false spelled out, empty lists
 * spelled out, lists in another order, keys in another order.
 */
function echo(body: AcgNumberBody): Record<string, unknown> {
  const teams = (d: AcgNumberBody['serviceDetails']['teamsOperatorConnect']) =>
    d && {
      configuration: d.configuration && {
        displayedCountryCode: d.configuration.displayedCountryCode,
        acquiredCapabilities: ['InboundCalling'],
        availableCapabilities: ['InboundCalling', 'OutboundCalling'],
        allowTenantAddressUpdate: d.configuration.allowTenantAddressUpdate ?? false,
        additionalUsages: [...(d.configuration.additionalUsages ?? [])].reverse(),
        choosableCapabilities: [...d.configuration.choosableCapabilities].reverse(),
        usage: d.configuration.usage,
        civicAddressId: d.configuration.civicAddressId,
        locationId: d.configuration.locationId,
      },
      assignmentStatus: d.assignmentStatus,
      enabled: d.enabled,
    };
  return JSON.parse(
    JSON.stringify({
      serviceProvisioningErrors: [{ code: 'Pending', message: 'Sync to Microsoft in progress' }],
      serviceProvisioningStatus: 'pending',
      configuration: body.configuration,
      serviceDetails: {
        azureOperatorCallProtection: body.serviceDetails.azureOperatorCallProtection,
        zoomPhoneCloudPeering: body.serviceDetails.zoomPhoneCloudPeering,
        teamsPhoneMobile: teams(body.serviceDetails.teamsPhoneMobile),
        teamsDirectRouting: body.serviceDetails.teamsDirectRouting,
        teamsOperatorConnect: teams(body.serviceDetails.teamsOperatorConnect),
      },
      accountName: body.accountName,
      telephoneNumber: body.telephoneNumber,
    }),
  ) as Record<string, unknown>;
}

before(async () => {
  spec = await loadAcgSpec();
  validator = new SchemaValidator(spec);
});

describe('acgNumberBody / desiredAcgNumber (docs/acg-provisioning-api.md §3)', () => {
  it('maps a fully populated number to the exact NumberResource: all 24 writable properties', () => {
    const body = built(FULL_DETAILS, 'contoso-1_A');
    assert.deepEqual(body, FULL);
    const paths = leaves(body);
    assert.equal(paths.length, 24, paths.join('\n'));
    assert.deepEqual(
      paths.filter((p) => !p.startsWith('serviceDetails.teams')),
      [
        'telephoneNumber',
        'accountName',
        'serviceDetails.zoomPhoneCloudPeering.enabled',
        'serviceDetails.azureOperatorCallProtection.enabled',
        'configuration.customSipHeader',
      ],
    );
    assertValidBatch([body]);
  });

  it('leaves absent service blocks absent, and sends no configuration without a custom SIP header', () => {
    const body = built({ teamsDirectRouting: { enabled: true } });
    assert.deepEqual(body, { telephoneNumber: TN, accountName: 'contoso', serviceDetails: { teamsDirectRouting: { enabled: true } } });
    assert.equal('configuration' in body, false);
    const empty = built({});
    assert.deepEqual(empty, { telephoneNumber: TN, accountName: 'contoso', serviceDetails: {} });
    assertValidBatch([body, { ...empty, telephoneNumber: '+14255550101' }]);
  });

  it('sends the custom SIP header as configuration: {customSipHeader}', () => {
    const body = built({ zoomPhoneCloudPeering: { enabled: true } }, 'hdr-42');
    assert.deepEqual(body.configuration, { customSipHeader: 'hdr-42' });
    assertValidBatch([body]);
  });

  it('sends the default Teams configuration (the Operator Connect direct default) for an enabled service without one', () => {
    const body = built({ teamsOperatorConnect: { enabled: true }, teamsPhoneMobile: { enabled: true, assignmentStatus: 'assigned' } });
    assert.deepEqual(body.serviceDetails, {
      teamsOperatorConnect: {
        enabled: true,
        configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] },
      },
      teamsPhoneMobile: {
        enabled: true,
        assignmentStatus: 'assigned',
        configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling', 'Mobile'] },
      },
    });
    assert.deepEqual(body.serviceDetails.teamsOperatorConnect?.configuration, backendConfiguration(undefined, 'teamsOperatorConnect'));
    assert.deepEqual(body.serviceDetails.teamsPhoneMobile?.configuration, backendConfiguration(undefined, 'teamsPhoneMobile'));
    assertValidBatch([body]);
  });

  it('a disabled Teams service carries no default configuration, but keeps a stored one', () => {
    assert.deepEqual(built({ teamsOperatorConnect: { enabled: false } }).serviceDetails, { teamsOperatorConnect: { enabled: false } });
    const stored = built({
      teamsPhoneMobile: {
        enabled: false,
        configuration: { usage: 'ConferenceAssignment', choosableCapabilities: ['InboundCalling'], allowTenantAddressUpdate: false },
      },
    });
    assert.deepEqual(stored.serviceDetails, {
      teamsPhoneMobile: { enabled: false, configuration: { usage: 'ConferenceAssignment', choosableCapabilities: ['InboundCalling'] } },
    });
    assertValidBatch([stored]);
  });

  it('leaves out allowTenantAddressUpdate false, an empty additionalUsages and absent optional fields', () => {
    const body = built({
      teamsOperatorConnect: {
        enabled: true,
        configuration: {
          usage: 'CallingUserAssignment',
          choosableCapabilities: ['OutboundCalling'],
          additionalUsages: [],
          allowTenantAddressUpdate: false,
        },
      },
    });
    assert.deepEqual(body.serviceDetails.teamsOperatorConnect, {
      enabled: true,
      configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['OutboundCalling'] },
    });
    assertValidBatch([body]);
  });

  it('copies nothing but the writable properties, even from a stored value that has more', () => {
    const stray = {
      teamsOperatorConnect: {
        enabled: true,
        extra: 1,
        configuration: {
          usage: 'CallingUserAssignment',
          choosableCapabilities: ['InboundCalling'],
          allowTenantAddressUpdate: false,
          acquiredCapabilities: ['InboundCalling'],
        },
      },
      teamsDirectRouting: { enabled: false, extra: 2 },
      zoomPhoneCloudPeering: { enabled: true, numberCount: 3 },
      azureOperatorCallProtection: { enabled: true, x: null },
      unknownService: { enabled: true },
    } as unknown as NumberServiceDetailsSpec;
    const body = built(stray);
    assert.deepEqual(body.serviceDetails, {
      teamsOperatorConnect: { enabled: true, configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] } },
      teamsDirectRouting: { enabled: false },
      zoomPhoneCloudPeering: { enabled: true },
      azureOperatorCallProtection: { enabled: true },
    });
    assertValidBatch([body]);
  });

  it('desiredAcgNumber: the resource under the account, or null when the number or account is missing or deleted', () => {
    const n = number(FULL_DETAILS, { customSipHeader: 'contoso-1_A' });
    const desired = desiredAcgNumber({ number: n, account: account() });
    assert.deepEqual(desired, { accountName: 'contoso', consentTenantId: TENANT, resource: FULL });
    assert.equal(desiredAcgNumber({ number: null, account: account() }), null);
    assert.equal(desiredAcgNumber({ number: { ...n, deleted: true }, account: account() }), null);
    assert.equal(desiredAcgNumber({ number: n, account: null }), null);
    assert.equal(desiredAcgNumber({ number: n, account: account(ACCOUNT_DETAILS, { deleted: true }) }), null);
    const other = desiredAcgNumber({ number: n, account: account(ACCOUNT_DETAILS, { name: 'fabrikam' }) });
    assert.equal(other?.accountName, 'fabrikam');
    assert.equal(other?.resource.accountName, 'fabrikam');
  });

  describe('consentTenantId: the tenant when ACG syncs the number to Microsoft', () => {
    const consent = (numberDetails: NumberServiceDetailsSpec, accountDetails: AccountServiceDetailsSpec, tenant: string | null = TENANT) =>
      desiredAcgNumber({ number: number(numberDetails), account: account(accountDetails, { teamsTenantId: tenant }) })?.consentTenantId;
    const oc = { teamsOperatorConnect: { enabled: true } };
    const tpm = { teamsPhoneMobile: { enabled: true } };

    it('Operator Connect enabled on the number and synced on the account', () => {
      assert.equal(consent(oc, { teamsOperatorConnect: { enabled: true, syncEnabled: true } }), TENANT);
    });
    it('Teams Phone Mobile enabled on the number and synced on the account', () => {
      assert.equal(consent(tpm, { teamsPhoneMobile: { enabled: true, syncEnabled: true } }), TENANT);
    });
    it('null when the account does not sync that service', () => {
      assert.equal(consent(oc, { teamsOperatorConnect: { enabled: true, syncEnabled: false } }), null);
      assert.equal(consent(oc, { teamsPhoneMobile: { enabled: true, syncEnabled: true } }), null, 'the other service is synced');
      assert.equal(consent(tpm, { teamsOperatorConnect: { enabled: true, syncEnabled: true } }), null, 'the other service is synced');
      assert.equal(consent(oc, {}), null, 'no block on the account');
    });
    it('null when the number does not enable Operator Connect or Teams Phone Mobile', () => {
      assert.equal(consent({ teamsOperatorConnect: { enabled: false } }, ACCOUNT_DETAILS), null);
      assert.equal(
        consent({ teamsDirectRouting: { enabled: true }, zoomPhoneCloudPeering: { enabled: true } }, ACCOUNT_DETAILS),
        null,
        'Direct Routing and Zoom need no Teams consent',
      );
    });
    it('null when the account has no Teams tenant', () => {
      assert.equal(consent(oc, ACCOUNT_DETAILS, null), null);
    });
  });
});

describe('sameAcgNumber', () => {
  const base = built(FULL_DETAILS, 'contoso-1_A');
  const same = (a: AcgNumberBody, b: AcgNumberBody) => sameAcgNumber(holding(a), holding(b));
  const withOc = (patch: Record<string, unknown>, configPatch: Record<string, unknown> = {}): AcgNumberBody => {
    const oc = base.serviceDetails.teamsOperatorConnect;
    assert.ok(oc?.configuration);
    return {
      ...base,
      serviceDetails: {
        ...base.serviceDetails,
        teamsOperatorConnect: { ...oc, ...patch, configuration: { ...oc.configuration, ...configPatch } },
      },
    };
  };

  it('is true for equal holdings, and for null and null only', () => {
    assert.equal(same(base, built(FULL_DETAILS, 'contoso-1_A')), true);
    assert.equal(sameAcgNumber(null, null), true);
    assert.equal(sameAcgNumber(holding(base), null), false);
    assert.equal(sameAcgNumber(null, holding(base)), false);
  });

  it('compares choosableCapabilities and additionalUsages in any order, and key order not at all', () => {
    const reordered = withOc(
      {},
      { choosableCapabilities: ['OutboundCalling', 'InboundCalling'], additionalUsages: ['ConferenceAssignment'] },
    );
    assert.equal(same(base, reordered), true);
    const tpm = base.serviceDetails.teamsPhoneMobile;
    assert.ok(tpm?.configuration);
    const tpmReordered: AcgNumberBody = {
      configuration: { customSipHeader: 'contoso-1_A' },
      serviceDetails: {
        ...base.serviceDetails,
        teamsPhoneMobile: {
          ...tpm,
          configuration: {
            ...tpm.configuration,
            choosableCapabilities: ['InboundCalling', 'Mobile'],
            additionalUsages: ['ConferenceAssignment', 'CallingUserAssignment'],
          },
        },
      },
      accountName: 'contoso',
      telephoneNumber: TN,
    };
    assert.equal(same(base, tpmReordered), true);
  });

  it('treats allowTenantAddressUpdate false and an empty additionalUsages as absent, as the builder does', () => {
    const a = withOc({}, { allowTenantAddressUpdate: undefined, additionalUsages: undefined });
    const b = withOc({}, { allowTenantAddressUpdate: false, additionalUsages: [] });
    assert.equal(same(a, b), true);
  });

  it('does not compare consentTenantId (not an ACG field)', () => {
    assert.equal(sameAcgNumber(holding(base, TENANT), holding(base, null)), true);
  });

  it('tells a difference in each field', () => {
    const differences: Record<string, AcgNumberBody> = {
      telephoneNumber: { ...base, telephoneNumber: '+14255550199' },
      accountName: { ...base, accountName: 'fabrikam' },
      customSipHeader: { ...base, configuration: { customSipHeader: 'other' } },
      'no customSipHeader': { telephoneNumber: base.telephoneNumber, accountName: base.accountName, serviceDetails: base.serviceDetails },
      'OC enabled': withOc({ enabled: false }),
      'OC assignmentStatus': withOc({ assignmentStatus: 'unassigned' }),
      'OC usage': withOc({}, { usage: 'ConferenceAssignment' }),
      'OC choosableCapabilities': withOc({}, { choosableCapabilities: ['InboundCalling'] }),
      'OC additionalUsages': withOc({}, { additionalUsages: ['FirstPartyAppAssignment'] }),
      'OC civicAddressId': withOc({}, { civicAddressId: 'civic-9' }),
      'OC locationId': withOc({}, { locationId: undefined }),
      'OC allowTenantAddressUpdate': withOc({}, { allowTenantAddressUpdate: false }),
      'OC displayedCountryCode': withOc({}, { displayedCountryCode: 'CA' }),
      'Direct Routing enabled': { ...base, serviceDetails: { ...base.serviceDetails, teamsDirectRouting: { enabled: false } } },
      'Zoom block absent': { ...base, serviceDetails: { ...base.serviceDetails, zoomPhoneCloudPeering: undefined } },
      'Call Protection enabled': { ...base, serviceDetails: { ...base.serviceDetails, azureOperatorCallProtection: { enabled: true } } },
    };
    for (const [field, changed] of Object.entries(differences)) {
      assert.equal(same(base, changed), false, field);
      assert.equal(same(changed, base), false, field);
    }
    // The holding's account counts too, not only the resource's.
    assert.equal(sameAcgNumber(holding(base), { ...holding(base), accountName: 'fabrikam' }), false);
  });
});

describe('acgNumberFromWire', () => {
  it('round-trips what ACG echoes for a built batch: read-only properties dropped, normalised as the builder', () => {
    const bodies = [
      built(FULL_DETAILS, 'contoso-1_A'),
      { ...built({ teamsOperatorConnect: { enabled: true } }), telephoneNumber: '+14255550101' },
      {
        ...built({ teamsDirectRouting: { enabled: true }, azureOperatorCallProtection: { enabled: true } }),
        telephoneNumber: '+14255550102',
      },
      { ...built({}, 'h'), telephoneNumber: '+14255550103' },
    ];
    assertValidBatch(bodies);
    const answer = { numbers: bodies.map(echo) };
    const response = operation('Accounts_CreateOrUpdateNumbers').responses['200']?.schema;
    assert.ok(response);
    assert.deepEqual(validator.check(response, answer, 'body', 'response'), [], 'the echo is a valid answer');

    for (const [i, body] of bodies.entries()) {
      const wire = answer.numbers[i];
      const observed = acgNumberFromWire('contoso', wire);
      assert.equal(sameAcgNumber(holding(body, TENANT), holding(observed)), true, body.telephoneNumber);
      assert.ok(!JSON.stringify(observed).includes('serviceProvisioning'));
      assert.ok(!JSON.stringify(observed).includes('acquiredCapabilities'));
      assert.ok(!JSON.stringify(observed).includes('availableCapabilities'));
      assertValidBatch([observed]);
    }
  });

  it('gives exactly the builder form of the swagger example (ListNumbers.json)', () => {
    const example = JSON.parse(readFileSync(new URL('examples/ListNumbers.json', `file://${specDirectory()}`), 'utf8')) as {
      responses: { 200: { body: { value: unknown[] } } };
    };
    const [first] = example.responses[200].body.value;
    assert.deepEqual(acgNumberFromWire('contoso', first), {
      telephoneNumber: '+15105850321',
      accountName: 'contoso',
      serviceDetails: {
        teamsOperatorConnect: {
          enabled: true,
          assignmentStatus: 'assigned',
          configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] },
        },
      },
      configuration: { customSipHeader: 'contoso-commsgw' },
    });
  });

  it('keeps the lists in the order ACG gave, and spells defaults the builder way', () => {
    const observed = acgNumberFromWire('contoso', {
      telephoneNumber: TN,
      accountName: 'contoso',
      serviceDetails: {
        teamsPhoneMobile: {
          enabled: true,
          configuration: {
            usage: 'CallingUserAssignment',
            choosableCapabilities: ['Mobile', 'InboundCalling'],
            additionalUsages: [],
            allowTenantAddressUpdate: false,
            acquiredCapabilities: [],
            availableCapabilities: [],
          },
        },
      },
      configuration: {},
      serviceProvisioningStatus: 'synced',
      serviceProvisioningErrors: [],
    });
    assert.deepEqual(observed, {
      telephoneNumber: TN,
      accountName: 'contoso',
      serviceDetails: {
        teamsPhoneMobile: {
          enabled: true,
          configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['Mobile', 'InboundCalling'] },
        },
      },
    });
  });

  it('takes the account it was listed under, and refuses an answer without telephoneNumber', () => {
    assert.equal(
      acgNumberFromWire('fabrikam', { telephoneNumber: TN, accountName: 'contoso', serviceDetails: {} }).accountName,
      'fabrikam',
    );
    assert.throws(() => acgNumberFromWire('contoso', { serviceDetails: {} }), TypeError);
    assert.throws(() => acgNumberFromWire('contoso', null), TypeError);
  });

  it('does not invent a configuration ACG does not hold: an enabled service without one differs from the default', () => {
    const observed = acgNumberFromWire('contoso', {
      telephoneNumber: TN,
      accountName: 'contoso',
      serviceDetails: { teamsOperatorConnect: { enabled: true } },
    });
    assert.deepEqual(observed.serviceDetails, { teamsOperatorConnect: { enabled: true } });
    assert.equal(sameAcgNumber(holding(built({ teamsOperatorConnect: { enabled: true } })), holding(observed)), false);
  });
});

describe('acgServicesOf', () => {
  it('lists the enabled services in the swagger order', () => {
    assert.deepEqual(acgServicesOf(built(FULL_DETAILS)), [
      'teamsOperatorConnect',
      'teamsDirectRouting',
      'teamsPhoneMobile',
      'zoomPhoneCloudPeering',
    ]);
    assert.deepEqual(acgServicesOf(built({ teamsDirectRouting: { enabled: true }, teamsOperatorConnect: { enabled: true } })), [
      'teamsOperatorConnect',
      'teamsDirectRouting',
    ]);
    assert.deepEqual(acgServicesOf(built({ teamsOperatorConnect: { enabled: false }, azureOperatorCallProtection: { enabled: true } })), [
      'azureOperatorCallProtection',
    ]);
    assert.deepEqual(acgServicesOf(built({})), []);
  });
});
