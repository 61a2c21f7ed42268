import type { ProbabilisticFaultKind } from '../simulator/faults.js';

export interface AcgCounterSnapshot {
  /** Answers sent, by operationId and HTTP status ("reset" for a destroyed connection). */
  readonly calls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly totalCalls: number;
  /** Every 429 sent, from the rate limit and from injected faults. */
  readonly throttled: number;
  readonly throttledByRateLimit: number;
  readonly faultsInjected: Readonly<Partial<Record<ProbabilisticFaultKind, number>>>;
  /** Calls answered from the Repeatability store instead of being applied again. */
  readonly replays: number;
  /** Requests refused because they break the swagger (400/415). */
  readonly requestViolations: number;
  /** Answers the simulator was about to send that break the swagger: a simulator bug; tests assert 0. */
  readonly responseViolations: number;
}

/** What the ACG simulator counts; the shared CallPipeline reports answers and faults here. */
export class AcgCounters {
  private calls = new Map<string, Map<string, number>>();
  private throttledByRateLimit = 0;
  private faults = new Map<ProbabilisticFaultKind, number>();
  private replays = 0;
  private requestViolations = 0;
  private responseViolations = 0;

  answered(operation: string, status: number | 'reset'): void {
    const byStatus = this.calls.get(operation) ?? new Map<string, number>();
    byStatus.set(String(status), (byStatus.get(String(status)) ?? 0) + 1);
    this.calls.set(operation, byStatus);
  }

  faultInjected(kind: ProbabilisticFaultKind): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  rateLimited(): void {
    this.throttledByRateLimit += 1;
  }

  replayed(): void {
    this.replays += 1;
  }

  requestViolation(): void {
    this.requestViolations += 1;
  }

  responseViolation(): void {
    this.responseViolations += 1;
  }

  snapshot(): AcgCounterSnapshot {
    const calls: Record<string, Record<string, number>> = {};
    let total = 0;
    let throttled = 0;
    for (const [operation, byStatus] of this.calls) {
      calls[operation] = Object.fromEntries(byStatus);
      for (const [status, count] of byStatus) {
        total += count;
        if (status === '429') throttled += count;
      }
    }
    return {
      calls,
      totalCalls: total,
      throttled,
      throttledByRateLimit: this.throttledByRateLimit,
      faultsInjected: Object.fromEntries(this.faults),
      replays: this.replays,
      requestViolations: this.requestViolations,
      responseViolations: this.responseViolations,
    };
  }

  reset(): void {
    this.calls = new Map();
    this.throttledByRateLimit = 0;
    this.faults = new Map();
    this.replays = 0;
    this.requestViolations = 0;
    this.responseViolations = 0;
  }
}
