/**
 * The project's one backoff policy, as data and pure functions: the API
 * client's retries, the reconciler's, the outbox relay's, the consumer's
 * restarts and the LISTEN reconnects all wait what `retryDelayMs` says.
 *
 * Jitter: "equal jitter" (AWS, "Exponential Backoff And Jitter"), a uniform
 * draw in [ceiling/2, ceiling]. Full jitter ([0, ceiling]) spreads retries a
 * little better, but every caller here spends a bounded budget of attempts
 * (API attempts, reconciler and outbox max attempts) or reconnects in a loop:
 * a draw near 0 would burn an attempt at once or spin against a dependency
 * that is down. Half the ceiling guaranteed keeps the budget spanning a real
 * outage; the other half still de-synchronises workers that failed together.
 */

export interface RetrySchedule {
  /** Ceiling of the first wait; doubles per failed attempt. */
  readonly baseMs: number;
  /** Largest ceiling. */
  readonly capMs: number;
}

/** The ceiling after `attempt` failed attempts (1-based; below 1 reads as 1): base·2^(attempt−1), at most cap. */
export function retryCeilingMs(schedule: RetrySchedule, attempt: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  return Math.min(schedule.capMs, schedule.baseMs * 2 ** exponent);
}

/**
 * Delay before the next attempt after `attempt` failed attempts (1-based):
 * equal jitter over the capped exponential ceiling, never below a Retry-After
 * the service gave. `random` draws in [0, 1]; values outside are clamped.
 */
export function retryDelayMs(schedule: RetrySchedule, attempt: number, random: () => number, retryAfterMs?: number): number {
  const ceiling = retryCeilingMs(schedule, attempt);
  const draw = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.round(ceiling / 2 + (draw * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
