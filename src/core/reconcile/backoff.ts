/** Retry and poll schedules of backend operations, as data and pure functions. */

export interface RetrySchedule {
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * Delay before the next attempt after `attempt` failed attempts (1-based):
 * full jitter over a capped exponential ceiling, never below a Retry-After
 * the service gave.
 */
export function retryDelayMs(schedule: RetrySchedule, attempt: number, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(schedule.capMs, schedule.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * Delay before the next status read of a backend order after `polls` reads
 * found it unfinished: the first read comes after the expected processing
 * time (set at submission); later ones back off from half of it, doubling, capped.
 */
export function pollDelayMs(expectedProcessingMs: number, polls: number, capMs: number): number {
  const base = Math.max(50, Math.round(expectedProcessingMs / 2));
  return Math.min(capMs, base * 2 ** Math.max(0, polls - 1));
}
