import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRequestedAt } from '../../../../src/core/order/requested-at.js';

const now = Date.parse('2026-12-01T00:00:00.000Z');
const limits = { now, maxFutureSkewMs: 300_000 };
const codes = (requestedAt: unknown) => checkRequestedAt({ requestedAt }, limits).map((v) => `${v.code} ${v.path}`);

describe('checkRequestedAt', () => {
  it('accepts instants of years 0001–9999 up to now + the skew, in any offset', () => {
    for (const value of [
      '2026-11-29T09:00:00Z',
      '2026-11-29T09:00:00.123456+05:30',
      '0001-01-01T00:00:00Z',
      '2026-12-01T00:05:00Z',
      '2026-12-01T01:04:59+01:00',
    ]) {
      assert.deepEqual(codes(value), [], value);
    }
  });

  it('refuses what no reader can turn into the same instant', () => {
    for (const [value, reason] of [
      ['2026-06-30T23:59:60Z', /leap second/],
      ['0000-01-01T00:00:00Z', /year 0000/],
      ['0001-01-01T00:00:00+00:01', /year 0 UTC/],
      ['2026-11-29T09:00:00+01', /representable instant/],
      ['not a date', /representable instant/],
    ] as const) {
      const found = checkRequestedAt({ requestedAt: value }, limits);
      assert.deepEqual(
        found.map((v) => v.code),
        ['invalid_requested_at'],
        value,
      );
      assert.match(found[0]?.message ?? '', reason, value);
    }
  });

  it('refuses a requestedAt past now + maxFutureSkewMs, naming the limit and its variable', () => {
    assert.deepEqual(codes('2026-12-01T00:05:00.001Z'), ['requested_at_in_future /requestedAt']);
    const [found] = checkRequestedAt({ requestedAt: '9999-12-31T23:59:59Z' }, limits);
    assert.match(found?.message ?? '', /at most 300000 ms .*\(INTAKE_MAX_FUTURE_SKEW_MS\)/);
    assert.deepEqual(checkRequestedAt({ requestedAt: '2026-12-01T00:05:00.001Z' }, { now, maxFutureSkewMs: 1000 }).length, 1);
    assert.deepEqual(checkRequestedAt({ requestedAt: '2026-12-01T00:05:00.001Z' }, { now, maxFutureSkewMs: 3_600_000 }).length, 0);
  });

  it('leaves absent and non-string values to the schema', () => {
    for (const data of [null, 42, [], {}, { requestedAt: 20261129 }, Object.create({ requestedAt: '0000-01-01T00:00:00Z' })]) {
      assert.deepEqual(checkRequestedAt(data, limits), []);
    }
  });
});
