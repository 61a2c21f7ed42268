import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NumberResource } from '../../../src/acg/index.js';
import { acgBackend, type AcgNumberClient } from '../../../src/reconciler/backend/acg-backend.js';

const A = '+14255550700';
const B = '+14255550701';

/** An ACG that answers writes "pending" and lists whatever status the test has set, counting listings. */
function fakeAcg() {
  const status = new Map<string, NumberResource['serviceProvisioningStatus']>();
  const listings: string[] = [];
  const client: AcgNumberClient = {
    async createOrUpdateNumbers(_account, numbers) {
      for (const n of numbers) status.set(n.telephoneNumber, 'pending');
      return numbers.map((n) => ({ ...n, serviceProvisioningStatus: 'pending' as const }));
    },
    async deleteNumbers() {},
    async listAccountNumbers(account) {
      listings.push(account);
      return [...status].map(
        ([telephoneNumber, s]) => ({ telephoneNumber, accountName: account, serviceProvisioningStatus: s }) as NumberResource,
      );
    },
    async listRequestsForInformation() {
      return [];
    },
    async updateCustomerRelationship() {
      throw new Error('not used');
    },
  };
  return { client, status, listings };
}

/** Lets the wall clock move on: an implementation that compares times must not get by on reads within one millisecond. */
function nextMillisecond(): void {
  const now = Date.now();
  while (Date.now() === now) {}
}

const upload = (requestId: string, numbers: string[]) => ({
  operation: 'upload' as const,
  scope: 'contoso',
  service: 'acgNumber' as const,
  requestId,
  body: { numbers: numbers.map((telephoneNumber) => ({ telephoneNumber, accountName: 'contoso' })) },
});
const toRead = (requestId: string, numbers: string[]) => ({
  operation: 'upload' as const,
  requestId,
  scope: 'contoso',
  remoteId: null,
  submittedAtMs: 0,
  numbers: async () => numbers,
});

describe('ACG backend: completion read from the account listing', () => {
  it('lists again on the next read after a listing said pending, and settles once ACG says synced', async () => {
    const acg = fakeAcg();
    const backend = acgBackend(acg.client);
    assert.equal((await backend.send(upload('r1', [A]))).remoteStatus, 'pending');
    nextMillisecond();
    assert.equal((await backend.read(toRead('r1', [A]))).remoteStatus, 'pending');
    nextMillisecond();
    acg.status.set(A, 'synced');
    const settled = await backend.read(toRead('r1', [A]));
    assert.equal(settled.remoteStatus, 'settled', 'the second read must not reuse the listing that said pending');
    assert.deepEqual(settled.results, [{ telephoneNumber: A, succeeded: true }]);
    assert.equal(acg.listings.length, 2);
  });

  it('answers operations of one account due together with one listing, started after both sends were answered', async () => {
    const acg = fakeAcg();
    const backend = acgBackend(acg.client);
    await backend.send(upload('r1', [A]));
    await backend.send(upload('r2', [B]));
    acg.status.set(A, 'synced');
    acg.status.set(B, 'failed');
    const [one, two] = await Promise.all([backend.read(toRead('r1', [A])), backend.read(toRead('r2', [B]))]);
    assert.equal(one.remoteStatus, 'settled');
    assert.equal(two.remoteStatus, 'settled');
    assert.equal(two.results?.[0]?.succeeded, false);
    assert.equal(acg.listings.length, 1, 'one listing for both');
  });

  it('never answers an operation from a listing that started before its send was answered', async () => {
    const acg = fakeAcg();
    const backend = acgBackend(acg.client);
    await backend.send(upload('r1', [A]));
    assert.equal((await backend.read(toRead('r1', [A]))).remoteStatus, 'pending');
    acg.status.set(A, 'synced');
    // r2 rewrites A (pending again) after r1's listing: r2's read must list anew and see pending.
    await backend.send(upload('r2', [A]));
    assert.equal((await backend.read(toRead('r2', [A]))).remoteStatus, 'pending');
    assert.equal(acg.listings.length, 2);
  });

  it('a read this process did not see sent (after a restart) starts its own listing', async () => {
    const acg = fakeAcg();
    acg.status.set(A, 'synced');
    const backend = acgBackend(acg.client);
    assert.equal((await backend.read(toRead('r-before-restart', [A]))).remoteStatus, 'settled');
    assert.equal((await backend.read(toRead('r-other', [A]))).remoteStatus, 'settled');
    assert.equal(acg.listings.length, 2);
  });
});
