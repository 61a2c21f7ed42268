import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay, DEFAULT_OUTBOX_RETRY, parksAfter } from '../../../src/outbox/outbox-backoff.js';

describe('outbox backoff', () => {
  it('waits between half and all of base·2^(n−1), never more than the cap, and never less than the previous ceiling allows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (baseMs, capMs, failures, r) => {
          const policy = { baseMs, capMs };
          const ceiling = backoffCeiling(policy, failures);
          assert.ok(ceiling <= capMs, 'capped');
          assert.equal(ceiling, Math.min(capMs, baseMs * 2 ** Math.min(failures - 1, 52)));
          assert.ok(ceiling >= backoffCeiling(policy, Math.max(1, failures - 1)), 'non-decreasing');
          const wait = backoffDelay(policy, failures, () => r);
          assert.ok(Number.isFinite(wait));
          assert.ok(wait >= Math.floor(ceiling / 2) && wait <= Math.ceil(ceiling), `${wait} in [${ceiling / 2}, ${ceiling}]`);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('with the defaults: 0.5–1 s, then 1–2 s, … up to 15–30 s', () => {
    assert.equal(
      backoffDelay(DEFAULT_OUTBOX_RETRY, 1, () => 0),
      500,
    );
    assert.equal(
      backoffDelay(DEFAULT_OUTBOX_RETRY, 1, () => 1),
      1_000,
    );
    assert.equal(
      backoffDelay(DEFAULT_OUTBOX_RETRY, 2, () => 1),
      2_000,
    );
    assert.equal(
      backoffDelay(DEFAULT_OUTBOX_RETRY, 100, () => 0),
      15_000,
    );
    assert.equal(
      backoffDelay(DEFAULT_OUTBOX_RETRY, 100, () => 1),
      30_000,
    );
    assert.equal(backoffCeiling(DEFAULT_OUTBOX_RETRY, 0), 1_000, 'a count below 1 reads as the first failure');
  });

  it('parks a row on its OUTBOX_MAX_ATTEMPTS-th refused attempt, not before', () => {
    assert.equal(DEFAULT_OUTBOX_RETRY.maxAttempts, 5);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => parksAfter(DEFAULT_OUTBOX_RETRY, n)),
      [false, false, false, false, true, true],
    );
    assert.equal(parksAfter({ maxAttempts: 1 }, 1), true);
  });
});
