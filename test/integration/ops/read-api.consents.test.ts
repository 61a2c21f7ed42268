import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { loadAcgSpec, responseViolations, SchemaValidator, type SpecOperation } from '../../../src/acg-simulator/index.js';
import { Secret } from '../../../src/platform/config/secret.js';
import { HttpServer } from '../../../src/platform/http/http-server.js';
import { createReadApiRoutes } from '../../../src/read-api/index.js';
import { CONTACT, seedConsents, TENANT_EU, TENANT_NONE, TENANT_US } from '../../support/consent-fixture.js';
import { onCleanup, silentLogger } from '../../support/test-context.js';

const TOKEN = 'read-api-token-0123456789';
const spec = await loadAcgSpec();
const validator = new SchemaValidator(spec);
const operation = (id: string) => spec.operations.find((o) => o.operationId === id) as SpecOperation;
const LIST = operation('TeamsRequestsForInformation_List');
const GET = operation('TeamsRequestsForInformation_GetRequestForInformation');

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Every answer checked against the swagger's response of the ACG operation it stands for (errors: its default). */
function assertConforms(op: SpecOperation, answer: Answer): void {
  const violations = responseViolations(validator, op, { status: answer.status, body: answer.body });
  assert.deepEqual(violations, [], `${op.operationId} ${answer.status}: ${JSON.stringify(answer.body, null, 1)}`);
}

async function serve(t: TestContext) {
  const s = await seedConsents(t);
  const server = new HttpServer(silentLogger());
  for (const r of createReadApiRoutes({ readApi: { tokens: [new Secret(TOKEN)], maxPageSize: 100, publicUrl: null } }, { pool: s.pool }))
    server.route(r);
  const port = await server.listen(0, '127.0.0.1');
  onCleanup(() => server.close());
  const base = `http://127.0.0.1:${port}`;
  const get = async (pathOrUrl: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Answer> => {
    const response = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { ...s, get };
}

describe('read API: /v1/teamsRequestsForInformation', () => {
  it('pages every tenant in PagedRequestForInformationResource shape, each page valid by the swagger', async (t) => {
    const { get } = await serve(t);
    const seen: Array<Record<string, unknown>> = [];
    let next: string | undefined = '/v1/teamsRequestsForInformation?maxpagesize=1';
    let pages = 0;
    while (next) {
      const page = await get(next);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assertConforms(LIST, page);
      const value = page.body.value as Array<Record<string, unknown>>;
      assert.equal(value.length, 1);
      seen.push(...value);
      next = page.body.nextLink as string | undefined;
      pages += 1;
      assert.ok(pages <= 3, 'no nextLink after the last tenant');
    }
    assert.deepEqual(
      seen.map((r) => r.tenantId),
      [TENANT_US, TENANT_EU, TENANT_NONE].sort(),
    );
    const whole = await get('/v1/teamsRequestsForInformation');
    assertConforms(LIST, whole);
    assert.equal(whole.body.nextLink, undefined);
    assert.deepEqual(whole.body.value, seen);
    const bad = await get('/v1/teamsRequestsForInformation?continuationToken=nonsense');
    assert.equal(bad.status, 400);
    assertConforms(LIST, bad);
  });

  it('serves one tenant as RequestForInformationResource: backend fields, our relationship and where writing it stands', async (t) => {
    const { get } = await serve(t);
    const us = await get(`/v1/teamsRequestsForInformation/${TENANT_US}`);
    assert.equal(us.status, 200);
    assertConforms(GET, us);
    assert.equal(us.body.status, 'active');
    assert.deepEqual(us.body.consentedCountries, ['US', 'CA']);
    assert.deepEqual(us.body.contacts, [CONTACT]);
    assert.equal(us.body.accountName, 'contoso');
    assert.equal(us.body.productContext, 'teams');
    assert.deepEqual((us.body.customerRelationship as { status: string; comment: string }).status, 'AgreementSigned');
    assert.equal(us.body.serviceProvisioningStatus, 'synced');

    const eu = await get(`/v1/teamsRequestsForInformation/${TENANT_EU.toUpperCase()}`);
    assertConforms(GET, eu);
    assert.equal(eu.body.tenantId, TENANT_EU);

    const none = await get(`/v1/teamsRequestsForInformation/${TENANT_NONE}`);
    assertConforms(GET, none);
    assert.equal(none.body.status, undefined, 'the backend has no consent of it');
    assert.equal(none.body.serviceProvisioningStatus, 'failed');
    assert.equal((none.body.serviceProvisioningErrors as Array<{ code: string }>)[0]?.code, 'ConsentNotFound');
  });

  it("answers 404 and 400 in the read API's error shape, and 401 without a token", async (t) => {
    const { get } = await serve(t);
    const missing = await get('/v1/teamsRequestsForInformation/99999999-9999-4999-8999-999999999999');
    assert.equal(missing.status, 404);
    assertConforms(GET, missing);
    assert.equal((missing.body.error as { code: string }).code, 'NotFound');
    const bad = await get('/v1/teamsRequestsForInformation/not-a-tenant');
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { code: string }).code, 'InvalidTenantId');
    assertConforms(GET, bad);
    assert.equal((await get('/v1/teamsRequestsForInformation', {})).status, 401);
  });
});
