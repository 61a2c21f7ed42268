/**
 * Time as the simulator sees it. Token expiry, the rate limiter's refill,
 * Repeatability windows and timestamps read this clock, so a test can move
 * time forward instead of sleeping. Delays (latency, processing, slow
 * answers) are real timers: they are what a client has to live with.
 * The clock is the project's one Clock (src/platform/time/clock.ts).
 */
import type { Clock } from '../platform/time/clock.js';

export { ManualClock, systemClock, type Clock } from '../platform/time/clock.js';

export const isoAt = (clock: Clock): string => new Date(clock.now()).toISOString();
