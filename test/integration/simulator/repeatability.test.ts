import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, type Order } from '../../../src/simulator/index.js';
import { ApiClient, TENANT_A, ocNumber, paths, startSimulator } from '../../support/simulator.js';

const imfDate = (ms: number): string => new Date(ms).toUTCString();

test('the same Repeatability-Request-ID with the same body replays the first answer and applies nothing again', async (t) => {
  const { simulator, api } = await startSimulator(t);
  const body = { numbers: [ocNumber('+14255550300'), ocNumber('+14255550301')] };
  const first = await api.post<Order>(paths.upload(TENANT_A), body, { requestId: 'retry-me' });
  await simulator.admin.whenOrderSettled(first.body.id);

  // Same content, keys in another order: still the same request.
  const reordered = { numbers: body.numbers.map((n) => Object.fromEntries(Object.entries(n).reverse())) };
  const second = await api.post<Order>(paths.upload(TENANT_A), reordered, { requestId: 'retry-me' });
  assert.equal(second.status, 202);
  assert.deepEqual(second.body, first.body, 'the first answer, byte for byte in content');
  assert.equal(second.headers.get('operation-location'), first.headers.get('operation-location'));
  assert.equal(second.headers.get('repeatability-result'), 'accepted');

  assert.equal(simulator.ledger.size, 2, 'two numbers, applied once');
  assert.deepEqual(simulator.ledger.repeatedChanges(), []);
  const counters = simulator.counters.snapshot();
  assert.equal(counters.ordersAccepted, 1);
  assert.equal(counters.replays, 1);
  assert.equal(counters.mutatingCalls, 2);
});

const APP_1 = '0c0ffee0-0000-4000-8000-000000000101';
const APP_2 = '0c0ffee0-0000-4000-8000-000000000102';

test('the same id with a different body is a 409 conflict; another app has ids of its own', async (t) => {
  const { simulator, api, endpoints } = await startSimulator(t, {
    clients: [
      { clientId: APP_1, clientSecret: 'one' },
      { clientId: APP_2, clientSecret: 'two' },
    ],
  });
  const first = await api.post<Order>(paths.upload(TENANT_A), { numbers: [ocNumber('+14255550310')] }, { requestId: 'dup-id' });
  assert.equal(first.status, 202);
  const conflict = await api.post<{ error: { code: string } }>(
    paths.upload(TENANT_A),
    { numbers: [ocNumber('+14255550311')] },
    { requestId: 'dup-id' },
  );
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.error.code, 'RepeatabilityConflict');
  assert.equal(conflict.headers.get('repeatability-result'), 'rejected');
  // The same id on another path is another request too.
  const otherPath = await api.post<{ error: { code: string } }>(
    paths.release(TENANT_A),
    { numbers: [{ telephoneNumber: '+14255550310' }] },
    { requestId: 'dup-id' },
  );
  assert.equal(otherPath.status, 409);
  const otherApp = new ApiClient(endpoints, () => simulator.admin.issueToken(APP_2));
  const theirs = await otherApp.post<Order>(paths.upload(TENANT_A), { numbers: [ocNumber('+14255550311')] }, { requestId: 'dup-id' });
  assert.equal(theirs.status, 202);
  await simulator.admin.whenOrderSettled(first.body.id);
  await simulator.admin.whenOrderSettled(theirs.body.id);
  assert.equal(simulator.ledger.size, 2);
});

test('a 4xx answer is remembered too; a missing or malformed header is a 400', async (t) => {
  const { simulator, api } = await startSimulator(t);
  const invalid = { numbers: [ocNumber('not-a-number')] };
  const first = await api.post(paths.upload(TENANT_A), invalid, { requestId: 'bad-once' });
  const again = await api.post(paths.upload(TENANT_A), invalid, { requestId: 'bad-once' });
  assert.equal(first.status, 400);
  assert.deepEqual(again.body, first.body);
  assert.equal(simulator.counters.snapshot().replays, 1);

  const missing = await api.post<{ error: { code: string } }>(
    paths.upload(TENANT_A),
    { numbers: [ocNumber('+14255550320')] },
    { requestId: null },
  );
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.code, 'MissingRepeatabilityRequestId');
  const badDate = await api.post<{ error: { code: string } }>(
    paths.upload(TENANT_A),
    { numbers: [ocNumber('+14255550320')] },
    { firstSent: '2026-01-01T00:00:00Z' },
  );
  assert.equal(badDate.status, 400);
  assert.equal(badDate.body.error.code, 'InvalidRepeatabilityHeaders');
  assert.equal(simulator.counters.snapshot().ordersAccepted, 0);
});

test('Repeatability-First-Sent older than the window is refused with 412 unless the answer is still remembered', async (t) => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const { simulator, api } = await startSimulator(t, { clock, repeatabilityWindowSeconds: 300 });
  const sentAt = imfDate(clock.now());
  const first = await api.post<Order>(
    paths.upload(TENANT_A),
    { numbers: [ocNumber('+14255550330')] },
    { requestId: 'windowed', firstSent: sentAt },
  );
  assert.equal(first.status, 202);

  clock.advance(200_000);
  const replay = await api.post<Order>(
    paths.upload(TENANT_A),
    { numbers: [ocNumber('+14255550330')] },
    { requestId: 'windowed', firstSent: sentAt },
  );
  assert.equal(replay.body.id, first.body.id, 'inside the window: replayed');

  clock.advance(200_000);
  const late = await api.post<{ error: { code: string } }>(
    paths.upload(TENANT_A),
    { numbers: [ocNumber('+14255550330')] },
    { requestId: 'windowed', firstSent: sentAt },
  );
  assert.equal(late.status, 412);
  assert.equal(late.body.error.code, 'RepeatabilityWindowExceeded');
  await simulator.admin.whenOrderSettled(first.body.id);
  assert.equal(simulator.ledger.size, 1);
});

test('an answer lost after the work was done (reset after handling) is replayed to the retry', async (t) => {
  const { simulator, api } = await startSimulator(t, {
    faults: { script: [{ kind: 'reset', phase: 'afterHandling', operations: ['createUploadOrder'] }] },
  });
  const body = { numbers: [ocNumber('+14255550340')] };
  await assert.rejects(api.post(paths.upload(TENANT_A), body, { requestId: 'lost-answer' }));
  const retry = await api.post<Order>(paths.upload(TENANT_A), body, { requestId: 'lost-answer' });
  assert.equal(retry.status, 202);
  await simulator.admin.whenOrderSettled(retry.body.id);
  assert.equal(simulator.counters.snapshot().ordersAccepted, 1);
  assert.deepEqual(
    simulator.ledger.entries().map((e) => [e.telephoneNumber, e.requestId]),
    [['+14255550340', 'lost-answer']],
  );
});

test('a 500 after handling also leaves a replayable answer; a 500 before handling leaves nothing', async (t) => {
  const { simulator, api } = await startSimulator(t, {
    faults: {
      script: [
        { kind: 'serverError', phase: 'beforeHandling', operations: ['createUploadOrder'] },
        { kind: 'serverError', phase: 'afterHandling', operations: ['createUploadOrder'] },
      ],
    },
  });
  const body = { numbers: [ocNumber('+14255550350')] };
  assert.equal((await api.post(paths.upload(TENANT_A), body, { requestId: 'five-hundred' })).status, 500);
  assert.equal(simulator.counters.snapshot().ordersAccepted, 0, 'before handling: nothing accepted');
  assert.equal((await api.post(paths.upload(TENANT_A), body, { requestId: 'five-hundred' })).status, 500);
  assert.equal(simulator.counters.snapshot().ordersAccepted, 1, 'after handling: accepted, answer lost');
  const third = await api.post<Order>(paths.upload(TENANT_A), body, { requestId: 'five-hundred' });
  assert.equal(third.status, 202);
  await simulator.admin.whenOrderSettled(third.body.id);
  assert.equal(simulator.counters.snapshot().ordersAccepted, 1);
  assert.equal(simulator.ledger.size, 1);
});
