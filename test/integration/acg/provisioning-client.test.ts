import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import type { AcgClientSettings, NumberResource } from '../../../src/acg/index.js';
import type { AcgSimulatorOptions } from '../../../src/acg-simulator/index.js';
import { BackendPermanentError, type CallEvent } from '../../../src/operator-connect/index.js';
import { acgTestClient, ocAccount, ocNumber, startAcgSimulator, TEAMS_TENANT } from '../../support/acg-simulator.js';
import { trustSimulatorCertificate } from '../../support/operator-connect.js';

/**
 * The ACG Provisioning API client against the swagger-driven simulator: every
 * request it sends is checked against Microsoft's swagger (the simulator
 * counts violations; each test asserts none), and every answer too.
 */

async function clientFor(t: TestContext, options: AcgSimulatorOptions = {}, settings: Partial<AcgClientSettings> = {}) {
  const { simulator, endpoints } = await startAcgSimulator(t, options);
  trustSimulatorCertificate(t, endpoints);
  const calls: CallEvent[] = [];
  const client = acgTestClient(
    endpoints,
    { retry: { attempts: 4, baseDelayMs: 50, maxDelayMs: 2_000 }, ...settings },
    { onCall: (event) => calls.push(event) },
  );
  t.after(() => assert.equal(simulator.counters.snapshot().requestViolations, 0, 'the client sent a request the swagger refuses'));
  return { client, simulator, calls };
}

const id = (): { requestId: string } => ({ requestId: randomUUID() });
const numbers = (count: number, from = 0): NumberResource[] =>
  Array.from({ length: count }, (_, i) => ocNumber('contoso', `+1425555${String(from + i).padStart(4, '0')}`) as unknown as NumberResource);

describe('ACG Provisioning API client', () => {
  it('creates an account, reads it with its ETag, and replaces it only at that ETag', async (t) => {
    const { client, simulator } = await clientFor(t);
    const created = await client.putAccount('contoso', ocAccount('contoso'), id());
    assert.equal(created.resource.serviceProvisioningStatus, 'pending');
    simulator.admin.settleProvisioning();
    const read = await client.getAccount('contoso');
    assert.equal(read.resource.serviceProvisioningStatus, 'synced');
    assert.match(read.etag ?? '', /^".+"$/);
    await assert.rejects(
      client.putAccount('contoso', ocAccount('contoso'), { ...id(), ifMatch: '"stale"' }),
      (e: unknown) =>
        e instanceof BackendPermanentError &&
        e.code === 'PreconditionFailed' &&
        /^ACG Provisioning API putAccount failed: 412/.test(e.message),
    );
    const replaced = await client.putAccount('contoso', ocAccount('contoso'), { ...id(), ifMatch: read.etag ?? '' });
    assert.notEqual(replaced.etag, read.etag);
  });

  it('sends numbers in batches of at most 100, follows serviceProvisioningStatus to synced or failed, pages through them', async (t) => {
    const { client, simulator, calls } = await clientFor(t, {}, { pageSize: 30 });
    await client.putAccount('contoso', ocAccount('contoso'), id());
    simulator.admin.scriptNumberError({
      telephoneNumber: '+14255550007',
      code: 'NumberAlreadyAcquired',
      message: 'held by another operator',
    });
    const answered = await client.createOrUpdateNumbers('contoso', numbers(100), id());
    assert.equal(answered.length, 100);
    assert.ok(answered.every((n) => n.serviceProvisioningStatus === 'pending'));
    await assert.rejects(client.createOrUpdateNumbers('contoso', numbers(101, 200), id()), /at most 100 numbers; this one has 101/);
    assert.equal(calls.filter((c) => c.operation === 'createOrUpdateNumbers').length, 1, 'the 101-number batch was never sent');

    simulator.admin.settleProvisioning();
    assert.equal((await client.getAccountNumber('contoso', '+14255550001')).serviceProvisioningStatus, 'synced');
    const failed = await client.getAccountNumber('contoso', '+14255550007');
    assert.equal(failed.serviceProvisioningStatus, 'failed');
    assert.deepEqual(failed.serviceProvisioningErrors, [{ code: 'NumberAlreadyAcquired', message: 'held by another operator' }]);

    const all = await client.listAccountNumbers('contoso');
    assert.equal(all.length, 100);
    assert.equal(new Set(all.map((n) => n.telephoneNumber)).size, 100);
    assert.equal(calls.filter((c) => c.operation === 'listAccountNumbers').length, 4, '100 numbers in pages of 30');

    await client.deleteNumbers(
      'contoso',
      all.slice(0, 100).map((n) => n.telephoneNumber),
      id(),
    );
    assert.equal((await client.listAccountNumbers('contoso')).length, 0);
    await client.deleteAccount('contoso', id());
  });

  it('resends a mutation under the same Repeatability-Request-ID: the service replays it, nothing applied twice', async (t) => {
    const { client, simulator } = await clientFor(t);
    await client.putAccount('contoso', ocAccount('contoso'), id());
    const same = id();
    const first = await client.createOrUpdateNumbers('contoso', numbers(3), same);
    const again = await client.createOrUpdateNumbers('contoso', numbers(3), same);
    assert.deepEqual(again, first);
    assert.equal(simulator.counters.snapshot().replays, 1);
  });

  it('waits out a 429 for the Retry-After the service gives, then succeeds', async (t) => {
    const { client, simulator, calls } = await clientFor(t, { rateLimitPerMinute: 60 });
    await client.putAccount('contoso', ocAccount('contoso'), id());
    for (let i = 0; i < 61; i += 1) await client.getAccount('contoso');
    const throttled = calls.filter((c) => c.status === 429);
    assert.ok(throttled.length >= 1, 'the 61st request within a minute was throttled');
    assert.ok(throttled.every((c) => c.outcome === 'retry'));
    assert.ok(simulator.counters.snapshot().throttled >= 1);
  });

  it('lists requests for information and updates a customer relationship', async (t) => {
    const { client, simulator } = await clientFor(t);
    simulator.admin.putRequestForInformation({ tenantId: TEAMS_TENANT, status: 'active', consentedCountries: ['US'] });
    const listed = await client.listRequestsForInformation();
    assert.deepEqual(
      listed.map((r) => r.tenantId),
      [TEAMS_TENANT],
    );
    const updated = await client.updateCustomerRelationship(TEAMS_TENANT, { status: 'Acquired' }, id());
    assert.equal(updated.resource.customerRelationship?.status, 'Acquired');
  });
});
