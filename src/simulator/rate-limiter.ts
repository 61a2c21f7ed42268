import type { Clock } from './clock.js';

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * A token bucket on the simulator's clock: `burst` calls at once, refilled at
 * `perSecond`. A rate of 0 lets everything through.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.refilledAt = clock.now();
  }

  take(): TakeResult {
    if (this.perSecond <= 0) return { allowed: true };
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) };
  }

  reset(): void {
    this.tokens = this.burst;
    this.refilledAt = this.clock.now();
  }
}
