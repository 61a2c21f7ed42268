import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backoffDelayMs,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  isTransientStatus,
  retryAfterMs,
  type RetryPolicy,
} from '../../../src/operator-connect/retry-policy.js';

const policy: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, jitter: 'equal' };
const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);

describe('retry policy', () => {
  it('classifies statuses as the contract does: 408, 429 and 5xx (not 501) retry; other 4xx do not', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(isTransientStatus(s), true, String(s));
    for (const s of [400, 401, 403, 404, 405, 409, 412, 413, 415, 501]) assert.equal(isTransientStatus(s), false, String(s));
  });

  it('backs off exponentially up to the cap, with no jitter', () => {
    const none = { ...policy, jitter: 'none' } as const;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(none, n)),
      [100, 200, 400, 800, 1000, 1000],
    );
  });

  it('draws equal jitter uniformly between half the ceiling and the ceiling', () => {
    assert.equal(
      backoffDelayMs(policy, 3, () => 0),
      200,
    );
    assert.equal(
      backoffDelayMs(policy, 3, () => 0.5),
      300,
    );
    assert.equal(
      backoffDelayMs(policy, 3, () => 0.999999),
      400,
    );
    assert.equal(
      backoffDelayMs(policy, 10, () => 0.999999),
      1000,
      'never above the cap',
    );
  });

  it('reads Retry-After as seconds or as an HTTP date against the given time', () => {
    assert.equal(retryAfterMs({ 'retry-after': '7' }, NOW), 7000);
    assert.equal(retryAfterMs({ 'retry-after': new Date(NOW + 12_000).toUTCString() }, NOW), 12_000);
    assert.equal(retryAfterMs({ 'retry-after': new Date(NOW - 5_000).toUTCString() }, NOW), 0, 'a date in the past means now');
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }, NOW), undefined);
    assert.equal(retryAfterMs({}, NOW), undefined);
  });

  it("prefers Azure's finer retry-after-ms (and x-ms-retry-after-ms) to Retry-After", () => {
    assert.equal(retryAfterMs({ 'retry-after': '1', 'retry-after-ms': '250' }, NOW), 250);
    assert.equal(retryAfterMs({ 'retry-after': '1', 'x-ms-retry-after-ms': '1500' }, NOW), 1500);
    assert.equal(retryAfterMs({ 'retry-after': '2', 'retry-after-ms': 'junk' }, NOW), 2000, 'a malformed ms header falls back');
  });

  it('decides: permanent failures stop at once, transient ones retry until the attempts are spent', () => {
    assert.deepEqual(decideRetry(policy, { retryable: false, attempt: 1 }), { retry: false, reason: 'permanent' });
    assert.deepEqual(
      decideRetry(policy, { retryable: true, attempt: 1 }, () => 0.5),
      { retry: true, delayMs: 75 },
    );
    assert.deepEqual(
      decideRetry(policy, { retryable: true, attempt: 4 }, () => 0.5),
      { retry: true, delayMs: 600 },
    );
    assert.deepEqual(decideRetry(policy, { retryable: true, attempt: 5 }), { retry: false, reason: 'attempts_exhausted' });
  });

  it('waits exactly what Retry-After asks, never less, even when backoff would be shorter', () => {
    assert.deepEqual(
      decideRetry(policy, { retryable: true, attempt: 1, retryAfterMs: 900 }, () => 0),
      { retry: true, delayMs: 900 },
    );
    assert.deepEqual(
      decideRetry(policy, { retryable: true, attempt: 1, retryAfterMs: 0 }, () => 1),
      { retry: true, delayMs: 0 },
    );
  });

  it('does not park a call for a Retry-After beyond the cap: it ends as transient for a later try', () => {
    assert.deepEqual(decideRetry(policy, { retryable: true, attempt: 1, retryAfterMs: 1001 }), {
      retry: false,
      reason: 'retry_after_too_long',
    });
  });

  it('has frozen defaults that match the documented settings', () => {
    assert.ok(Object.isFrozen(DEFAULT_RETRY_POLICY));
    assert.deepEqual(DEFAULT_RETRY_POLICY, { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, jitter: 'equal' });
  });
});
