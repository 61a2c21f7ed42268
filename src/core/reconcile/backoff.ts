/** Retry and poll schedules of backend operations, as data and pure functions. */

// Retries back off with the project's one policy (src/core/backoff.ts).
import { retryCeilingMs } from '../backoff.js';

export { retryDelayMs, type RetrySchedule } from '../backoff.js';

/**
 * Delay before the next status read of a backend order after `polls` reads
 * found it unfinished: the first read comes after the expected processing
 * time (set at submission); later ones back off from half of it, doubling, capped.
 */
export function pollDelayMs(expectedProcessingMs: number, polls: number, capMs: number): number {
  const base = Math.max(50, Math.round(expectedProcessingMs / 2));
  return retryCeilingMs({ baseMs: base, capMs }, polls);
}
