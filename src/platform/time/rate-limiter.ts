import { realSleep, systemClock, type Clock, type Sleep } from './clock.js';

export interface RateLimiterOptions {
  /** Grants per second (fractions allowed); 0 turns limiting off. */
  readonly ratePerSecond: number;
  /**
   * Grants that may go at once when the bucket is full (after a quiet spell,
   * or at the start). 1 (the default) spaces every grant 1/rate apart, so no
   * one-second window ever holds more than `ratePerSecond` of them.
   */
  readonly burst?: number;
  /** Time; the system clock by default. */
  readonly clock?: Clock;
  /** How `acquire` waits; real timers by default. */
  readonly sleep?: Sleep;
}

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * The project's one rate limiter: a token bucket of `burst` tokens refilled
 * at `ratePerSecond`, in its reservation form (GCRA): its state is the
 * theoretical arrival time of the next grant with the bucket full.
 *
 * - `acquire` (pacing): books the next free slot at once and waits for it on
 *   the injected clock and sleep, so concurrent callers queue in arrival
 *   order without polling and without a timer of our own.
 * - `tryAcquire` (policing, the simulator's 429s): grants if a token is there
 *   now, else says how long until one is, and books nothing.
 *
 * Slots lie on an exact grid (start + n·1000/rate), so fractional intervals
 * do not drift; waits are rounded up, never early. A lone waiter woken late
 * moves the grid to its real grant time, so successive grants are never
 * closer than 1/rate as they actually happen.
 */
export class RateLimiter {
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly ratePerSecond: number;
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  /** Where the current run of back-to-back slots started, and how many it has booked. */
  private gridStart = Number.NEGATIVE_INFINITY;
  private booked = 0;
  /** Bookings ever made: tells a waiter whether anyone booked behind it. */
  private bookings = 0;

  constructor(options: RateLimiterOptions) {
    const burst = options.burst ?? 1;
    if (!(options.ratePerSecond >= 0) || !Number.isFinite(options.ratePerSecond))
      throw new RangeError(`ratePerSecond must be a finite number ≥ 0, not ${options.ratePerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be ≥ 1, not ${burst}`);
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.ratePerSecond = options.ratePerSecond;
    this.intervalMs = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
    this.toleranceMs = (burst - 1) * this.intervalMs;
  }

  /** Whether limiting is on (a rate above 0). */
  get enabled(): boolean {
    return this.intervalMs > 0;
  }

  /** Theoretical arrival time of the next grant with the bucket full. */
  private get nextSlotAt(): number {
    return this.booked === 0 ? Number.NEGATIVE_INFINITY : this.gridStart + (this.booked * 1000) / this.ratePerSecond;
  }

  /** Books the slot for a grant at `now` or later; returns the slot. */
  private book(now: number): number {
    const next = this.nextSlotAt;
    if (next <= now) {
      // Caught up: the bucket is (at least partly) refilled; a new run of slots starts now.
      this.gridStart = now;
      this.booked = 0;
    }
    const slot = Math.max(next, now);
    this.booked += 1;
    this.bookings += 1;
    return slot;
  }

  /** Books a slot; returns how long to wait for it (ms, rounded up; 0 when it is free now). */
  reserve(): number {
    if (!this.enabled) return 0;
    const now = this.clock.now();
    return Math.max(0, Math.ceil(this.book(now) - this.toleranceMs - now));
  }

  /**
   * Waits for a slot; resolves with the grant time (ms since the epoch, whole,
   * never earlier than the slot). An aborted wait gives its slot up: pacing
   * stays on the safe side.
   */
  async acquire(signal?: AbortSignal): Promise<number> {
    if (!this.enabled) return Math.ceil(this.clock.now());
    const now = this.clock.now();
    const slot = this.book(now);
    const ticket = this.bookings;
    const goAt = slot - this.toleranceMs;
    const wait = Math.max(0, Math.ceil(goAt - now));
    if (wait > 0) await this.sleep(wait, signal);
    // A timer may fire a hair early by the wall clock: the grant is never before its slot.
    const grantedAt = Math.ceil(Math.max(this.clock.now(), goAt));
    if (grantedAt > Math.ceil(slot) && ticket === this.bookings) {
      // Woken late (a busy event loop) with nobody queued behind: the next slot
      // counts from the real grant, so grants stay 1/rate apart as they happen.
      this.gridStart = grantedAt;
      this.booked = 1;
    }
    return grantedAt;
  }

  /** Takes a token if there is one now; otherwise books nothing and says when one will be there. */
  tryAcquire(): TakeResult {
    if (!this.enabled) return { allowed: true };
    const now = this.clock.now();
    const wait = this.nextSlotAt - this.toleranceMs - now;
    if (wait > 0) return { allowed: false, retryAfterMs: Math.ceil(wait) };
    this.book(now);
    return { allowed: true };
  }

  /** A full bucket again, as at construction. */
  reset(): void {
    this.gridStart = Number.NEGATIVE_INFINITY;
    this.booked = 0;
  }
}
