import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Consent, Page } from '../../../src/simulator/index.js';
import { TENANT_A, TENANT_B, TENANT_SUSPENDED, paths, startSimulator } from '../../support/simulator.js';

test('consents list in pages with nextLink, sorted by tenant', async (t) => {
  const { api } = await startSimulator(t);
  const first = await api.get<Page<Consent>>(`${paths.consents}?maxpagesize=2`);
  assert.equal(first.status, 200);
  assert.deepEqual(
    first.body.value.map((c) => c.tenantId),
    [TENANT_A, TENANT_B],
  );
  assert.ok(first.body.nextLink);
  const next = new URL(first.body.nextLink);
  assert.equal(next.searchParams.get('skip'), '2');
  assert.equal(next.searchParams.get('api-version'), api.endpoints.apiVersion);
  const second = await api.get<Page<Consent>>(`${next.pathname.replace(/^\/api/, '')}?skip=2&maxpagesize=2`);
  assert.deepEqual(
    second.body.value.map((c) => c.tenantId),
    [TENANT_SUSPENDED],
  );
  assert.equal(second.body.nextLink, undefined);
  const bad = await api.get<{ error: { code: string } }>(`${paths.consents}?maxpagesize=0`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'InvalidQueryParameter');
});

test('a consent is read by Teams tenant id, with the modelled fields', async (t) => {
  const { api, simulator } = await startSimulator(t);
  const consent = await api.get<Consent>(paths.consent(TENANT_A.toUpperCase()));
  assert.equal(consent.status, 200);
  assert.equal(consent.body.tenantId, TENANT_A);
  assert.equal(consent.body.status, 'active');
  assert.equal(consent.body.productContext, 'teams');
  assert.deepEqual(consent.body.consentedCountries, ['US', 'UK', 'CA']);
  assert.equal(consent.body.customerRelationship.status, 'ConsentAcknowledged');
  assert.equal(consent.body.contacts[0]?.email, 'ada@contoso.example');
  assert.ok(consent.body.id && consent.body.operatorId && consent.body.consentedOn);
  const missing = await api.get<{ error: { code: string } }>(paths.consent('55555555-5555-4555-8555-555555555555'));
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'ConsentNotFound');
  assert.equal((await api.get(paths.consent('not-a-guid'))).status, 400);
  assert.equal(simulator.counters.snapshot().consentCalls, 3);
});

test('the operator updates customerRelationship; declining or terminating needs a comment', async (t) => {
  const { api } = await startSimulator(t);
  const contacted = await api.patch<Consent>(paths.consent(TENANT_A), {
    customerRelationship: { status: 'CustomerContacted', comment: 'Called on 2026-11-29' },
  });
  assert.equal(contacted.status, 200);
  assert.deepEqual(
    { status: contacted.body.customerRelationship.status, comment: contacted.body.customerRelationship.comment },
    { status: 'CustomerContacted', comment: 'Called on 2026-11-29' },
  );
  assert.equal(contacted.body.status, 'active', 'the consent status is the enterprise’s, untouched');

  const noReason = await api.patch<{ error: { code: string; details: { target: string }[] } }>(paths.consent(TENANT_A), {
    customerRelationship: { status: 'ContractTerminated' },
  });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.body.error.details[0]?.target, 'customerRelationship.comment');
  const declined = await api.patch<Consent>(paths.consent(TENANT_A), {
    customerRelationship: { status: 'ConsentDeclined', comment: 'Out of footprint' },
  });
  assert.equal(declined.body.customerRelationship.status, 'ConsentDeclined');

  const otherField = await api.patch<{ error: { code: string } }>(paths.consent(TENANT_A), {
    status: 'removed',
    customerRelationship: { status: 'AgreementSigned' },
  });
  assert.equal(otherField.status, 400, 'only customerRelationship is writable');
  const badStatus = await api.patch(paths.consent(TENANT_A), { customerRelationship: { status: 'Signed' } });
  assert.equal(badStatus.status, 400);
  const unknown = await api.patch(paths.consent('55555555-5555-4555-8555-555555555555'), {
    customerRelationship: { status: 'AgreementSigned' },
  });
  assert.equal(unknown.status, 404);
  const noId = await api.patch(paths.consent(TENANT_A), { customerRelationship: { status: 'AgreementSigned' } }, { requestId: null });
  assert.equal(noId.status, 400, 'a consent update is a mutating call: Repeatability-Request-ID required');
});
