import { setTimeout as delay } from 'node:timers/promises';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now(), sleep: (ms) => delay(ms) };

/**
 * A token bucket of capacity one refilled at `ratePerSecond`: grants are at
 * least 1/rate apart, so any one-second window holds at most `rate` of them
 * (no bursts, even after a pause). The clock is injected for tests.
 */
export class TokenBucket {
  private readonly intervalMs: number;
  private nextAt: number | null = null;

  constructor(
    ratePerSecond: number,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be > 0, not ${ratePerSecond}`);
    this.intervalMs = 1_000 / ratePerSecond;
  }

  /** Waits for a token; resolves with the grant time (ms since the epoch). */
  async take(): Promise<number> {
    let now = this.clock.now();
    if (this.nextAt !== null && now < this.nextAt) {
      await this.clock.sleep(this.nextAt - now);
      now = Math.max(this.clock.now(), this.nextAt);
    }
    // A full bucket holds one token: idle time does not build up a burst.
    this.nextAt = now + this.intervalMs;
    // Whole milliseconds (record timestamps), never earlier than the schedule.
    return Math.ceil(now);
  }
}
