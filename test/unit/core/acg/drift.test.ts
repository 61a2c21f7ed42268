import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  acgAccountBody,
  acgAccountFromWire,
  acgNumberFieldsDiffering,
  compareAcgAccounts,
  compareAcgNumbers,
  desiredAcgNumber,
  listedAcgAccount,
  listedAcgNumber,
  observedFromListed,
  type AcgNumberHolding,
  type OurAcgAccount,
  type OurAcgNumber,
} from '../../../../src/core/acg/index.js';
import type { AccountServiceDetailsSpec, NumberServiceDetailsSpec } from '../../../../src/core/order/order.js';

const TENANT = '11111111-1111-4111-8111-111111111111';
const ACCOUNT_DETAILS: AccountServiceDetailsSpec = {
  teamsTenantId: TENANT,
  teamsOperatorConnect: { enabled: true, syncEnabled: true },
  teamsDirectRouting: {
    enabled: true,
    syncEnabled: false,
    configuration: { callScreening: true, subdomain: 'contoso', subdomainTokens: { region1Token: 'tok=1', region2Token: 'tok_2' } },
  },
};

const OC: NumberServiceDetailsSpec = {
  teamsOperatorConnect: {
    enabled: true,
    configuration: {
      usage: 'CallingUserAssignment',
      choosableCapabilities: ['InboundCalling', 'OutboundCalling'],
      allowTenantAddressUpdate: false,
    },
  },
};

function holding(telephoneNumber: string, customSipHeader: string | null = null, account = 'contoso'): AcgNumberHolding {
  const h = desiredAcgNumber({
    number: { telephoneNumber, serviceDetails: OC, customSipHeader, deleted: false },
    account: { name: account, teamsTenantId: TENANT, serviceDetails: ACCOUNT_DETAILS, deleted: false },
  });
  assert.ok(h);
  return h;
}

/** A NumberResource as ACG lists it: the holding's resource plus read-only properties. */
function wire(h: AcgNumberHolding, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...h.resource, serviceProvisioningStatus: 'synced', serviceProvisioningErrors: [], ...extra };
}

const ours = (telephoneNumber: string, observed: AcgNumberHolding | null, inFlight = false): OurAcgNumber => ({
  telephoneNumber,
  accountName: 'contoso',
  observed,
  inFlight,
});

describe('compareAcgNumbers', () => {
  it('finds nothing when ACG lists what we observed, capabilities in another order and read-only fields aside', () => {
    const h = holding('+14255550100', 'hdr-1');
    const listed = wire(h);
    const sd = listed.serviceDetails as { teamsOperatorConnect: { configuration: Record<string, unknown> } };
    sd.teamsOperatorConnect.configuration = {
      ...sd.teamsOperatorConnect.configuration,
      choosableCapabilities: ['OutboundCalling', 'InboundCalling'],
      acquiredCapabilities: ['InboundCalling'],
      allowTenantAddressUpdate: false,
    };
    const found = compareAcgNumbers([ours('+14255550100', h)], [listedAcgNumber(listed, 'contoso')], { listed: 'all' });
    assert.deepEqual(found, []);
  });

  it('reports missing, unexpected (known and unknown), a differing resource with its fields, and another account', () => {
    const a = holding('+14255550100');
    const b = holding('+14255550101', 'hdr-b');
    const elsewhere = holding('+14255550103', null, 'fabrikam');
    const theirs = [
      listedAcgNumber(wire(holding('+14255550101', 'hdr-x'))),
      listedAcgNumber(wire(holding('+14255550102'))),
      listedAcgNumber(wire(elsewhere)),
      listedAcgNumber(wire(holding('+14255550199'))),
    ];
    const found = compareAcgNumbers(
      [ours('+14255550100', a), ours('+14255550101', b), ours('+14255550102', null), ours('+14255550103', holding('+14255550103'))],
      theirs,
      { listed: 'all' },
    );
    assert.deepEqual(
      found.map((d) => [d.telephoneNumber, d.accountName, d.kind, d.fields, d.known]),
      [
        ['+14255550100', 'contoso', 'missing_in_backend', [], true],
        ['+14255550101', 'contoso', 'resource_differs', ['configuration.customSipHeader'], true],
        ['+14255550102', 'contoso', 'unexpected_in_backend', [], true],
        ['+14255550103', 'contoso', 'account_differs', ['accountName'], true],
        ['+14255550199', 'contoso', 'unexpected_in_backend', [], false],
      ],
    );
    assert.equal(found[3]?.actual?.accountName, 'fabrikam');
  });

  it('leaves numbers in flight out on both sides, and does not judge a number observed under an account not listed', () => {
    const h = holding('+14255550100');
    const found = compareAcgNumbers(
      [ours('+14255550100', h, true), ours('+14255550101', holding('+14255550101', null, 'fabrikam'))],
      [listedAcgNumber(wire(holding('+14255550100', 'changed')), 'contoso')],
      { listed: new Set(['contoso']) },
    );
    assert.deepEqual(found, []);
  });

  it('names the differing fields down to the configuration field, and a service block on one side only', () => {
    const ours = holding('+14255550100').resource;
    const theirs = {
      ...ours,
      serviceDetails: {
        teamsOperatorConnect: {
          enabled: true,
          configuration: { usage: 'ConferenceAssignment', choosableCapabilities: ['OutboundCalling', 'InboundCalling'] },
        },
        zoomPhoneCloudPeering: { enabled: true },
      },
    };
    assert.deepEqual(acgNumberFieldsDiffering(ours, theirs), [
      'serviceDetails.teamsOperatorConnect.configuration.usage',
      'serviceDetails.zoomPhoneCloudPeering',
    ]);
  });

  it('a listed number without its account is refused; the observed holding keeps its consent tenant', () => {
    assert.throws(() => listedAcgNumber({ telephoneNumber: '+14255550100' }), TypeError);
    const h = holding('+14255550100');
    const listed = listedAcgNumber(wire(h, { accountName: 'contoso' }));
    assert.deepEqual(observedFromListed(listed, h), { ...h, resource: listed.resource });
    assert.equal(observedFromListed(listed, null).consentTenantId, null);
  });
});

describe('compareAcgAccounts', () => {
  const desired = acgAccountBody({ name: 'contoso', correlationId: null, teamsTenantId: TENANT, serviceDetails: ACCOUNT_DETAILS });
  const acgAnswer = (extra: { correlationId?: string; subdomainStatus?: string; ocCount?: number; status?: string } = {}) => ({
    name: 'contoso',
    ...(extra.correlationId ? { correlationId: extra.correlationId } : {}),
    serviceDetails: {
      teamsTenantId: TENANT.toUpperCase(),
      teamsOperatorConnect: { enabled: true, syncEnabled: true, numberCount: extra.ocCount ?? 2 },
      teamsDirectRouting: {
        enabled: true,
        syncEnabled: false,
        numberCount: 0,
        subdomainStatus: extra.subdomainStatus ?? 'provisioned',
        configuration: { callScreening: true, subdomain: 'contoso', subdomainTokens: { region1Token: 'tok=1', region2Token: 'tok_2' } },
      },
    },
    serviceProvisioningStatus: extra.status ?? 'synced',
    serviceProvisioningErrors: [],
  });
  const mine = (over: Partial<OurAcgAccount> = {}): OurAcgAccount => ({
    name: 'contoso',
    desired,
    inFlight: false,
    liveNumberCounts: { teamsOperatorConnect: 2 },
    ...over,
  });

  it('normalises the GET answer to the writable fields: equal to what we PUT', () => {
    assert.deepEqual(acgAccountFromWire(acgAnswer()), desired);
    assert.deepEqual(compareAcgAccounts([mine()], [listedAcgAccount(acgAnswer())], { complete: true }), []);
  });

  it('reports settings, subdomainStatus and numberCount differences', () => {
    const found = compareAcgAccounts(
      [mine()],
      [listedAcgAccount(acgAnswer({ correlationId: 'someone', subdomainStatus: 'inconsistent', ocCount: 3 }))],
      { complete: true },
    );
    assert.deepEqual(
      found.map((d) => [d.kind, d.fields, d.subdomainStatus, d.numberCount]),
      [
        ['settings_differ', ['correlationId'], undefined, undefined],
        ['subdomain_not_provisioned', [], 'inconsistent', undefined],
        ['number_count_differs', [], undefined, { service: 'teamsOperatorConnect', ours: 2, backend: 3 }],
      ],
    );
  });

  it('does not judge the subdomain while ACG provisions the account, nor counts while numbers have work', () => {
    const found = compareAcgAccounts(
      [mine({ liveNumberCounts: null })],
      [listedAcgAccount(acgAnswer({ subdomainStatus: 'notProvisioned', status: 'pending', ocCount: 7 }))],
      { complete: true },
    );
    assert.deepEqual(found, []);
  });

  it('reports missing and unexpected accounts; an unknown one only when the list is complete; in flight is left out', () => {
    const other = listedAcgAccount({ ...acgAnswer(), name: 'stranger' });
    const found = compareAcgAccounts(
      [mine(), mine({ name: 'gone', desired: null }), mine({ name: 'busy', inFlight: true })],
      [listedAcgAccount({ ...acgAnswer(), name: 'gone' }), other],
      { complete: true },
    );
    assert.deepEqual(
      found.map((d) => [d.accountName, d.kind, d.known]),
      [
        ['contoso', 'missing_in_backend', true],
        ['gone', 'unexpected_in_backend', true],
        ['stranger', 'unexpected_in_backend', false],
      ],
    );
    assert.deepEqual(
      compareAcgAccounts([mine()], [listedAcgAccount(acgAnswer()), other], { complete: false }).map((d) => d.accountName),
      [],
    );
  });
});
