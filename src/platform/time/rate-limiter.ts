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
  private readonly burst: number;
  private ratePerSecond: number;
  private intervalMs: number;
  private toleranceMs: number;
  /** Where the current run of back-to-back slots started, and how many it has booked. */
  private gridStart = Number.NEGATIVE_INFINITY;
  private booked = 0;
  /** Bookings ever made: tells a waiter whether anyone booked behind it. */
  private bookings = 0;
  /** The slot of the latest grant (acquire passed, or reserve handed out). */
  private lastGranted = Number.NEGATIVE_INFINITY;
  /** Aborted by setRate: wakes the waiters of acquire to book again. */
  private rateChanged = new AbortController();

  constructor(options: RateLimiterOptions) {
    const burst = options.burst ?? 1;
    if (!(options.ratePerSecond >= 0) || !Number.isFinite(options.ratePerSecond))
      throw new RangeError(`ratePerSecond must be a finite number ≥ 0, not ${options.ratePerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be ≥ 1, not ${burst}`);
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.burst = burst;
    this.ratePerSecond = options.ratePerSecond;
    this.intervalMs = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
    this.toleranceMs = (burst - 1) * this.intervalMs;
  }

  /** Grants per second now (0: off). */
  get rate(): number {
    return this.ratePerSecond;
  }

  /**
   * Changes the rate from now on, without a burst: the next grant comes
   * 1/new rate after the latest one (a lower rate pushes it later, a higher
   * one brings it closer, never nearer than 1/new rate), and no tokens are
   * credited for the change. Callers waiting in `acquire` book again on the
   * new grid, in their order; slots handed out by `reserve` stand.
   * Only between positive rates: a limiter made with 0 (off) stays off.
   */
  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
      throw new RangeError(`ratePerSecond must be a finite number > 0, not ${ratePerSecond}`);
    if (!this.enabled || ratePerSecond === this.ratePerSecond) return;
    this.ratePerSecond = ratePerSecond;
    this.intervalMs = 1000 / ratePerSecond;
    this.toleranceMs = (this.burst - 1) * this.intervalMs;
    // A new run of one slot (the latest grant): the next lies 1/new rate after it.
    this.gridStart = this.lastGranted;
    this.booked = Number.isFinite(this.lastGranted) ? 1 : 0;
    this.bookings += 1;
    const changed = this.rateChanged;
    this.rateChanged = new AbortController();
    changed.abort(new Error('rate changed'));
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
    const slot = this.book(now);
    // The caller waits by itself: its slot counts as granted (setRate keeps it).
    this.lastGranted = Math.max(this.lastGranted, slot);
    return Math.max(0, Math.ceil(slot - this.toleranceMs - now));
  }

  /**
   * Waits for a slot; resolves with the grant time (ms since the epoch, whole,
   * never earlier than the slot). An aborted wait gives its slot up: pacing
   * stays on the safe side.
   */
  async acquire(signal?: AbortSignal): Promise<number> {
    if (!this.enabled) return Math.ceil(this.clock.now());
    for (;;) {
      const now = this.clock.now();
      const slot = this.book(now);
      const ticket = this.bookings;
      const goAt = slot - this.toleranceMs;
      const wait = Math.max(0, Math.ceil(goAt - now));
      if (wait > 0) {
        const changed = this.rateChanged.signal;
        try {
          await this.sleep(wait, signal ? AbortSignal.any([signal, changed]) : changed);
        } catch (error) {
          // setRate while waiting: book again on the new grid (waiters re-book in the order they booked).
          if (changed.aborted && !signal?.aborted) continue;
          throw error;
        }
      }
      // A timer may fire a hair early by the wall clock: the grant is never before its slot.
      const grantedAt = Math.ceil(Math.max(this.clock.now(), goAt));
      this.lastGranted = Math.max(this.lastGranted, slot);
      if (grantedAt > Math.ceil(slot) && ticket === this.bookings) {
        // Woken late (a busy event loop) with nobody queued behind: the next slot
        // counts from the real grant, so grants stay 1/rate apart as they happen.
        this.gridStart = grantedAt;
        this.booked = 1;
        this.lastGranted = grantedAt;
      }
      return grantedAt;
    }
  }

  /** Takes a token if there is one now; otherwise books nothing and says when one will be there. */
  tryAcquire(): TakeResult {
    if (!this.enabled) return { allowed: true };
    const now = this.clock.now();
    const wait = this.nextSlotAt - this.toleranceMs - now;
    if (wait > 0) return { allowed: false, retryAfterMs: Math.ceil(wait) };
    this.lastGranted = Math.max(this.lastGranted, this.book(now));
    return { allowed: true };
  }

  /** A full bucket again, as at construction. */
  reset(): void {
    this.gridStart = Number.NEGATIVE_INFINITY;
    this.booked = 0;
    this.lastGranted = Number.NEGATIVE_INFINITY;
  }
}
