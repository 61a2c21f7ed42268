import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { retryCeilingMs, retryDelayMs } from '../../../src/core/backoff.js';

describe('backoff (equal jitter)', () => {
  const schedule = { baseMs: 100, capMs: 1000 };

  it('doubles the ceiling per failed attempt up to the cap; a count below 1 reads as the first', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 100].map((n) => retryCeilingMs(schedule, n)),
      [100, 100, 200, 400, 800, 1000, 1000],
    );
  });

  it('waits between half the ceiling and the ceiling', () => {
    assert.equal(
      retryDelayMs(schedule, 3, () => 0),
      200,
    );
    assert.equal(
      retryDelayMs(schedule, 3, () => 0.5),
      300,
    );
    assert.equal(
      retryDelayMs(schedule, 3, () => 1),
      400,
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const ceiling = retryCeilingMs(schedule, attempt);
        const wait = retryDelayMs(schedule, attempt, () => r);
        assert.ok(wait >= ceiling / 2 && wait <= ceiling, `${wait} in [${ceiling / 2}, ${ceiling}]`);
      }),
    );
  });

  it('clamps a draw outside [0, 1] and never waits less than a Retry-After', () => {
    assert.equal(
      retryDelayMs(schedule, 1, () => -3),
      50,
    );
    assert.equal(
      retryDelayMs(schedule, 1, () => 7),
      100,
    );
    assert.equal(
      retryDelayMs(schedule, 1, () => 0, 2000),
      2000,
    );
    assert.equal(
      retryDelayMs(schedule, 4, () => 1, 10),
      800,
    );
  });
});
