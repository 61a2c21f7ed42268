import type { AccountServiceDetailsSpec, NumberServiceDetailsSpec } from '../order/order.js';

/** An account as stored: its desired settings and the version that set them. */
export interface AccountState {
  readonly name: string;
  readonly correlationId: string | null;
  readonly teamsTenantId: string | null;
  readonly serviceDetails: AccountServiceDetailsSpec;
  readonly lastOrderId: string;
  /** Epoch ms of the requestedAt of the order that last changed it. */
  readonly lastRequestedAt: number;
  readonly deleted: boolean;
}

/** A number as stored: its desired settings and the version that set them. */
export interface NumberState {
  readonly telephoneNumber: string;
  readonly accountName: string;
  readonly serviceDetails: NumberServiceDetailsSpec;
  readonly customSipHeader: string | null;
  readonly lastOrderId: string;
  readonly lastRequestedAt: number;
  readonly deleted: boolean;
}

export interface ConsentState {
  readonly tenantId: string;
  readonly customerRelationship: { readonly status: string; readonly comment?: string };
  readonly lastOrderId: string;
}

/**
 * What the planner reads and changes while it walks a chunk of records in
 * order. Loaded once per chunk from PostgreSQL; every later order in the
 * chunk sees the effects of the earlier ones.
 */
export interface IntakeState {
  readonly accounts: Map<string, AccountState>;
  readonly numbers: Map<string, NumberState>;
  readonly consents: Map<string, ConsentState>;
  /** orderId → fingerprint of every order already accepted (stored or earlier in the chunk). */
  readonly orderFingerprints: Map<string, string>;
  /**
   * Accounts whose every live number is in `numbers` (loaded because the
   * chunk deletes them or changes their tenant), so counting is exact.
   */
  readonly fullyLoadedAccounts: Set<string>;
  /** Numbers that exist in the database (live or deleted): updated, not inserted. */
  readonly loadedNumbers: Set<string>;
}

export function emptyIntakeState(): IntakeState {
  return {
    accounts: new Map(),
    numbers: new Map(),
    consents: new Map(),
    orderFingerprints: new Map(),
    fullyLoadedAccounts: new Set(),
    loadedNumbers: new Set(),
  };
}

/** The live numbers of a fully loaded account. */
export function liveNumbersOf(state: IntakeState, account: string): NumberState[] {
  const found: NumberState[] = [];
  for (const n of state.numbers.values()) if (!n.deleted && n.accountName === account) found.push(n);
  return found;
}

export function isFlowThroughAssociated(details: NumberServiceDetailsSpec, service: 'teamsOperatorConnect' | 'teamsPhoneMobile'): boolean {
  return details[service]?.enabled === true;
}
