import { Rng, deriveSeed } from '../fuzz/seeded-random.js';

/**
 * When each act of chaos happens, in ms from the start of the chaos window,
 * drawn from the seed: the same seed and options give the same plan (the
 * moments a process is hit still depend on timing).
 */
export interface ChaosSchedule {
  readonly windowMs: number;
  /** Records are published evenly over this long (from 0). */
  readonly publishMs: number;
  readonly kills: readonly number[];
  readonly brokerRestartAt: number;
  readonly brokerDownMs: number;
  readonly postgresRestartAt: number;
  /** The held tenants' consents become active. */
  readonly consentActiveAt: number;
  /** The API faults switch from afterHandling (applied, answer lost) to beforeHandling (not applied). */
  readonly faultPhaseSwitchAt: number;
  readonly deadLetters: { readonly publishLate: number; readonly createAccount: number; readonly replay: number };
}

export function buildSchedule(options: {
  seed: number;
  windowMs: number;
  publishMs: number;
  kills: number;
  brokerDownMs: readonly [number, number];
}): ChaosSchedule {
  const rng = new Rng(deriveSeed(options.seed, 0, 0x5c4ed));
  const w = options.windowMs;
  const between = (from: number, to: number): number => Math.round(w * (from + rng.float() * (to - from)));
  const kills = Array.from({ length: options.kills }, () => between(0.03, 0.92)).sort((a, b) => a - b);
  const [minDown, maxDown] = options.brokerDownMs;
  return {
    windowMs: w,
    publishMs: options.publishMs,
    kills,
    brokerRestartAt: between(0.2, 0.45),
    brokerDownMs: Math.round(minDown + rng.float() * (maxDown - minDown)),
    postgresRestartAt: between(0.1, 0.85),
    consentActiveAt: between(0.45, 0.8),
    faultPhaseSwitchAt: Math.round(w / 2),
    deadLetters: { publishLate: between(0.02, 0.1), createAccount: between(0.15, 0.3), replay: between(0.5, 0.7) },
  };
}
