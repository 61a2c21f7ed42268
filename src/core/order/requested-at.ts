import type { Violation } from './order.js';
import type { ParseLimits } from './parse-limits.js';

/**
 * requestedAt orders an account's changes (an older order cannot overwrite
 * newer state), so it must be an instant every later reader agrees on:
 * Date.parse here and in the intake, timestamptz in PostgreSQL. The schema's
 * date-time format lets through values none of them can use (a leap second,
 * year 0000, an offset without minutes), and an instant far in the future
 * would make the account refuse every later order as stale.
 */

/** The instants of years 0001–9999 UTC: what PostgreSQL and Date agree on and RFC 3339 can spell (year 0000 would be 1 BC to PostgreSQL). */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const END_INSTANT = Date.parse('+010000-01-01T00:00:00.000Z');

function why(value: string, instant: number): string {
  if (/:60(\.\d+)?([Zz]|[+-]\d|$)/.test(value)) return 'a leap second (second 60) is not a representable instant';
  if (value.startsWith('0000')) return 'year 0000 does not exist in the calendar PostgreSQL uses';
  if (!Number.isFinite(instant)) return 'it does not name a representable instant';
  return `it falls in year ${new Date(instant).getUTCFullYear()} UTC, outside 0001–9999`;
}

function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** invalid_requested_at or requested_at_in_future for the order's requestedAt, when it is a string. */
export function checkRequestedAt(data: unknown, limits: Pick<ParseLimits, 'now' | 'maxFutureSkewMs'>): Violation[] {
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, 'requestedAt')) return [];
  const value = (data as { readonly requestedAt: unknown }).requestedAt;
  if (typeof value !== 'string') return [];
  const instant = Date.parse(value);
  // NaN fails both comparisons, so a leap second or anything unparseable lands here too.
  if (!(instant >= FIRST_INSTANT && instant < END_INSTANT)) {
    return [
      {
        code: 'invalid_requested_at',
        path: '/requestedAt',
        message: `requestedAt ${shown(value)} cannot be used: ${why(value, instant)}; send an RFC 3339 time such as "2026-11-29T09:00:00Z"`,
      },
    ];
  }
  if (instant > limits.now + limits.maxFutureSkewMs) {
    return [
      {
        code: 'requested_at_in_future',
        path: '/requestedAt',
        message: `requestedAt ${shown(value)} is ${Math.round((instant - limits.now) / 1000)} s ahead of the intake's clock (${new Date(limits.now).toISOString()}); at most ${limits.maxFutureSkewMs} ms of clock skew is tolerated (INTAKE_MAX_FUTURE_SKEW_MS)`,
      },
    ];
  }
  return [];
}
