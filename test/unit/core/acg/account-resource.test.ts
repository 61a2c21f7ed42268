import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadAcgSpec, SchemaValidator, type AcgSpec } from '../../../../src/acg-simulator/index.js';
import { acgAccountBody, type AcgAccountBody } from '../../../../src/core/acg/index.js';
import type { AccountServiceDetailsSpec } from '../../../../src/core/order/order.js';

const TENANT = '11111111-1111-4111-8111-111111111111';

const FULL_DETAILS: AccountServiceDetailsSpec = {
  teamsTenantId: TENANT,
  teamsOperatorConnect: { enabled: true, syncEnabled: true },
  teamsDirectRouting: {
    enabled: true,
    syncEnabled: false,
    configuration: { callScreening: true, subdomain: 'contoso', subdomainTokens: { region1Token: 'tok=1', region2Token: 'tok_2' } },
  },
  teamsPhoneMobile: { enabled: false, syncEnabled: true },
  zoomPhoneCloudPeering: { enabled: true, syncEnabled: false },
  azureOperatorCallProtection: { enabled: true },
};

const FULL: AcgAccountBody = {
  name: 'contoso',
  correlationId: 'bss-4711',
  serviceDetails: {
    teamsTenantId: TENANT,
    teamsOperatorConnect: { enabled: true, syncEnabled: true },
    teamsDirectRouting: {
      enabled: true,
      syncEnabled: false,
      configuration: { callScreening: true, subdomain: 'contoso', subdomainTokens: { region1Token: 'tok=1', region2Token: 'tok_2' } },
    },
    teamsPhoneMobile: { enabled: false, syncEnabled: true },
    zoomPhoneCloudPeering: { enabled: true, syncEnabled: false },
    azureOperatorCallProtection: { enabled: true },
  },
};

/** Leaf values of a JSON object (arrays count as one): the doc's way of counting properties. */
function leaves(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [path];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

let spec: AcgSpec;
let validator: SchemaValidator;

/** The body schema of an operation, as the simulator validates the request with it. */
function bodySchema(operationId: string): Readonly<Record<string, unknown>> {
  const schema = spec.operations.find((o) => o.operationId === operationId)?.parameters.find((p) => p.in === 'body')?.schema;
  assert.ok(schema, `${operationId} has a body parameter`);
  return schema;
}

/** No swagger violation, and nothing the simulator would drop as read-only or undeclared. */
function assertValidPut(body: AcgAccountBody): void {
  assert.deepEqual(validator.check(bodySchema('Accounts_CreateOrReplace'), body, 'resource', 'request'), []);
  assert.deepEqual(validator.writable({ $ref: '#/definitions/AccountResource' }, body), body);
}

before(async () => {
  spec = await loadAcgSpec();
  validator = new SchemaValidator(spec);
});

describe('acgAccountBody (docs/acg-provisioning-api.md §2)', () => {
  it('maps a fully populated account to the exact AccountResource: all 16 writable properties', () => {
    const body = acgAccountBody({ name: 'contoso', correlationId: 'bss-4711', teamsTenantId: TENANT, serviceDetails: FULL_DETAILS });
    assert.deepEqual(body, FULL);
    assert.deepEqual(leaves(body).sort(), [
      'correlationId',
      'name',
      'serviceDetails.azureOperatorCallProtection.enabled',
      'serviceDetails.teamsDirectRouting.configuration.callScreening',
      'serviceDetails.teamsDirectRouting.configuration.subdomain',
      'serviceDetails.teamsDirectRouting.configuration.subdomainTokens.region1Token',
      'serviceDetails.teamsDirectRouting.configuration.subdomainTokens.region2Token',
      'serviceDetails.teamsDirectRouting.enabled',
      'serviceDetails.teamsDirectRouting.syncEnabled',
      'serviceDetails.teamsOperatorConnect.enabled',
      'serviceDetails.teamsOperatorConnect.syncEnabled',
      'serviceDetails.teamsPhoneMobile.enabled',
      'serviceDetails.teamsPhoneMobile.syncEnabled',
      'serviceDetails.teamsTenantId',
      'serviceDetails.zoomPhoneCloudPeering.enabled',
      'serviceDetails.zoomPhoneCloudPeering.syncEnabled',
    ]);
    assertValidPut(body);
  });

  it('leaves absent service blocks absent (not configured, not disabled), and omits a null correlationId and tenant', () => {
    const body = acgAccountBody({ name: 'bare', correlationId: null, teamsTenantId: null, serviceDetails: {} });
    assert.deepEqual(body, { name: 'bare', serviceDetails: {} });
    assert.equal('correlationId' in body, false);
    assertValidPut(body);

    const one = acgAccountBody({
      name: 'zoom-only',
      correlationId: null,
      teamsTenantId: null,
      serviceDetails: { zoomPhoneCloudPeering: { enabled: true, syncEnabled: true } },
    });
    assert.deepEqual(one, { name: 'zoom-only', serviceDetails: { zoomPhoneCloudPeering: { enabled: true, syncEnabled: true } } });
    assertValidPut(one);
  });

  it('sends disabled blocks as they are stored (enabled false is not the same as absent)', () => {
    const body = acgAccountBody({
      name: 'off',
      correlationId: 'c',
      teamsTenantId: TENANT,
      serviceDetails: {
        teamsOperatorConnect: { enabled: false, syncEnabled: false },
        azureOperatorCallProtection: { enabled: false },
      },
    });
    assert.deepEqual(body, {
      name: 'off',
      correlationId: 'c',
      serviceDetails: {
        teamsTenantId: TENANT,
        teamsOperatorConnect: { enabled: false, syncEnabled: false },
        azureOperatorCallProtection: { enabled: false },
      },
    });
    assertValidPut(body);
  });

  it('sends Direct Routing without configuration when none is stored', () => {
    const body = acgAccountBody({
      name: 'dr',
      correlationId: null,
      teamsTenantId: null,
      serviceDetails: { teamsDirectRouting: { enabled: true, syncEnabled: true } },
    });
    assert.deepEqual(body, { name: 'dr', serviceDetails: { teamsDirectRouting: { enabled: true, syncEnabled: true } } });
    assertValidPut(body);
  });

  it('takes teamsTenantId from accounts.teams_tenant_id, and copies nothing but the writable properties', () => {
    const stray = {
      teamsTenantId: 'stale-in-service-details',
      teamsOperatorConnect: { enabled: true, syncEnabled: true, numberCount: 3 },
      teamsDirectRouting: {
        enabled: true,
        syncEnabled: true,
        subdomainStatus: 'provisioned',
        configuration: { callScreening: false, subdomain: 'x', subdomainTokens: { region1Token: 'a', region2Token: 'b', extra: 1 } },
      },
      azureOperatorCallProtection: { enabled: true, numberCount: 1 },
      somethingElse: true,
    } as unknown as AccountServiceDetailsSpec;
    const body = acgAccountBody({ name: 'n', correlationId: null, teamsTenantId: TENANT, serviceDetails: stray });
    assert.deepEqual(body, {
      name: 'n',
      serviceDetails: {
        teamsTenantId: TENANT,
        teamsOperatorConnect: { enabled: true, syncEnabled: true },
        teamsDirectRouting: {
          enabled: true,
          syncEnabled: true,
          configuration: { callScreening: false, subdomain: 'x', subdomainTokens: { region1Token: 'a', region2Token: 'b' } },
        },
        azureOperatorCallProtection: { enabled: true },
      },
    });
    assertValidPut(body);
    const noTenant = acgAccountBody({ name: 'n', correlationId: null, teamsTenantId: null, serviceDetails: stray });
    assert.equal('teamsTenantId' in noTenant.serviceDetails, false);
  });

  it('the swagger check used here does catch a broken body (the validation is not vacuous)', () => {
    const broken = { ...FULL, name: 'not a name!', serviceDetails: { ...FULL.serviceDetails, teamsOperatorConnect: { enabled: true } } };
    const targets = validator.check(bodySchema('Accounts_CreateOrReplace'), broken, 'resource', 'request').map((v) => v.target);
    assert.deepEqual(targets.sort(), ['resource.name', 'resource.serviceDetails.teamsOperatorConnect']);
  });
});
