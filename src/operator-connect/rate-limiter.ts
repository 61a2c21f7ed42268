import type { Clock, Sleep } from '../platform/time/clock.js';

export interface RateLimiterOptions {
  /** Calls per second; 0 turns pacing off. */
  readonly ratePerSecond: number;
  /**
   * Calls that may go at once after a quiet spell. 1 (the default) spaces
   * every call 1/rate apart, so no one-second window ever holds more than
   * `ratePerSecond` calls, whatever bucket the service runs.
   */
  readonly burst?: number;
  readonly clock: Clock;
  readonly sleep: Sleep;
}

/**
 * A client-side token bucket in its reservation form (GCRA): each call books
 * the next free slot at once and then waits for it, so concurrent callers
 * queue in arrival order without polling and without a timer of our own.
 */
export class RateLimiter {
  /** Theoretical arrival time of the next call with the bucket full. */
  private nextSlotAt = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;
  private readonly toleranceMs: number;

  constructor(private readonly options: RateLimiterOptions) {
    const burst = options.burst ?? 1;
    if (!(options.ratePerSecond >= 0)) throw new RangeError('ratePerSecond must be ≥ 0');
    if (!(burst >= 1)) throw new RangeError('burst must be ≥ 1');
    this.intervalMs = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
    this.toleranceMs = (burst - 1) * this.intervalMs;
  }

  /** Books a slot; returns how long to wait for it (ms, rounded up). */
  reserve(): number {
    if (this.intervalMs === 0) return 0;
    const now = this.options.clock.now();
    const slot = Math.max(this.nextSlotAt, now);
    this.nextSlotAt = slot + this.intervalMs;
    return Math.max(0, Math.ceil(slot - this.toleranceMs - now));
  }

  /** Waits for a slot. An aborted wait gives its slot up (pacing stays on the safe side). */
  async acquire(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.options.sleep(wait, signal);
  }
}
