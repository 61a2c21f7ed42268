import type { OrderOperation } from '../contracts/operator-connect-api.js';

/** One change the simulator applied to a number: what a test counts to prove nothing happened twice. */
export interface LedgerEntry {
  readonly tenantId: string;
  readonly telephoneNumber: string;
  readonly operation: OrderOperation;
  /** The Repeatability-Request-ID of the call that created the order. */
  readonly requestId: string;
  readonly orderId: string;
  readonly at: string;
}

export type LedgerFilter = Partial<Pick<LedgerEntry, 'tenantId' | 'telephoneNumber' | 'operation' | 'requestId' | 'orderId'>>;

export class Ledger {
  private readonly list: LedgerEntry[] = [];

  record(entry: LedgerEntry): void {
    this.list.push(Object.freeze({ ...entry }));
  }

  /** Entries in the order they were applied, optionally only those matching every given field. */
  entries(filter: LedgerFilter = {}): readonly LedgerEntry[] {
    const keys = Object.entries(filter).filter(([, v]) => v !== undefined) as [keyof LedgerFilter, string][];
    return this.list.filter((entry) => keys.every(([k, v]) => entry[k] === v));
  }

  get size(): number {
    return this.list.length;
  }

  /**
   * Groups of entries that applied the same operation to the same number of
   * the same tenant more than once, each group in applied order. A correct
   * client produces none unless it really meant to repeat the change.
   */
  repeatedChanges(): readonly (readonly LedgerEntry[])[] {
    const groups = new Map<string, LedgerEntry[]>();
    for (const entry of this.list) {
      const key = `${entry.tenantId} ${entry.telephoneNumber} ${entry.operation}`;
      const group = groups.get(key) ?? [];
      group.push(entry);
      groups.set(key, group);
    }
    return [...groups.values()].filter((g) => g.length > 1);
  }

  clear(): void {
    this.list.length = 0;
  }
}
