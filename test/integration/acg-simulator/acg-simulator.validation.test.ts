import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAcgSimulator } from '../../../src/acg-simulator/index.js';
import { AcgClient, ocAccount, ocNumber, startAcgSimulator } from '../../support/acg-simulator.js';

interface ErrorBody {
  error: { code: string; message: string; details?: { code: string; message: string; target?: string }[] };
}

const targets = (body: ErrorBody): string[] => (body.error.details ?? []).map((d) => d.target ?? '');

test('requests that break the swagger are refused with 400 in its error model, naming every violation', async (t) => {
  const { api, simulator } = await startAcgSimulator(t);
  assert.equal((await api.call('PUT', '/accounts/contoso', ocAccount('contoso'))).status, 201);

  const noVersion = await api.call<ErrorBody>('GET', '/accounts', undefined, { apiVersion: null });
  assert.equal(noVersion.status, 400);
  assert.deepEqual(targets(noVersion.body), ['api-version']);
  assert.equal(noVersion.headers.get('x-ms-error-code'), 'InvalidRequest');

  const otherVersion = await api.call<ErrorBody>('GET', '/accounts', undefined, { apiVersion: '2023-10-01' });
  assert.equal(otherVersion.status, 400);
  assert.equal(otherVersion.body.error.code, 'UnsupportedApiVersion');

  const badQuery = await api.call<ErrorBody>('GET', '/accounts', undefined, { query: { top: 'ten', countRecords: 'yes', colour: 'red' } });
  assert.equal(badQuery.status, 400);
  assert.deepEqual(targets(badQuery.body).sort(), ['colour', 'countRecords', 'top']);

  const badName = await api.call<ErrorBody>('GET', '/accounts/not%20valid');
  assert.equal(badName.status, 400);
  assert.deepEqual(targets(badName.body), ['accountName']);

  const badNumber = await api.call<ErrorBody>('GET', `/accounts/contoso/numbers/${encodeURIComponent('0044207')}`);
  assert.equal(badNumber.status, 400);
  assert.deepEqual(targets(badNumber.body), ['telephoneNumber']);

  const badHeader = await api.call<ErrorBody>('GET', '/accounts', undefined, { headers: { 'x-ms-client-request-id': 'not-a-uuid' } });
  assert.equal(badHeader.status, 400);
  assert.deepEqual(targets(badHeader.body), ['x-ms-client-request-id']);

  const badFirstSent = await api.call<ErrorBody>('PUT', '/accounts/contoso', ocAccount('contoso'), {
    headers: { 'repeatability-request-id': 'r-1', 'repeatability-first-sent': 'yesterday' },
  });
  assert.equal(badFirstSent.status, 400);
  assert.deepEqual(targets(badFirstSent.body), ['Repeatability-First-Sent']);

  const missingBody = await api.call<ErrorBody>('PUT', '/accounts/fabrikam');
  assert.equal(missingBody.status, 400);
  assert.deepEqual(targets(missingBody.body), ['resource']);

  const notJson = await api.call<ErrorBody>('PUT', '/accounts/fabrikam', '{"name":');
  assert.equal(notJson.status, 400);

  const wrongType = await api.call<ErrorBody>('PUT', '/accounts/fabrikam', ocAccount('fabrikam'), { contentType: 'text/plain' });
  assert.equal(wrongType.status, 415);

  const schema = await api.call<ErrorBody>('PUT', '/accounts/fabrikam', {
    name: 'fabrikam',
    serviceDetails: {
      teamsOperatorConnect: { enabled: 'yes' },
      teamsDirectRouting: { enabled: true, syncEnabled: true, configuration: { subdomain: 'waytoolongsubdomain' } },
    },
  });
  assert.equal(schema.status, 400);
  assert.deepEqual(targets(schema.body).sort(), [
    'resource.serviceDetails.teamsDirectRouting.configuration',
    'resource.serviceDetails.teamsDirectRouting.configuration',
    'resource.serviceDetails.teamsDirectRouting.configuration.subdomain',
    'resource.serviceDetails.teamsOperatorConnect',
    'resource.serviceDetails.teamsOperatorConnect.enabled',
  ]);

  const nameMismatch = await api.call<ErrorBody>('PUT', '/accounts/fabrikam', ocAccount('contoso'));
  assert.equal(nameMismatch.status, 400);

  const bodyOnGet = await api.call<ErrorBody>('POST', '/accounts/contoso:getTeamsCapabilityPlans', { unexpected: true });
  assert.equal(bodyOnGet.status, 400);

  assert.equal(simulator.counters.snapshot().requestViolations, 12);
  assert.equal((await api.call('GET', '/accounts/fabrikam')).status, 404, 'nothing refused was applied');
});

test('a batch of more than 100 numbers is refused whole with the swagger maxItems error; 100 are taken', async (t) => {
  const { api } = await startAcgSimulator(t);
  await api.call('PUT', '/accounts/contoso', ocAccount('contoso'));
  const numbers = Array.from({ length: 101 }, (_, i) => ocNumber('contoso', `+1425555${String(i).padStart(4, '0')}`));
  const tooMany = await api.call<ErrorBody>('POST', '/accounts/contoso:createOrUpdateNumbers', { numbers });
  assert.equal(tooMany.status, 400);
  assert.deepEqual(targets(tooMany.body), ['body.numbers']);
  assert.match(tooMany.body.error.message, /more than 100 items/);
  const deleteTooMany = await api.call('POST', '/accounts/contoso:deleteNumbers', {
    numbers: numbers.map((n) => ({ telephoneNumber: n.telephoneNumber })),
  });
  assert.equal(deleteTooMany.status, 400);

  const taken = await api.call<{ numbers: unknown[] }>('POST', '/accounts/contoso:createOrUpdateNumbers', {
    numbers: numbers.slice(0, 100),
  });
  assert.equal(taken.status, 200);
  assert.equal(taken.body.numbers.length, 100);
  const listed = await api.call<{ value: unknown[] }>('GET', '/accounts/contoso/numbers', undefined, { query: { countRecords: 'true' } });
  assert.equal(listed.headers.get('x-ms-record-count'), '100');
});

test('unknown paths answer 404 and wrong methods 405, in the error model', async (t) => {
  const { api } = await startAcgSimulator(t);
  const missing = await api.call<ErrorBody>('GET', '/tenants');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'NotFound');
  const method = await api.call<ErrorBody>('PATCH', '/accounts/contoso', {});
  assert.equal(method.status, 405);
  assert.equal(method.headers.get('allow'), 'GET, PUT, DELETE');
});

test('an answer that would break the swagger is a loud simulator bug: 500, an error log and a counted violation', async (t) => {
  const logged: string[] = [];
  const { createLogger } = await import('../../../src/platform/logging/logger.js');
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => void logged.push(line) } });
  // A seed the swagger does not allow (status is an enum): the simulator must not pass it on.
  const simulator = createAcgSimulator({
    rateLimitPerMinute: 0,
    logger,
    requestsForInformation: [{ tenantId: '11111111-1111-4111-8111-111111111111', status: 'lapsed' as 'active' }],
  });
  const endpoints = await simulator.start();
  t.after(() => simulator.stop());
  const api = new AcgClient(endpoints, () => simulator.admin.issueToken());
  const answer = await api.call<ErrorBody>('GET', '/teamsRequestsForInformation/11111111-1111-4111-8111-111111111111');
  assert.equal(answer.status, 500);
  assert.equal(answer.body.error.code, 'SimulatorResponseInvalid');
  assert.match(answer.body.error.message, /body\.status/);
  assert.equal(simulator.counters.snapshot().responseViolations, 1);
  assert.ok(
    logged.some((l) => l.includes('violates the swagger')),
    'logged as an error',
  );
});
