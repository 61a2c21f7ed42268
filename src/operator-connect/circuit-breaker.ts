import type { Clock } from '../platform/time/clock.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit refuses calls before it lets one trial through. */
  readonly coolDownMs: number;
  readonly clock: Clock;
  readonly onStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

/** The right to make one call; settle it exactly once with its result. */
export interface CircuitPermit {
  /** The service answered: up, even if it refused the request. */
  success(): void;
  /** A failure that says the service is down or overloaded. */
  failure(): void;
  /** The call ended without a verdict (aborted): frees a half-open trial slot. */
  abandon(): void;
}

export type CircuitDecision =
  | { readonly allowed: true; readonly permit: CircuitPermit }
  | { readonly allowed: false; readonly retryInMs: number };

/**
 * closed → open after N consecutive failures → half-open after the cool-down
 * → one trial call: success closes, failure opens again. A pure state
 * machine on an injected clock; the open → half-open step happens when the
 * state is next read, so no timer runs.
 *
 * Results of calls let through before the circuit last opened are ignored:
 * only the trial decides whether an open circuit closes.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  /** Bumped on every opening; permits of an older generation no longer count. */
  private generation = 0;

  constructor(private readonly options: CircuitBreakerOptions) {
    if (!(options.failureThreshold >= 1)) throw new RangeError('failureThreshold must be ≥ 1');
    if (!(options.coolDownMs >= 0)) throw new RangeError('coolDownMs must be ≥ 0');
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.options.clock.now() - this.openedAt >= this.options.coolDownMs) this.moveTo('half-open');
    return this.current;
  }

  /** Consecutive failures counted while closed (for metrics). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** While open, how long until a trial may go; undefined otherwise. Lets a caller fail fast before queueing for anything. */
  get openForMs(): number | undefined {
    return this.state === 'open' ? Math.max(0, this.openedAt + this.options.coolDownMs - this.options.clock.now()) : undefined;
  }

  acquire(): CircuitDecision {
    switch (this.state) {
      case 'closed':
        return { allowed: true, permit: this.permit(false) };
      case 'open':
        return { allowed: false, retryInMs: this.openForMs ?? 0 };
      case 'half-open':
        if (this.trialInFlight) return { allowed: false, retryInMs: 0 };
        this.trialInFlight = true;
        return { allowed: true, permit: this.permit(true) };
    }
  }

  private permit(trial: boolean): CircuitPermit {
    const generation = this.generation;
    let settled = false;
    const settle = (result: 'success' | 'failure' | 'abandon'): void => {
      if (settled) return;
      settled = true;
      if (trial) this.settleTrial(result);
      else if (generation === this.generation && this.current === 'closed') this.settleClosed(result);
    };
    return { success: () => settle('success'), failure: () => settle('failure'), abandon: () => settle('abandon') };
  }

  private settleClosed(result: 'success' | 'failure' | 'abandon'): void {
    if (result === 'success') this.failures = 0;
    else if (result === 'failure' && ++this.failures >= this.options.failureThreshold) this.open();
  }

  private settleTrial(result: 'success' | 'failure' | 'abandon'): void {
    this.trialInFlight = false;
    if (result === 'success') {
      this.failures = 0;
      this.moveTo('closed');
    } else if (result === 'failure') this.open();
  }

  private open(): void {
    this.generation += 1;
    this.openedAt = this.options.clock.now();
    this.trialInFlight = false;
    this.moveTo('open');
  }

  private moveTo(next: CircuitState): void {
    const previous = this.current;
    this.current = next;
    if (next !== previous) this.options.onStateChange?.(next, previous);
  }
}
