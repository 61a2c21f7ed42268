/**
 * Time as the simulator sees it. Token expiry, the rate limiter's refill,
 * Repeatability windows and timestamps read this clock, so a test can move
 * time forward instead of sleeping. Delays (latency, processing, slow
 * answers) are real timers: they are what a client has to live with.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

export const isoAt = (clock: Clock): string => new Date(clock.now()).toISOString();
