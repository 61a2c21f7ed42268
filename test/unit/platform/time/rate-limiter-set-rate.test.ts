import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, type Sleep } from '../../../../src/platform/time/clock.js';
import { RateLimiter } from '../../../../src/platform/time/rate-limiter.js';

/** Most grants in any window [t, t + 1000) over the given times. */
function maxPerSecond(times: readonly number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

describe('rate limiter: setRate (a fleet share changing)', () => {
  it('a lower rate spaces the next grant 1/new rate after the last one, without a burst', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 10, clock, sleep: clock.sleep });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await limiter.acquire());
    assert.deepEqual(times, [0, 100, 200, 300, 400]);
    limiter.setRate(2);
    assert.equal(limiter.rate, 2);
    for (let i = 0; i < 4; i++) times.push(await limiter.acquire());
    assert.deepEqual(times.slice(5), [900, 1400, 1900, 2400]);
  });

  it('a higher rate brings the next grant closer, never nearer than 1/new rate, and credits no tokens', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 1, clock, sleep: clock.sleep });
    const times = [await limiter.acquire(), await limiter.acquire()];
    assert.deepEqual(times, [0, 1000]);
    limiter.setRate(4);
    for (let i = 0; i < 8; i++) times.push(await limiter.acquire());
    assert.deepEqual(times.slice(2), [1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000]);
    assert.ok(maxPerSecond(times) <= 4);
  });

  it('after a quiet spell the bucket is full as before: one grant at once, then the new spacing', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 5, clock, sleep: clock.sleep });
    await limiter.acquire();
    clock.advance(10_000);
    limiter.setRate(2);
    const times = [await limiter.acquire(), await limiter.acquire(), await limiter.acquire()];
    assert.deepEqual(times, [10_000, 10_500, 11_000]);
  });

  it('changing the rate back and forth under load never exceeds the higher rate in any second', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 6, clock, sleep: clock.sleep });
    const times: number[] = [];
    const rates = [6, 3, 6, 2, 6, 6, 1, 6];
    for (const rate of rates) {
      limiter.setRate(rate);
      for (let i = 0; i < 5; i++) times.push(await limiter.acquire());
    }
    assert.ok(maxPerSecond(times) <= 6, `max ${maxPerSecond(times)}`);
    for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0) - (times[i - 1] ?? 0) >= Math.floor(1000 / 6)); // grant times are whole ms
  });

  it('callers waiting in acquire book again on the new grid, in their order', async () => {
    const clock = new ManualClock(0);
    const pending: Array<{ ms: number; resolve: () => void }> = [];
    const sleep: Sleep = (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        signal?.throwIfAborted();
        const entry = { ms, resolve };
        pending.push(entry);
        signal?.addEventListener('abort', () => {
          pending.splice(pending.indexOf(entry), 1);
          reject(signal.reason);
        });
      });
    const limiter = new RateLimiter({ ratePerSecond: 10, clock, sleep });
    const order: number[] = [];
    const grants = [0, 1, 2, 3].map((i) => limiter.acquire().then((t) => (order.push(i), t)));
    await grants[0];
    assert.deepEqual(
      pending.map((p) => p.ms),
      [100, 200, 300],
    );
    limiter.setRate(2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      pending.map((p) => p.ms),
      [500, 1000, 1500],
    );
    for (const at of [500, 1000, 1500]) {
      clock.advance(at - clock.now());
      pending.shift()?.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(await Promise.all(grants), [0, 500, 1000, 1500]);
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it('an aborted waiter still rejects (does not book again) after a rate change', async () => {
    const limiter = new RateLimiter({ ratePerSecond: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    limiter.setRate(0.5);
    controller.abort(new Error('mine'));
    await assert.rejects(waiting, { name: 'AbortError' });
  });

  it('slots handed out by reserve stand; the ones after them follow the new spacing', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 10, clock, sleep: clock.sleep });
    assert.deepEqual([limiter.reserve(), limiter.reserve(), limiter.reserve()], [0, 100, 200]);
    limiter.setRate(1);
    assert.equal(limiter.reserve(), 1200);
  });

  it('leaves a limiter that is off alone and refuses a rate that is not > 0', () => {
    const off = new RateLimiter({ ratePerSecond: 0 });
    off.setRate(5);
    assert.equal(off.enabled, false);
    assert.equal(off.rate, 0);
    const on = new RateLimiter({ ratePerSecond: 5 });
    assert.throws(() => on.setRate(0), RangeError);
    assert.throws(() => on.setRate(Number.NaN), RangeError);
    assert.throws(() => on.setRate(Number.POSITIVE_INFINITY), RangeError);
  });

  it('tryAcquire (policing) follows the new rate too', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 10, clock });
    assert.deepEqual(limiter.tryAcquire(), { allowed: true });
    limiter.setRate(2);
    assert.deepEqual(limiter.tryAcquire(), { allowed: false, retryAfterMs: 500 });
    clock.advance(500);
    assert.deepEqual(limiter.tryAcquire(), { allowed: true });
  });
});
