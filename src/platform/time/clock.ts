import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as the client sees it. Every decision that depends on time (token
 * refresh, the circuit's cool-down, rate pacing, Retry-After) reads this
 * clock and waits through `sleep`, so a test can run them on virtual time
 * (ManualClock, below; the simulator runs on it too) instead of sleeping.
 * This is the project's one Clock: declare no other.
 */
export interface Clock {
  now(): number;
}

/** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemClock: Clock = { now: () => Date.now() };

export const realSleep: Sleep = async (ms, signal) => {
  if (ms <= 0) return signal?.throwIfAborted();
  await delay(ms, undefined, signal ? { signal } : {});
};

/**
 * Virtual time for tests and the simulator: a clock that moves only when
 * told (`advance`) or when something waits on it (`sleep`, which returns at
 * once having moved the clock by the wait).
 */
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

  /** A Sleep on virtual time: moves the clock by `ms` (rejects first if the signal is aborted). */
  readonly sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted();
    if (ms > 0) this.advance(ms);
  };
}

/** IMF-fixdate (RFC 9110 §5.6.7, the RFC 1123 form), e.g. "Sun, 06 Nov 1994 08:49:37 GMT". */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();
