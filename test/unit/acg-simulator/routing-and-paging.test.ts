import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConditions } from '../../../src/acg-simulator/etag.js';
import { loadAcgSpec } from '../../../src/acg-simulator/index.js';
import { page } from '../../../src/acg-simulator/paging.js';
import { rolesFor } from '../../../src/acg-simulator/roles.js';
import { AcgRouter } from '../../../src/acg-simulator/router.js';

test('routes: an action suffix is not taken for an account name; wrong methods list what is allowed', async () => {
  const router = new AcgRouter((await loadAcgSpec()).operations, '/base');
  const action = router.match('POST', '/base/accounts/contoso:createOrUpdateNumbers');
  assert.equal(action.kind === 'found' && action.operation.operationId, 'Accounts_CreateOrUpdateNumbers');
  assert.deepEqual(action.kind === 'found' && action.params, { accountName: 'contoso' });
  const number = router.match('GET', '/base/accounts/contoso/numbers/%2B14255550101');
  assert.deepEqual(number.kind === 'found' && number.params, { accountName: 'contoso', telephoneNumber: '+14255550101' });
  assert.deepEqual(router.match('GET', '/base/accounts/contoso:deleteNumbers'), { kind: 'methodNotAllowed', allowed: ['POST'] });
  assert.deepEqual(router.match('GET', '/accounts'), { kind: 'notFound' });
});

test('roles per operation', () => {
  assert.deepEqual(rolesFor('GET', 'Accounts_Get'), ['ProvisioningAPI.Read', 'ProvisioningAPI.Admin']);
  assert.deepEqual(rolesFor('POST', 'Accounts_GetTeamsAvailableCapabilities'), ['ProvisioningAPI.Read', 'ProvisioningAPI.Admin']);
  assert.deepEqual(rolesFor('POST', 'Accounts_CreateOrUpdateNumbers'), ['ProvisioningAPI.Write', 'ProvisioningAPI.Admin']);
  assert.deepEqual(rolesFor('PATCH', 'TeamsRequestsForInformation_CreateOrUpdateRequestForInformation'), [
    'ProvisioningAPI.Write',
    'ProvisioningAPI.Admin',
  ]);
  assert.deepEqual(rolesFor('POST', 'Accounts_DeleteNumbers'), ['ProvisioningAPI.Delete', 'ProvisioningAPI.Admin']);
  assert.deepEqual(rolesFor('DELETE', 'Accounts_Delete'), ['ProvisioningAPI.Delete', 'ProvisioningAPI.Admin']);
});

test('a page: skip, top and maxpagesize, a nextLink carrying the rest, the record count on request', () => {
  const items = [1, 2, 3, 4, 5, 6, 7];
  const url = new URL('http://h:1/accounts?api-version=v&top=5&maxpagesize=2');
  const request = (query: Record<string, unknown>) => ({ path: {}, headers: {}, body: undefined, query: { 'api-version': 'v', ...query } });
  const first = page(items, request({ top: 5, maxpagesize: 2, countRecords: true }), url, { defaultPageSize: 3, maxPageSize: 4 });
  assert.deepEqual(first.body, {
    value: [1, 2],
    nextLink: 'http://h:1/accounts?api-version=v&skip=2&maxpagesize=2&top=3&countRecords=true',
  });
  assert.deepEqual(first.headers, { 'x-ms-record-count': '7' });
  const last = page(items, request({ skip: 4, top: 1 }), url, { defaultPageSize: 3, maxPageSize: 4 });
  assert.deepEqual(last.body, { value: [5] });
  assert.deepEqual(page(items, request({ maxpagesize: 100 }), url, { defaultPageSize: 3, maxPageSize: 4 }).body, {
    value: [1, 2, 3, 4],
    nextLink: 'http://h:1/accounts?api-version=v&skip=4&maxpagesize=4',
  });
});

test('conditions: If-Match needs the current tag or * on an existing resource; If-None-Match refuses a write over a match', () => {
  assert.doesNotThrow(() => checkConditions({ ifMatch: '"a"' }, '"a"', true));
  assert.doesNotThrow(() => checkConditions({ ifMatch: '"x", "a"' }, '"a"', false));
  assert.doesNotThrow(() => checkConditions({ ifMatch: '*' }, '"a"', true));
  assert.throws(() => checkConditions({ ifMatch: '"b"' }, '"a"', true), { status: 412 });
  assert.throws(() => checkConditions({ ifMatch: '*' }, undefined, true), { status: 412 });
  assert.throws(() => checkConditions({ ifNoneMatch: '*' }, '"a"', true), { status: 412 });
  assert.doesNotThrow(() => checkConditions({ ifNoneMatch: '*' }, undefined, true));
  assert.doesNotThrow(() => checkConditions({ ifNoneMatch: '"a"' }, '"a"', false), 'reads ignore If-None-Match');
});
