import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAcgSpec, SchemaValidator } from '../../../src/acg-simulator/index.js';
import type { ConsentRow } from '../../../src/ops/index.js';
import { requestForInformationBody } from '../../../src/read-api/consent-resources.js';
import { consentViewOf } from '../../../src/reconciler/backend/consent-view-of.js';
import { backendConsentRow } from '../../../src/reconciler/consent-state-sync.js';

const validator = new SchemaValidator(await loadAcgSpec());
const TENANT = '3F2B6C1E-8D4A-4E7B-9C5D-1A2B3C4D5E6F';
const contact = { fullName: 'Ada Lovelace', email: 'ada@contoso.example', telephoneNumber: '+14255550100', companyName: 'Contoso' };

describe('consentViewOf: a consent as either backend answers it', () => {
  it('maps an Operator Connect consent, lower-casing the tenant and keeping contacts, relationship and dates', () => {
    const view = consentViewOf({
      id: 'c-1',
      tenantId: TENANT,
      operatorId: 'op-1',
      productContext: 'teams',
      status: 'active',
      consentedOn: '2026-11-01T10:00:00.000Z',
      lastModifiedOn: '2026-11-02T10:00:00.000Z',
      consentedCountries: ['US', 'CA'],
      contacts: [contact],
      customerRelationship: { status: 'ConsentAcknowledged', comment: null, lastModifiedOn: '2026-11-02T10:00:00.000Z' },
    });
    assert.deepEqual(view, {
      tenantId: TENANT.toLowerCase(),
      status: 'active',
      consentedCountries: ['US', 'CA'],
      contacts: [contact],
      customerRelationship: { status: 'ConsentAcknowledged', comment: null, lastModifiedOn: '2026-11-02T10:00:00.000Z' },
      consentedOn: '2026-11-01T10:00:00.000Z',
      lastModifiedOn: '2026-11-02T10:00:00.000Z',
      productContext: 'teams',
      operatorId: 'op-1',
    });
  });

  it("maps an ACG request for information with its accountName, and leaves out what is not of the contract's type", () => {
    const view = consentViewOf({
      tenantId: TENANT,
      accountName: 'contoso',
      status: 42,
      consentedCountries: ['GB', 7],
      contacts: [contact, { fullName: 'no email' }, 'junk'],
      customerRelationship: 'not an object',
      consentedOn: '',
      serviceProvisioningStatus: 'synced',
    });
    assert.deepEqual(view, {
      tenantId: TENANT.toLowerCase(),
      status: 'unknown',
      consentedCountries: ['GB'],
      contacts: [contact],
      accountName: 'contoso',
    });
  });

  it('keeps the three fields planning needs when the backend gives nothing else', () => {
    assert.deepEqual(consentViewOf({ tenantId: TENANT, status: 'suspended', consentedCountries: [] }), {
      tenantId: TENANT.toLowerCase(),
      status: 'suspended',
      consentedCountries: [],
    });
  });
});

describe('backendConsentRow: a ConsentView as a backend_consents row', () => {
  it('drops a date the database could not read instead of failing the whole list', () => {
    const row = backendConsentRow({
      tenantId: TENANT,
      status: 'active',
      consentedCountries: ['US'],
      consentedOn: 'yesterday',
      lastModifiedOn: '2026-11-02T10:00:00Z',
    });
    assert.equal(row.tenant_id, TENANT.toLowerCase());
    assert.equal(row.consented_on, null);
    assert.equal(row.last_modified_on, '2026-11-02T10:00:00Z');
    assert.deepEqual(row.contacts, []);
    assert.equal(row.customer_relationship, null);
  });
});

describe('requestForInformationBody: a tenant as RequestForInformationResource', () => {
  const valid = (body: unknown) =>
    assert.deepEqual(validator.check({ $ref: '#/definitions/RequestForInformationResource' }, body, 'body'), [], JSON.stringify(body));
  const base: ConsentRow = {
    tenant_id: TENANT.toLowerCase(),
    state: 'active',
    status: 'active',
    consented_countries: ['US'],
    contacts: [contact, { fullName: '', email: 'x@y' }],
    backend_relationship: { status: 'CustomerContacted', lastModifiedOn: '2026-11-02T10:00:00.000Z' },
    consented_on: new Date('2026-11-01T10:00:00Z'),
    last_modified_on: new Date('2026-11-02T10:00:00Z'),
    product_context: 'teams',
    operator_id: 'op-1',
    backend_account: null,
    read_at: new Date('2026-12-01T00:00:00Z'),
    gone_at: null,
    our_relationship: null,
    last_order_id: null,
    synced_order_id: null,
    sync_error: null,
    our_updated_at: null,
    our_account: 'contoso',
    held_numbers: 0,
  };

  it("serves the backend's relationship when no order set one, synced, with only complete contacts", () => {
    const body = requestForInformationBody(base);
    valid(body);
    assert.equal(body.serviceProvisioningStatus, 'synced');
    assert.deepEqual(body.customerRelationship, { status: 'CustomerContacted', lastModifiedOn: '2026-11-02T10:00:00.000Z' });
    assert.deepEqual(body.contacts, [contact]);
    assert.equal(body.accountName, 'contoso');
  });

  it('serves our relationship while it is being written (pending) and when refused (failed, with the code)', () => {
    const ordered = {
      ...base,
      our_relationship: { status: 'AgreementSigned', comment: null },
      last_order_id: 'o-2',
      synced_order_id: 'o-1',
      our_updated_at: new Date('2026-12-01T01:00:00Z'),
    };
    const pending = requestForInformationBody(ordered);
    valid(pending);
    assert.equal(pending.serviceProvisioningStatus, 'pending');
    assert.deepEqual(pending.customerRelationship, { status: 'AgreementSigned', lastModifiedOn: '2026-12-01T01:00:00.000Z' });
    const failed = requestForInformationBody({
      ...ordered,
      synced_order_id: 'o-2',
      sync_error: { code: 'ConsentNotFound', message: 'no consent', orderId: 'o-2' },
    });
    valid(failed);
    assert.equal(failed.serviceProvisioningStatus, 'failed');
    assert.deepEqual(failed.serviceProvisioningErrors, [{ code: 'ConsentNotFound', message: 'no consent' }]);
  });

  it("leaves out the backend's fields of a tenant it no longer lists, and a status off the contract", () => {
    const gone = requestForInformationBody({
      ...base,
      state: 'gone',
      gone_at: new Date(),
      our_relationship: { status: 'ConsentAcknowledged' },
      last_order_id: 'o-1',
      synced_order_id: 'o-1',
    });
    valid(gone);
    assert.equal(gone.status, undefined);
    assert.equal(gone.consentedCountries, undefined);
    const odd = requestForInformationBody({ ...base, status: 'pendingReview' });
    valid(odd);
    assert.equal(odd.status, undefined);
  });
});
