import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAcgSpec, SchemaValidator } from '../../../src/acg-simulator/index.js';

const ACCOUNT = { $ref: '#/definitions/AccountResource' };
const directRouting = {
  name: 'contoso',
  serviceDetails: {
    teamsDirectRouting: {
      enabled: true,
      syncEnabled: true,
      configuration: { callScreening: false, subdomain: 'contoso', subdomainTokens: { region1Token: 'a', region2Token: 'b' } },
    },
  },
};

test('the swagger loads, passes swagger-parser, and lists its 18 operations with the OAuth scope', async () => {
  const spec = await loadAcgSpec();
  assert.equal(spec.operations.length, 18);
  assert.equal(spec.scope, 'https://func-voiceservice-rp-prod-eastuseuap.azurewebsites.net/.default');
  const batch = spec.operations.find((o) => o.operationId === 'Accounts_CreateOrUpdateNumbers');
  assert.equal(batch?.method, 'POST');
  assert.equal(batch?.repeatable, true);
  assert.deepEqual(
    spec.operations.find((o) => o.operationId === 'TeamsRequestsForInformation_CreateOrUpdateRequestForInformation')?.consumes,
    ['application/merge-patch+json'],
  );
});

test('a readOnly property the swagger lists as required is required in answers, not in requests', async () => {
  const validator = new SchemaValidator(await loadAcgSpec());
  assert.deepEqual(validator.check(ACCOUNT, directRouting, 'resource', 'request'), []);
  assert.deepEqual(
    validator.check(ACCOUNT, directRouting, 'body', 'response').map((v) => v.target),
    ['body.serviceDetails.teamsDirectRouting'],
    'an answer without subdomainStatus breaks the swagger',
  );
});

test('recursive models (Error.innererror) validate, and formats are checked (uri, date-time, int32)', async () => {
  const validator = new SchemaValidator(await loadAcgSpec());
  const error = { error: { code: 'a', message: 'b', innererror: { code: 'c', innererror: { code: 'd' } } } };
  assert.deepEqual(validator.check({ $ref: '#/definitions/Azure.Core.Foundations.ErrorResponse' }, error, 'body'), []);
  assert.equal(validator.check({ $ref: '#/definitions/Azure.Core.Foundations.ErrorResponse' }, { error: { code: 1 } }, 'body').length, 2);
  assert.equal(validator.check({ $ref: '#/definitions/PagedAccountResource' }, { value: [], nextLink: 'not a uri' }, 'body').length, 1);
  assert.equal(validator.check({ type: 'integer', format: 'int32' }, 2 ** 31, 'top').length, 1);
});

test('date-time headers take RFC 3339 or the HTTP-date clients send, and nothing else', async () => {
  const validator = new SchemaValidator(await loadAcgSpec());
  const schema = { type: 'string', format: 'date-time' };
  assert.deepEqual(validator.checkHeader(schema, '2026-01-05T10:00:00Z', 'h'), []);
  assert.deepEqual(validator.checkHeader(schema, 'Mon, 05 Jan 2026 10:00:00 GMT', 'h'), []);
  assert.equal(validator.checkHeader(schema, 'yesterday', 'h').length, 1);
  assert.equal(validator.checkHeader({ type: 'string', format: 'uuid' }, 'nope', 'h').length, 1);
});

test('writable() keeps what a client may write: readOnly and undeclared properties are dropped, recursively', async () => {
  const validator = new SchemaValidator(await loadAcgSpec());
  const written = validator.writable(ACCOUNT, {
    ...directRouting,
    serviceProvisioningStatus: 'synced',
    colour: 'red',
    serviceDetails: {
      ...directRouting.serviceDetails,
      teamsOperatorConnect: { enabled: true, syncEnabled: true, numberCount: 7 },
    },
  });
  assert.deepEqual(written, {
    name: 'contoso',
    serviceDetails: { ...directRouting.serviceDetails, teamsOperatorConnect: { enabled: true, syncEnabled: true } },
  });
  assert.equal(SchemaValidator.coerce({ type: 'integer' }, '12'), 12);
  assert.equal(SchemaValidator.coerce({ type: 'boolean' }, 'true'), true);
  assert.equal(SchemaValidator.coerce({ type: 'boolean' }, 'yes'), 'yes');
});
