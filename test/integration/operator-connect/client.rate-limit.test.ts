import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimulator, TENANT_US, testClient } from '../../support/operator-connect.js';

/** Most calls in any window [t, t + 1000) over the given send times. */
function maxPerSecond(times: readonly number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

test('the client keeps its calls per second under the configured rate, and the service never has to throttle it', async (t) => {
  // Service and client share the clock; the service allows 5/s with a burst of 5.
  const setup = await startSimulator(t, { rateLimitPerSecond: 5, rateLimitBurst: 5 });
  const { client, calls } = testClient(setup, { OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: '5' });
  const started = setup.clock.now();
  for (let i = 0; i < 12; i++) await client.getConsent(TENANT_US);
  await client.listTenantNumbers(TENANT_US);
  for (let i = 0; i < 12; i++) await client.getNumberStatus(TENANT_US, `+142555512${String(i).padStart(2, '0')}`);

  const sent = calls.map((c) => c.sentAt);
  assert.equal(sent.length, 25);
  assert.ok(maxPerSecond(sent) <= 5, `at most 5 calls in any second; saw ${maxPerSecond(sent)}`);
  assert.equal(setup.clock.now() - started, 24 * 200, 'paced evenly, 200 ms apart, and no slower');
  const counters = setup.simulator.counters.snapshot();
  assert.equal(counters.throttled, 0);
  assert.equal(counters.totalCalls, 25);
});

test('retries wait for the rate limiter too', async (t) => {
  const setup = await startSimulator(t, { faults: { script: [{ kind: 'serverError' }, { kind: 'serverError' }] } });
  const { client, calls } = testClient(setup, { OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: '1', OPERATOR_CONNECT_RETRY_BASE_MS: '1' });
  await client.getConsent(TENANT_US);
  const sent = calls.map((c) => c.sentAt);
  assert.deepEqual(
    sent.map((s) => s - (sent[0] ?? 0)),
    [0, 1000, 2000],
  );
});
