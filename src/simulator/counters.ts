import { CONSENT_OPERATIONS, MUTATING_OPERATIONS, STATUS_READ_OPERATIONS, type Operation } from './operations.js';
import type { ProbabilisticFaultKind } from './faults.js';

export interface CounterSnapshot {
  /** Answers sent, by operation and HTTP status ("reset" for a destroyed connection). */
  readonly calls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly totalCalls: number;
  /** Calls to the mutating operations (consent update, upload/release/update orders), whatever their answer. */
  readonly mutatingCalls: number;
  /** Number status lookups (single and list). */
  readonly statusReads: number;
  readonly orderReads: number;
  readonly consentCalls: number;
  readonly tokenRequests: number;
  /** Every 429 sent, from the rate limit and from injection. */
  readonly throttled: number;
  readonly throttledByRateLimit: number;
  readonly faultsInjected: Readonly<Partial<Record<ProbabilisticFaultKind, number>>>;
  /** Mutating calls answered from the Repeatability store instead of being applied. */
  readonly replays: number;
  readonly ordersAccepted: number;
}

export class Counters {
  private calls = new Map<Operation, Map<string, number>>();
  private throttledByRateLimit = 0;
  private faults = new Map<ProbabilisticFaultKind, number>();
  private replays = 0;
  private ordersAccepted = 0;

  answered(operation: Operation, status: number | 'reset'): void {
    const byStatus = this.calls.get(operation) ?? new Map<string, number>();
    const key = String(status);
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    this.calls.set(operation, byStatus);
  }

  rateLimited(): void {
    this.throttledByRateLimit += 1;
  }

  faultInjected(kind: ProbabilisticFaultKind): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  replayed(): void {
    this.replays += 1;
  }

  orderAccepted(): void {
    this.ordersAccepted += 1;
  }

  snapshot(): CounterSnapshot {
    const calls: Record<string, Record<string, number>> = {};
    let total = 0;
    let throttled = 0;
    const sum = (set: ReadonlySet<Operation>): number => {
      let n = 0;
      for (const [op, byStatus] of this.calls) if (set.has(op)) for (const c of byStatus.values()) n += c;
      return n;
    };
    for (const [op, byStatus] of this.calls) {
      calls[op] = Object.fromEntries(byStatus);
      for (const [status, c] of byStatus) {
        total += c;
        if (status === '429') throttled += c;
      }
    }
    return {
      calls,
      totalCalls: total,
      mutatingCalls: sum(MUTATING_OPERATIONS),
      statusReads: sum(STATUS_READ_OPERATIONS),
      orderReads: sum(new Set<Operation>(['getOrder'])),
      consentCalls: sum(CONSENT_OPERATIONS),
      tokenRequests: sum(new Set<Operation>(['token'])),
      throttled,
      throttledByRateLimit: this.throttledByRateLimit,
      faultsInjected: Object.fromEntries(this.faults),
      replays: this.replays,
      ordersAccepted: this.ordersAccepted,
    };
  }

  reset(): void {
    this.calls = new Map();
    this.throttledByRateLimit = 0;
    this.faults = new Map();
    this.replays = 0;
    this.ordersAccepted = 0;
  }
}
