import { retryCeilingMs, retryDelayMs } from '../platform/time/backoff.js';

/**
 * The relay's retry policy as data: how often a row the broker refuses is
 * tried, and how long the relay (a row, or a whole cycle when the broker is
 * unreachable) waits between tries.
 */
export interface OutboxRetryPolicy {
  /** Refused attempts after which a row is parked (OUTBOX_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** Ceiling of the first wait; doubles per failure (OUTBOX_RETRY_BASE_MS). */
  readonly baseMs: number;
  /** Largest wait (OUTBOX_RETRY_CAP_MS). */
  readonly capMs: number;
}

export const DEFAULT_OUTBOX_RETRY: OutboxRetryPolicy = { maxAttempts: 5, baseMs: 1_000, capMs: 30_000 };

/** The ceiling of the wait after the `failures`-th consecutive failure (1-based): base·2^(failures−1), at most cap. */
export function backoffCeiling(policy: Pick<OutboxRetryPolicy, 'baseMs' | 'capMs'>, failures: number): number {
  return retryCeilingMs(policy, failures);
}

/**
 * The wait after the `failures`-th consecutive failure: the project's one
 * backoff (equal jitter, src/core/backoff.ts), a random point in
 * [ceiling/2, ceiling], so waits grow with every failure and relays that
 * failed together do not retry together.
 */
export function backoffDelay(
  policy: Pick<OutboxRetryPolicy, 'baseMs' | 'capMs'>,
  failures: number,
  random: () => number = Math.random,
): number {
  return retryDelayMs(policy, failures, random);
}

/** Whether the row that has just failed its `attempts`-th attempt is parked. */
export function parksAfter(policy: Pick<OutboxRetryPolicy, 'maxAttempts'>, attempts: number): boolean {
  return attempts >= policy.maxAttempts;
}
