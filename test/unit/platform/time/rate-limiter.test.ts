import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, type Sleep } from '../../../../src/platform/time/clock.js';
import { RateLimiter } from '../../../../src/platform/time/rate-limiter.js';

/** Virtual time that also records every wait. */
function recordingSleep(clock: ManualClock, sleeps: number[] = []): Sleep {
  return async (ms, signal) => {
    signal?.throwIfAborted();
    sleeps.push(ms);
    clock.advance(ms);
  };
}

/** Most grants in any window [t, t + 1000) over the given times. */
function maxPerSecond(times: readonly number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

/** Grants per consecutive one-second window from `start`. */
function perWindow(times: readonly number[], start: number): number[] {
  const windows: number[] = [];
  for (const t of times) {
    const w = Math.floor((t - start) / 1_000);
    windows[w] = (windows[w] ?? 0) + 1;
  }
  return windows;
}

describe('rate limiter: pacing (acquire / reserve)', () => {
  it('spaces calls 1/rate apart, so no second ever holds more than the rate', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 4, clock, sleep: recordingSleep(clock) });
    const sent: number[] = [];
    for (let i = 0; i < 20; i++) {
      await limiter.acquire();
      sent.push(clock.now());
    }
    assert.deepEqual(sent.slice(0, 5), [0, 250, 500, 750, 1000]);
    assert.equal(maxPerSecond(sent), 4);
  });

  it('grants exactly `rate` per one-second window when asked continuously, and resolves with the grant time', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ ratePerSecond: 7, clock, sleep: clock.sleep });
    const times: number[] = [];
    for (let i = 0; i < 35; i++) times.push(await limiter.acquire());
    assert.deepEqual(perWindow(times, 1_000_000), [7, 7, 7, 7, 7]);
    for (const start of times) assert.ok(times.filter((t) => t >= start && t < start + 1_000).length <= 7);
  });

  it('handles fractional rates', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 0.5, clock, sleep: clock.sleep });
    const times = [await limiter.acquire(), await limiter.acquire(), await limiter.acquire()];
    assert.deepEqual(times, [0, 2_000, 4_000]);
  });

  it('books slots in arrival order for concurrent callers', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 10, clock, sleep: recordingSleep(clock) });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.reserve()),
      [0, 100, 200, 300],
    );
    clock.advance(150);
    assert.equal(limiter.reserve(), 250, 'the queue ahead is still honoured');
  });

  it('does not save up a burst while idle (burst 1)', async () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter({ ratePerSecond: 4, clock, sleep: clock.sleep });
    await limiter.acquire();
    clock.advance(10_000);
    const times: number[] = [];
    for (let i = 0; i < 8; i++) times.push(await limiter.acquire());
    assert.deepEqual(perWindow(times, times[0] ?? 0), [4, 4]);
  });

  it('does not bank unused time beyond the burst after a quiet spell', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 3, clock, sleep: recordingSleep(clock) });
    clock.advance(60_000);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => limiter.reserve()),
      [0, 0, 0, 100, 200],
    );
  });

  it('rounds fractional intervals up, never early', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 3, clock, sleep: recordingSleep(clock) });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.reserve()),
      [0, 334, 667, 1000],
    );
  });

  it('never reports a grant before its slot, even when a timer fires early', async () => {
    const clock = new ManualClock(0);
    const early: Sleep = async (ms) => clock.advance(ms - 1);
    const limiter = new RateLimiter({ ratePerSecond: 2, clock, sleep: early });
    assert.deepEqual([await limiter.acquire(), await limiter.acquire(), await limiter.acquire()], [0, 500, 1000]);
  });

  it('a lone waiter woken late moves the schedule, so grants stay 1/rate apart as they happen', async () => {
    const clock = new ManualClock(0);
    const late: Sleep = async (ms) => clock.advance(ms + 15);
    const limiter = new RateLimiter({ ratePerSecond: 5, clock, sleep: late });
    assert.deepEqual([await limiter.acquire(), await limiter.acquire(), await limiter.acquire()], [0, 215, 430]);
  });

  it('a late waiter with callers booked behind it leaves their slots alone', async () => {
    const clock = new ManualClock(0);
    let wake: (() => void) | undefined;
    const sleep: Sleep = (ms) =>
      new Promise((resolve) => {
        wake = () => {
          clock.advance(ms + 30);
          resolve();
        };
      });
    const limiter = new RateLimiter({ ratePerSecond: 10, clock, sleep });
    assert.equal(await limiter.acquire(), 0);
    const second = limiter.acquire();
    assert.equal(limiter.reserve(), 200, 'booked behind the sleeper');
    wake?.();
    assert.equal(await second, 130);
    assert.equal(limiter.reserve(), 170, 'slot 300: the grid did not move under the booked caller');
  });

  it('lets everything through at rate 0', async () => {
    const clock = new ManualClock(0);
    const sleeps: number[] = [];
    const limiter = new RateLimiter({ ratePerSecond: 0, clock, sleep: recordingSleep(clock, sleeps) });
    for (let i = 0; i < 100; i++) await limiter.acquire();
    assert.deepEqual(sleeps, []);
    assert.equal(limiter.enabled, false);
  });

  it('gives up a wait when its signal is aborted', async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 1, clock, sleep: recordingSleep(clock) });
    await limiter.acquire();
    await assert.rejects(limiter.acquire(AbortSignal.abort(new Error('shutting down'))), /shutting down/);
  });

  it('refuses a negative rate and a burst below 1', () => {
    assert.throws(() => new RateLimiter({ ratePerSecond: -1 }), RangeError);
    assert.throws(() => new RateLimiter({ ratePerSecond: Number.NaN }), RangeError);
    assert.throws(() => new RateLimiter({ ratePerSecond: 1, burst: 0 }), RangeError);
  });
});

describe('rate limiter: policing (tryAcquire)', () => {
  it('starts full: `burst` calls at once, then a refusal with the exact wait; the bucket refills with time', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 2, clock });
    assert.deepEqual(limiter.tryAcquire(), { allowed: true });
    assert.deepEqual(limiter.tryAcquire(), { allowed: true });
    assert.deepEqual(limiter.tryAcquire(), { allowed: false, retryAfterMs: 500 });
    clock.advance(499);
    assert.deepEqual(limiter.tryAcquire(), { allowed: false, retryAfterMs: 1 }, 'not yet');
    clock.advance(1);
    assert.deepEqual(limiter.tryAcquire(), { allowed: true });
  });

  it('a refusal books nothing: retrying exactly when told is allowed', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 1, clock });
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(limiter.tryAcquire(), { allowed: true });
      const refused = limiter.tryAcquire();
      assert.deepEqual(refused, { allowed: false, retryAfterMs: 500 });
      clock.advance(refused.allowed ? 0 : refused.retryAfterMs);
    }
  });

  it('a slow rate asks for the whole interval, rounded up', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 0.25, burst: 1, clock });
    assert.deepEqual(limiter.tryAcquire(), { allowed: true });
    assert.deepEqual(limiter.tryAcquire(), { allowed: false, retryAfterMs: 4_000 });
    const third = new RateLimiter({ ratePerSecond: 3, clock });
    third.tryAcquire();
    assert.deepEqual(third.tryAcquire(), { allowed: false, retryAfterMs: 334 });
  });

  it('refills at most to the burst after a quiet spell', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 3, clock });
    for (let i = 0; i < 3; i++) limiter.tryAcquire();
    clock.advance(60_000);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.tryAcquire().allowed),
      [true, true, true, false],
    );
  });

  it('lets everything through at rate 0', () => {
    const limiter = new RateLimiter({ ratePerSecond: 0, burst: 1, clock: new ManualClock(0) });
    for (let i = 0; i < 100; i++) assert.deepEqual(limiter.tryAcquire(), { allowed: true });
  });

  it('reset fills the bucket again', () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2, clock });
    limiter.tryAcquire();
    limiter.tryAcquire();
    assert.equal(limiter.tryAcquire().allowed, false);
    limiter.reset();
    assert.deepEqual([limiter.tryAcquire().allowed, limiter.tryAcquire().allowed, limiter.tryAcquire().allowed], [true, true, false]);
  });
});

describe('ManualClock', () => {
  it('moves only when advanced or slept on, and its sleep honours an aborted signal', async () => {
    const clock = new ManualClock(100);
    assert.equal(clock.now(), 100);
    clock.advance(50);
    await clock.sleep(25);
    assert.equal(clock.now(), 175);
    await assert.rejects(clock.sleep(10, AbortSignal.abort(new Error('stop'))), /stop/);
    assert.equal(clock.now(), 175);
    assert.equal(new ManualClock().now(), Date.UTC(2026, 0, 1));
  });
});
