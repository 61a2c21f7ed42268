import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, ocAccount, ocNumber, startAcgSimulator, TEAMS_TENANT } from '../../support/acg-simulator.js';

type Resource = Record<string, unknown> & {
  serviceProvisioningStatus: string;
  serviceProvisioningErrors: { code: string; message: string }[];
  serviceDetails: Record<string, Record<string, unknown>>;
};

test('an account is pending until provisioned; its Direct Routing subdomain goes notProvisioned → provisioned, tokens kept', async (t) => {
  const { api } = await startAcgSimulator(t, { provisioningDelayMs: 150 });
  const account = ocAccount('contoso', {
    teamsDirectRouting: {
      enabled: true,
      syncEnabled: true,
      configuration: { callScreening: true, subdomain: 'contoso', subdomainTokens: { region1Token: 'ms=1111', region2Token: 'ms=2222' } },
    },
    zoomPhoneCloudPeering: { enabled: true, syncEnabled: false },
    azureOperatorCallProtection: { enabled: true },
  });
  const created = await api.call<Resource>('PUT', '/accounts/contoso', account);
  assert.equal(created.status, 201);
  assert.equal(created.body.serviceProvisioningStatus, 'pending');
  assert.equal(created.body.serviceDetails.teamsDirectRouting?.subdomainStatus, 'notProvisioned');
  assert.deepEqual(created.body.serviceDetails.teamsDirectRouting?.configuration, {
    callScreening: true,
    subdomain: 'contoso',
    subdomainTokens: { region1Token: 'ms=1111', region2Token: 'ms=2222' },
  });

  const settled = await eventually(
    'account provisioned',
    async () => (await api.call<Resource>('GET', '/accounts/contoso')).body,
    (a) => a.serviceProvisioningStatus === 'synced',
  );
  assert.equal(settled.serviceDetails.teamsDirectRouting?.subdomainStatus, 'provisioned');
  assert.equal(settled.serviceDetails.zoomPhoneCloudPeering?.numberCount, 0);

  // Replacing it keeps a provisioned subdomain provisioned and answers 200.
  const replaced = await api.call<Resource>('PUT', '/accounts/contoso', account);
  assert.equal(replaced.status, 200);
  assert.equal(replaced.body.serviceProvisioningStatus, 'pending');
  assert.equal(replaced.body.serviceDetails.teamsDirectRouting?.subdomainStatus, 'provisioned');
});

test('Operator Connect numbers sync pending → synced, or failed with the scripted serviceProvisioningErrors; others at once', async (t) => {
  const { api, simulator } = await startAcgSimulator(t, {
    provisioningDelayMs: 100,
    numberErrors: [{ telephoneNumber: '+14255550102', code: 'NumberAlreadyAcquired', message: 'The number is held by another operator.' }],
  });
  await api.call('PUT', '/accounts/contoso', ocAccount('contoso', { zoomPhoneCloudPeering: { enabled: true, syncEnabled: true } }));
  const zoom = { telephoneNumber: '+14255550103', accountName: 'contoso', serviceDetails: { zoomPhoneCloudPeering: { enabled: true } } };
  const batch = await api.call<{ numbers: Resource[] }>('POST', '/accounts/contoso:createOrUpdateNumbers', {
    numbers: [ocNumber('contoso', '+14255550101'), ocNumber('contoso', '+14255550102'), zoom],
  });
  assert.equal(batch.status, 200);
  assert.deepEqual(
    batch.body.numbers.map((n) => n.serviceProvisioningStatus),
    ['pending', 'pending', 'synced'],
  );

  const read = async (tn: string) => (await api.call<Resource>('GET', `/accounts/contoso/numbers/${encodeURIComponent(tn)}`)).body;
  const ok = await eventually(
    'number synced',
    () => read('+14255550101'),
    (n) => n.serviceProvisioningStatus !== 'pending',
  );
  assert.equal(ok.serviceProvisioningStatus, 'synced');
  assert.deepEqual(ok.serviceProvisioningErrors, []);
  const failed = await eventually(
    'number failed',
    () => read('+14255550102'),
    (n) => n.serviceProvisioningStatus !== 'pending',
  );
  assert.equal(failed.serviceProvisioningStatus, 'failed');
  assert.deepEqual(failed.serviceProvisioningErrors, [
    { code: 'NumberAlreadyAcquired', message: 'The number is held by another operator.' },
  ]);

  const account = (await api.call<Resource>('GET', '/accounts/contoso')).body;
  assert.equal(account.serviceDetails.teamsOperatorConnect?.numberCount, 2);
  assert.equal(account.serviceDetails.zoomPhoneCloudPeering?.numberCount, 1);

  // A later sync of the same number is clean: the scripted error was used up.
  await api.call('PUT', `/accounts/contoso/numbers/${encodeURIComponent('+14255550102')}`, ocNumber('contoso', '+14255550102'));
  assert.equal(simulator.admin.settleProvisioning() >= 1, true);
  assert.equal((await read('+14255550102')).serviceProvisioningStatus, 'synced');
});

test('numbers need their service on the account, stay on one account, and an account with numbers needs deleteNumbers=true', async (t) => {
  const { api } = await startAcgSimulator(t);
  await api.call('PUT', '/accounts/contoso', ocAccount('contoso'));
  await api.call('PUT', '/accounts/fabrikam', {
    name: 'fabrikam',
    serviceDetails: { zoomPhoneCloudPeering: { enabled: true, syncEnabled: true } },
  });
  const tn = encodeURIComponent('+14255550101');
  assert.equal((await api.call('PUT', `/accounts/fabrikam/numbers/${tn}`, ocNumber('fabrikam', '+14255550101'))).status, 400);
  assert.equal((await api.call('PUT', `/accounts/contoso/numbers/${tn}`, ocNumber('contoso', '+14255550101'))).status, 201);
  assert.equal((await api.call('PUT', `/accounts/contoso/numbers/${tn}`, ocNumber('contoso', '+14255550101'))).status, 200);
  const elsewhere = {
    telephoneNumber: '+14255550101',
    accountName: 'fabrikam',
    serviceDetails: { zoomPhoneCloudPeering: { enabled: true } },
  };
  assert.equal((await api.call('PUT', `/accounts/fabrikam/numbers/${tn}`, elsewhere)).status, 409);
  assert.equal((await api.call('PUT', '/accounts/nobody/numbers/%2B14255550109', ocNumber('nobody', '+14255550109'))).status, 404);

  assert.equal((await api.call('DELETE', '/accounts/contoso')).status, 409);
  assert.equal((await api.call('DELETE', '/accounts/contoso', undefined, { query: { deleteNumbers: 'true' } })).status, 204);
  assert.equal((await api.call('GET', '/accounts/contoso')).status, 404);
  assert.equal((await api.call<{ value: unknown[] }>('GET', '/numbers')).body.value.length, 0);
  assert.equal((await api.call('DELETE', '/accounts/contoso')).status, 204, 'deleting what is gone is no error');
});

test('lists page with nextLink (maxpagesize, skip, top) and count with countRecords', async (t) => {
  const { api } = await startAcgSimulator(t, { defaultPageSize: 2, maxPageSize: 3 });
  for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) await api.call('PUT', `/accounts/${name}`, ocAccount(name));
  const names: string[] = [];
  let next: string | undefined = api.url('/accounts', { query: { countRecords: 'true' } });
  let pages = 0;
  while (next) {
    const answer: { status: number; headers: Headers; body: { value: { name: string }[]; nextLink?: string } } = await api.call(
      'GET',
      next,
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-ms-record-count'), '5');
    names.push(...answer.body.value.map((a) => a.name));
    next = answer.body.nextLink;
    pages += 1;
  }
  assert.deepEqual(names, ['a1', 'a2', 'a3', 'a4', 'a5']);
  assert.equal(pages, 3);
  const big = await api.call<{ value: unknown[]; nextLink?: string }>('GET', '/accounts', undefined, { query: { maxpagesize: '50' } });
  assert.equal(big.body.value.length, 3, 'the service caps a page');
  const top = await api.call<{ value: { name: string }[]; nextLink?: string }>('GET', '/accounts', undefined, {
    query: { skip: '1', top: '2' },
  });
  assert.deepEqual(
    top.body.value.map((a) => a.name),
    ['a2', 'a3'],
  );
  assert.equal(top.body.nextLink, undefined);
});

test('a request for information: seeded by the admin, its customerRelationship patched (merge patch) and synced', async (t) => {
  const { api, simulator } = await startAcgSimulator(t);
  simulator.admin.putRequestForInformation({ tenantId: TEAMS_TENANT, consentedCountries: ['US'] });
  await api.call('PUT', '/accounts/contoso', ocAccount('contoso'));
  const path = `/teamsRequestsForInformation/${TEAMS_TENANT}`;
  const patched = await api.call<Resource & { customerRelationship: Record<string, string>; accountName: string }>('PATCH', path, {
    customerRelationship: { status: 'ConsentAcknowledged', comment: 'welcome' },
  });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.accountName, 'contoso');
  assert.equal(patched.body.customerRelationship.status, 'ConsentAcknowledged');
  assert.equal(patched.body.serviceProvisioningStatus, 'pending');
  const second = await api.call<{ customerRelationship: Record<string, string> }>('PATCH', path, {
    customerRelationship: { comment: 'ok' },
  });
  assert.deepEqual(
    { status: second.body.customerRelationship.status, comment: second.body.customerRelationship.comment },
    { status: 'ConsentAcknowledged', comment: 'ok' },
  );
  simulator.admin.settleProvisioning();
  assert.equal((await api.call<Resource>('GET', path)).body.serviceProvisioningStatus, 'synced');
  assert.equal((await api.call('PATCH', path, { customerRelationship: { status: 'x' } }, { contentType: 'application/json' })).status, 415);
  assert.equal((await api.call('PATCH', '/teamsRequestsForInformation/99999999-9999-4999-8999-999999999999', {})).status, 404);
  const list = await api.call<{ value: unknown[] }>('GET', '/teamsRequestsForInformation');
  assert.equal(list.body.value.length, 1);
});
