import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../../src/simulator/index.js';
import { account, numbersItem, ocNumber, operations, setUp, waitForOrderState } from '../../support/reconciler.js';

/**
 * The benchmark's shape, scaled down: T tenants, 10 orders of 50 numbers
 * each, the simulator at 50 ms latency, 200 ms processing and 20 requests/s,
 * the client paced at 20/s. The API-imposed minimum is
 * (mutating calls + one status read per backend order) ÷ rate + latency + processing.
 */
test('orders of many tenants flow through at close to the API-imposed minimum: one upload and one status read per tenant', async (t) => {
  const tenants = Array.from({ length: 10 }, (_, i) => `6666666${i}-6666-4666-8666-666666666666`);
  const rate = 20;
  const s = await setUp(t, {
    clock: systemClock,
    latencyMs: 50,
    processingDelayMs: 200,
    rateLimitPerSecond: rate,
    consents: tenants.map((tenantId) => ({ tenantId, consentedCountries: ['US'] })),
  });
  const orders: string[] = [];
  for (const [i, tenant] of tenants.entries()) {
    for (let k = 0; k < 10; k++) {
      const orderId = `eco-${i}-${k}`;
      orders.push(orderId);
      const items = [numbersItem(Array.from({ length: 50 }, (_, j) => ocNumber(`+1303${i}${k}${String(j).padStart(5, '0')}`)))];
      await s.submit({ orderId, account: `acct-${i}`, items: k === 0 ? [account(`acct-${i}`, tenant), ...items] : items });
    }
  }
  const { reconciler, calls } = s.reconciler(
    {
      RECONCILER_EXPECTED_PROCESSING_MS: '200',
      RECONCILER_LINGER_MS: '200',
      RECONCILER_MAX_LINGER_MS: '2000',
      RECONCILER_CONSENT_CACHE_MS: '60000',
    },
    {},
    { OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: String(rate) },
  );
  const started = Date.now();
  await reconciler.start();
  for (const orderId of orders)
    assert.equal(await waitForOrderState(s.pool, orderId, ['completed', 'partial', 'failed'], 25_000), 'completed');
  const elapsed = Date.now() - started;

  const counters = s.simulator.counters.snapshot();
  const first = Math.min(...calls.map((c) => c.sentAt)) - started;
  const last = Math.max(...calls.map((c) => c.sentAt + c.durationMs)) - started;
  t.diagnostic(
    `first API call at +${first} ms, last answer at +${Math.round(last)} ms: ${calls.map((c) => `${c.operation[0]}${c.sentAt - started}`).join(' ')}`,
  );
  const ops = await operations(s.pool);
  const minimumCalls = tenants.length * 2;
  const minimumMs = (minimumCalls / rate) * 1000 + 50 + 200;
  t.diagnostic(
    `${orders.length} orders × 50 numbers, ${tenants.length} tenants: ${elapsed} ms (API minimum ${minimumMs} ms, ratio ${(elapsed / minimumMs).toFixed(2)}); ` +
      `mutating ${counters.mutatingCalls}, status reads ${counters.orderReads}, consent calls ${counters.consentCalls}, 429s ${counters.throttled}, ` +
      `${((counters.mutatingCalls + counters.orderReads) / orders.length).toFixed(2)} backend calls per order`,
  );
  assert.equal(counters.mutatingCalls, tenants.length, 'one upload per tenant: 500 numbers fit one backend order');
  assert.equal(ops.length, tenants.length);
  assert.ok(counters.orderReads <= tenants.length * 1.1, `status reads ${counters.orderReads}: about one per backend order`);
  assert.ok(counters.consentCalls <= 2, `consents read as one list, not per tenant (${counters.consentCalls})`);
  assert.deepEqual(s.simulator.ledger.repeatedChanges(), []);
});
