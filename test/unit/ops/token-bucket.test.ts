import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket, type Clock } from '../../../src/ops/dlq/token-bucket.js';
import { parseDuration, parseTimeArgument } from '../../../src/ops/duration.js';

/** A clock that only moves when someone sleeps (or the test advances it). */
function fakeClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, sleep: async (ms) => void (now += ms), advance: (ms) => void (now += ms) };
}

function perWindow(times: readonly number[], start: number): number[] {
  const windows: number[] = [];
  for (const t of times) {
    const w = Math.floor((t - start) / 1_000);
    windows[w] = (windows[w] ?? 0) + 1;
  }
  return windows;
}

describe('TokenBucket', () => {
  it('grants exactly `rate` per one-second window when asked continuously', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(7, clock);
    const times: number[] = [];
    for (let i = 0; i < 35; i++) times.push(await bucket.take());
    assert.deepEqual(perWindow(times, 1_000_000), [7, 7, 7, 7, 7]);
    for (const start of times) assert.ok(times.filter((t) => t >= start && t < start + 1_000).length <= 7);
  });

  it('does not save up a burst while idle', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(4, clock);
    await bucket.take();
    clock.advance(10_000);
    const times: number[] = [];
    for (let i = 0; i < 8; i++) times.push(await bucket.take());
    assert.deepEqual(perWindow(times, times[0] ?? 0), [4, 4]);
  });

  it('handles fractional rates', async () => {
    const clock = fakeClock(0);
    const bucket = new TokenBucket(0.5, clock);
    const times = [await bucket.take(), await bucket.take(), await bucket.take()];
    assert.deepEqual(times, [0, 2_000, 4_000]);
  });
});

describe('durations', () => {
  it('reads 90s, 15m, 12h, 30d, 2w and combinations', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1d12h'), 36 * 3_600_000);
    assert.equal(parseDuration('2w'), 14 * 86_400_000);
    assert.equal(parseDuration('soon'), null);
    const now = new Date('2026-11-29T12:00:00Z');
    assert.equal(parseTimeArgument('2h', now)?.toISOString(), '2026-11-29T10:00:00.000Z');
    assert.equal(parseTimeArgument('2026-11-01T00:00:00Z', now)?.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(parseTimeArgument('yesterday', now), null);
  });
});
