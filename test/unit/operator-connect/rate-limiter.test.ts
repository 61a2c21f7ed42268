import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../../src/operator-connect/rate-limiter.js';
import { ManualClock } from '../../../src/simulator/index.js';
import { virtualSleep } from '../../support/operator-connect.js';

/** Most calls in any window [t, t + 1000) over the given send times. */
function maxPerSecond(times: readonly number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

describe('rate limiter', () => {
  it('spaces calls 1/rate apart, so no second ever holds more than the rate', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 4, clock, sleep: virtualSleep(clock) });
    const sent: number[] = [];
    for (let i = 0; i < 20; i++) {
      await limiter.acquire();
      sent.push(clock.now());
    }
    assert.deepEqual(sent.slice(0, 5), [0, 250, 500, 750, 1000]);
    assert.equal(maxPerSecond(sent), 4);
  });

  it('books slots in arrival order for concurrent callers', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 10, clock, sleep: virtualSleep(clock) });
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.reserve()), [0, 100, 200, 300]);
    clock.advance(150);
    assert.equal(limiter.reserve(), 250, 'the queue ahead is still honoured');
  });

  it('does not bank unused time beyond the burst after a quiet spell', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 3, clock, sleep: virtualSleep(clock) });
    clock.advance(60_000);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => limiter.reserve()), [0, 0, 0, 100, 200]);
  });

  it('rounds fractional intervals up, never early', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 3, clock, sleep: virtualSleep(clock) });
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.reserve()), [0, 334, 667, 1000]);
  });

  it('lets everything through at rate 0', async () => {
    const clock = new ManualClock(0);
    const sleeps: number[] = [];
    const limiter = new RateLimiter({ ratePerSecond: 0, clock, sleep: virtualSleep(clock, sleeps) });
    for (let i = 0; i < 100; i++) await limiter.acquire();
    assert.deepEqual(sleeps, []);
  });

  it('gives up a wait when its signal is aborted', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 1, clock, sleep: virtualSleep(clock) });
    await limiter.acquire();
    await assert.rejects(limiter.acquire(AbortSignal.abort(new Error('shutting down'))), /shutting down/);
  });
});
