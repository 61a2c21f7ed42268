import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as the client sees it. Every decision that depends on time (token
 * refresh, the circuit's cool-down, rate pacing, Retry-After) reads this
 * clock and waits through `sleep`, so a test can run them on virtual time
 * (for instance the simulator's ManualClock) instead of sleeping.
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

/** IMF-fixdate (RFC 9110 §5.6.7, the RFC 1123 form), e.g. "Sun, 06 Nov 1994 08:49:37 GMT". */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();
