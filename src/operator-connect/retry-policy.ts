/**
 * When and how long to wait before trying an API call again, as data and
 * pure functions. The executor feeds these to p-retry; nothing here waits.
 * The backoff is the project's one policy (equal jitter, src/core/backoff.ts);
 * a Retry-After from the service overrides it.
 */
import { retryCeilingMs, retryDelayMs, type RetrySchedule } from '../platform/time/backoff.js';

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  readonly attempts: number;
  /** Ceiling of the first backoff; it doubles per retry up to maxDelayMs. */
  readonly baseDelayMs: number;
  /** Largest backoff, and the longest Retry-After waited in-call. */
  readonly maxDelayMs: number;
  /** equal: a uniform draw in [ceiling/2, ceiling] (AWS "equal jitter"), so many workers do not retry in step; none: the ceiling. */
  readonly jitter: 'equal' | 'none';
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, jitter: 'equal' });

/** Statuses a retry can help: a timeout, throttling, a failing or overloaded service (contract §4.2). */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export const isTransientStatus = (status: number): boolean => TRANSIENT_STATUSES.has(status);

/** Backoff before retry number `retry` (1 for the first retry), by the project's one formula. */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const schedule: RetrySchedule = { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs };
  return policy.jitter === 'none' ? retryCeilingMs(schedule, retry) : retryDelayMs(schedule, retry, random);
}

/**
 * The wait a throttled or unavailable service asks for, in ms, or undefined.
 * Azure's `retry-after-ms` / `x-ms-retry-after-ms` come first: they are the
 * finer form of the same hint (contract §4.6), as Azure's own SDK reads them.
 * `Retry-After` is delta-seconds or an HTTP date, measured against `nowMs`.
 */
export function retryAfterMs(headers: Readonly<Record<string, string | undefined>>, nowMs: number): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const text = headers[name]?.trim();
    if (text && /^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  }
  const text = headers['retry-after']?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export interface FailedAttempt {
  readonly retryable: boolean;
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  readonly retryAfterMs?: number | undefined;
}

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: 'permanent' | 'attempts_exhausted' | 'retry_after_too_long' };

/**
 * Whether to try again and after how long. A Retry-After is a floor: the next
 * attempt never comes earlier. One longer than maxDelayMs ends the call as
 * transient instead, so a worker is not parked for minutes; the error keeps
 * the hint for whoever schedules the next try.
 */
export function decideRetry(policy: RetryPolicy, failure: FailedAttempt, random: () => number = Math.random): RetryDecision {
  if (!failure.retryable) return { retry: false, reason: 'permanent' };
  if (failure.attempt >= policy.attempts) return { retry: false, reason: 'attempts_exhausted' };
  if (failure.retryAfterMs !== undefined) {
    if (failure.retryAfterMs > policy.maxDelayMs) return { retry: false, reason: 'retry_after_too_long' };
    return { retry: true, delayMs: failure.retryAfterMs };
  }
  return { retry: true, delayMs: backoffDelayMs(policy, failure.attempt, random) };
}
