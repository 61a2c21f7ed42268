import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/simulator/index.js';
import { paths, startSimulator } from '../../support/simulator.js';

test('over the rate limit: 429 with Retry-After (seconds) and retry-after-ms; the bucket refills with time', async (t) => {
  const clock = new ManualClock();
  const { simulator, api } = await startSimulator(t, { clock, rateLimitPerSecond: 2, rateLimitBurst: 2 });
  assert.equal((await api.get(paths.consents)).status, 200);
  assert.equal((await api.get(paths.consents)).status, 200);
  const throttled = await api.get<{ error: { code: string } }>(paths.consents);
  assert.equal(throttled.status, 429);
  assert.equal(throttled.body.error.code, 'TooManyRequests');
  assert.equal(throttled.headers.get('retry-after'), '1');
  assert.equal(throttled.headers.get('retry-after-ms'), '500');

  clock.advance(499);
  assert.equal((await api.get(paths.consents)).status, 429, 'not yet');
  clock.advance(1);
  assert.equal((await api.get(paths.consents)).status, 200);

  const counters = simulator.counters.snapshot();
  assert.equal(counters.throttled, 2);
  assert.equal(counters.throttledByRateLimit, 2);
  assert.deepEqual(counters.calls.listConsents, { '200': 3, '429': 2 });
});

test('a slow rate still answers Retry-After in whole seconds, rounded up', async (t) => {
  const clock = new ManualClock();
  const { api } = await startSimulator(t, { clock, rateLimitPerSecond: 0.25, rateLimitBurst: 1 });
  assert.equal((await api.get(paths.consents)).status, 200);
  const throttled = await api.get(paths.consents);
  assert.equal(throttled.headers.get('retry-after'), '4');
});

test('a throttled mutating call applies nothing and is not remembered under its Repeatability id', async (t) => {
  const clock = new ManualClock();
  const { simulator, api } = await startSimulator(t, { clock, rateLimitPerSecond: 1, rateLimitBurst: 1 });
  assert.equal((await api.get(paths.consents)).status, 200);
  const body = { numbers: [{ telephoneNumber: '+14255550400', usage: 'CallingUserAssignment', choosableCapabilities: [] }] };
  const throttled = await api.post(paths.upload('11111111-1111-4111-8111-111111111111'), body, { requestId: 'throttled-once' });
  assert.equal(throttled.status, 429);
  clock.advance(1000);
  const retried = await api.post(paths.upload('11111111-1111-4111-8111-111111111111'), body, { requestId: 'throttled-once' });
  assert.equal(retried.status, 202);
  assert.equal(simulator.counters.snapshot().replays, 0);
});

test('an injected 429 carries the scripted Retry-After and counts as throttled', async (t) => {
  const { simulator, api } = await startSimulator(t, { faults: { script: [{ kind: 'throttle', retryAfterSeconds: 7 }] } });
  const throttled = await api.get(paths.consents);
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get('retry-after'), '7');
  assert.equal(throttled.headers.get('retry-after-ms'), '7000');
  assert.equal((await api.get(paths.consents)).status, 200, 'the script is used up');
  const counters = simulator.counters.snapshot();
  assert.equal(counters.throttled, 1);
  assert.equal(counters.throttledByRateLimit, 0);
  assert.equal(counters.faultsInjected.throttle, 1);
});
