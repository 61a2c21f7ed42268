import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NumberStatus, Order, Page } from '../../../src/simulator/index.js';
import { TENANT_A, TENANT_B, ocNumber, paths, startSimulator } from '../../support/simulator.js';

test('number status: assigned with configuration for the holder, unassigned for anyone else', async (t) => {
  const { simulator, api } = await startSimulator(t, {
    numbers: [
      {
        tenantId: TENANT_B,
        telephoneNumber: '+4930111111',
        configuration: { usage: 'ConferenceAssignment', choosableCapabilities: ['InboundCalling'] },
      },
    ],
  });
  const accepted = await api.post<Order>(paths.upload(TENANT_A), { numbers: [ocNumber('+14255550700')] });
  await simulator.admin.whenOrderSettled(accepted.body.id);
  simulator.admin.setAssignedToUser('+14255550700', true);

  const mine = await api.get<NumberStatus>(paths.number(TENANT_A, '+14255550700'));
  assert.equal(mine.status, 200);
  assert.equal(mine.body.status, 'assigned');
  assert.equal(mine.body.assignedToUser, true);
  assert.equal(mine.body.teamsPhoneMobile, false);
  assert.deepEqual(mine.body.configuration, {
    usage: 'CallingUserAssignment',
    choosableCapabilities: ['InboundCalling', 'OutboundCalling'],
  });
  assert.ok(mine.body.acquiredOn);

  const theirs = await api.get<NumberStatus>(paths.number(TENANT_A, '+4930111111'));
  assert.equal(theirs.body.status, 'unassigned', "another tenant's number is not disclosed");
  assert.equal(theirs.body.configuration, null);
  const seeded = await api.get<NumberStatus>(paths.number(TENANT_B, '+4930111111'));
  assert.equal(seeded.body.status, 'assigned');
  assert.equal(seeded.body.lastOrderId, null, 'seeded, not ordered');

  // "+" may be sent raw or as %2B.
  const raw = await api.get<NumberStatus>(`/tenants/${TENANT_A}/numbers/+14255550700`);
  assert.equal(raw.body.status, 'assigned');
  const bad = await api.get<{ error: { code: string } }>(paths.number(TENANT_A, '4255550700'));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'InvalidTelephoneNumber');
  assert.equal(simulator.counters.snapshot().statusReads, 5);
});

test('the numbers of a tenant list in pages', async (t) => {
  const { simulator, api } = await startSimulator(t, { defaultPageSize: 2 });
  const accepted = await api.post<Order>(paths.upload(TENANT_A), {
    numbers: ['+14255550712', '+14255550710', '+14255550711'].map((n) => ocNumber(n)),
  });
  await simulator.admin.whenOrderSettled(accepted.body.id);
  const first = await api.get<Page<NumberStatus>>(paths.numbers(TENANT_A));
  assert.deepEqual(
    first.body.value.map((n) => n.telephoneNumber),
    ['+14255550710', '+14255550711'],
  );
  assert.ok(first.body.nextLink);
  const second = await api.get<Page<NumberStatus>>(`${paths.numbers(TENANT_A)}?skip=2`);
  assert.deepEqual(
    second.body.value.map((n) => n.telephoneNumber),
    ['+14255550712'],
  );
  assert.equal((await api.get<Page<NumberStatus>>(paths.numbers(TENANT_B))).body.value.length, 0);
});
