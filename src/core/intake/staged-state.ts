import type { AccountState, ConsentState, IntakeState, NumberState } from './intake-state.js';

/**
 * The changes of one order, layered over the chunk's state: the order is
 * checked against this view, and only an accepted order's changes are kept.
 */
export class StagedState {
  readonly accounts = new Map<string, AccountState>();
  readonly numbers = new Map<string, NumberState>();
  readonly consents = new Map<string, ConsentState>();
  readonly base: IntakeState;

  constructor(base: IntakeState) {
    this.base = base;
  }

  account(name: string): AccountState | undefined {
    return this.accounts.get(name) ?? this.base.accounts.get(name);
  }

  liveAccount(name: string): AccountState | undefined {
    const account = this.account(name);
    return account && !account.deleted ? account : undefined;
  }

  number(telephoneNumber: string): NumberState | undefined {
    return this.numbers.get(telephoneNumber) ?? this.base.numbers.get(telephoneNumber);
  }

  /** Live numbers of an account whose numbers are all loaded. */
  liveNumbersOf(account: string): NumberState[] {
    const seen = new Set<string>();
    const found: NumberState[] = [];
    for (const n of this.numbers.values()) {
      seen.add(n.telephoneNumber);
      if (!n.deleted && n.accountName === account) found.push(n);
    }
    for (const n of this.base.numbers.values()) {
      if (!seen.has(n.telephoneNumber) && !n.deleted && n.accountName === account) found.push(n);
    }
    return found;
  }

  /** Keeps the order's changes; returns the keys it changed. */
  commit(): { accounts: string[]; numbers: string[]; consents: string[] } {
    for (const [k, v] of this.accounts) this.base.accounts.set(k, v);
    for (const [k, v] of this.numbers) this.base.numbers.set(k, v);
    for (const [k, v] of this.consents) this.base.consents.set(k, v);
    return { accounts: [...this.accounts.keys()], numbers: [...this.numbers.keys()], consents: [...this.consents.keys()] };
  }
}
