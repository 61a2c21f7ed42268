import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackendPermanentError, BackendTransientError } from '../../../src/operator-connect/index.js';
import { ocNumber, startSimulator, TENANT_US, testClient } from '../../support/operator-connect.js';

test('a 429 storm: every retry goes out no earlier than the Retry-After before it allowed', async (t) => {
  const setup = await startSimulator(t, {
    faults: {
      script: [
        { kind: 'throttle', retryAfterSeconds: 2, operations: ['createUploadOrder'] },
        { kind: 'throttle', retryAfterSeconds: 5, operations: ['createUploadOrder'] },
        { kind: 'serviceUnavailable', retryAfterSeconds: 3, operations: ['createUploadOrder'] },
        { kind: 'throttle', retryAfterSeconds: 1, operations: ['createUploadOrder'] },
      ],
    },
  });
  // The client's own pacing is on, as in production; its 100 ms spacing is below every Retry-After.
  const { client, calls, retries } = testClient(setup, { OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: '10' });
  const submitted = await client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550700')] }, 'storm-1');
  assert.equal(submitted.status, 'pending');

  const sent = calls.map((c) => c.sentAt);
  assert.deepEqual(
    calls.map((c) => [c.status, c.outcome, c.attempt]),
    [
      [429, 'retry', 1],
      [429, 'retry', 2],
      [503, 'retry', 3],
      [429, 'retry', 4],
      [202, 'ok', 5],
    ],
  );
  const asked = [2000, 5000, 3000, 1000];
  for (let i = 0; i < asked.length; i++) {
    const gap = (sent[i + 1] ?? 0) - (sent[i] ?? 0);
    assert.ok(
      gap >= (asked[i] ?? 0),
      `attempt ${i + 2} came ${gap} ms after attempt ${i + 1}; Retry-After allowed no earlier than ${asked[i]} ms`,
    );
  }
  assert.deepEqual(
    retries.map((r) => [r.delayMs, r.retryAfterMs, r.code]),
    [
      [2000, 2000, 'TooManyRequests'],
      [5000, 5000, 'TooManyRequests'],
      [3000, 3000, 'ServiceUnavailable'],
      [1000, 1000, 'TooManyRequests'],
    ],
  );
  const counters = setup.simulator.counters.snapshot();
  assert.deepEqual(counters.calls.createUploadOrder, { '429': 3, '503': 1, '202': 1 });
  await setup.simulator.admin.whenOrderSettled(submitted.orderId);
  assert.equal(setup.simulator.ledger.entries({ requestId: 'storm-1' }).length, 1, 'applied once');
});

test("the simulator's own rate limit: retrying exactly when retry-after-ms allows draws no second 429", async (t) => {
  // The simulator's bucket runs on the shared clock and answers with an exact retry-after-ms:
  // a retry even 1 ms early would be throttled again and show up in the counters.
  const setup = await startSimulator(t, { rateLimitPerSecond: 2, rateLimitBurst: 1 });
  const { client, retries } = testClient(setup, { OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: '0' });
  for (let i = 0; i < 6; i++) await client.getConsent(TENANT_US);
  const counters = setup.simulator.counters.snapshot();
  assert.deepEqual(counters.calls.getConsent, { '200': 6, '429': 5 });
  assert.equal(counters.throttledByRateLimit, 5, 'exactly one 429 per call that found the bucket empty');
  assert.deepEqual(
    retries.map((r) => r.delayMs),
    [500, 500, 500, 500, 500],
    'retry-after-ms (500) is followed rather than the rounded-up Retry-After (1 s)',
  );
});

test('a Retry-After longer than the retry cap ends the call at once as transient, carrying the hint', async (t) => {
  const setup = await startSimulator(t, { faults: { script: [{ kind: 'throttle', retryAfterSeconds: 120 }] } });
  const { client, calls, sleeps } = testClient(setup, { OPERATOR_CONNECT_RETRY_CAP_MS: '30000' });
  await assert.rejects(client.listConsents(), (e: unknown) => {
    assert.ok(e instanceof BackendTransientError);
    assert.equal(e.retryable, true);
    assert.equal(e.code, 'TooManyRequests');
    assert.equal(e.status, 429);
    assert.equal(e.retryAfterMs, 120_000);
    return true;
  });
  assert.deepEqual(
    calls.map((c) => c.outcome),
    ['transient_exhausted'],
  );
  assert.deepEqual(sleeps, []);
});

test('every retry reuses the first Repeatability-First-Sent: once older than the window, the service refuses with 412', async (t) => {
  // Throttled calls are not remembered, so each retry reaches the window check with the time it carries.
  // Had the client stamped each attempt afresh, the third attempt would have been accepted.
  const setup = await startSimulator(t, {
    repeatabilityWindowSeconds: 10,
    faults: {
      script: [
        { kind: 'throttle', retryAfterSeconds: 6, operations: ['createUploadOrder'] },
        { kind: 'throttle', retryAfterSeconds: 6, operations: ['createUploadOrder'] },
      ],
    },
  });
  const { client, calls } = testClient(setup);
  await assert.rejects(client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550800')] }, 'first-sent-1'), (e: unknown) => {
    assert.ok(e instanceof BackendPermanentError);
    assert.equal(e.code, 'RepeatabilityWindowExceeded');
    assert.equal(e.status, 412);
    return true;
  });
  assert.deepEqual(
    calls.map((c) => c.status),
    [429, 429, 412],
  );
  assert.equal(setup.simulator.ledger.size, 0);
});

test('a caller-supplied firstSentAt (the operation’s first send before a crash) is what the service sees', async (t) => {
  const setup = await startSimulator(t, { repeatabilityWindowSeconds: 60 });
  const { client } = testClient(setup);
  const longAgo = setup.clock.now() - 61_000;
  await assert.rejects(client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550801')] }, 'after-crash', { firstSentAt: longAgo }), {
    code: 'RepeatabilityWindowExceeded',
  });
  const recent = await client.uploadNumbers(TENANT_US, { numbers: [ocNumber('+14255550801')] }, 'after-crash-2', {
    firstSentAt: setup.clock.now() - 59_000,
  });
  assert.equal(recent.status, 'pending');
});
