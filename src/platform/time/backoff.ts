/** The one backoff policy (pure, so it lives in src/core) for platform code and components. */
export { retryCeilingMs, retryDelayMs, type RetrySchedule } from '../../core/backoff.js';
