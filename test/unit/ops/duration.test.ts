import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, parseTimeArgument } from '../../../src/ops/duration.js';

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
