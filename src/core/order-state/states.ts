/**
 * Order and order-item states, after TM Forum TMF641's ServiceOrderStateType.
 * We use the subset the worker can reach: no pending (a missing precondition
 * is `held`) and no cancellation states (BSS cannot cancel an order yet).
 */
export const ORDER_STATES = ['acknowledged', 'rejected', 'inProgress', 'held', 'completed', 'partial', 'failed'] as const;

/**
 * Item states use the same names. `partial` is a numbers item where some
 * numbers succeeded and the rest failed permanently.
 */
export const ITEM_STATES = ['acknowledged', 'rejected', 'inProgress', 'held', 'completed', 'partial', 'failed'] as const;

export type OrderState = (typeof ORDER_STATES)[number];
export type ItemState = (typeof ITEM_STATES)[number];

/** Outcome of one telephone number inside a numbers item, as the backend reported it. */
export const NUMBER_OUTCOMES = ['pending', 'succeeded', 'failed', 'held'] as const;
export type NumberOutcome = (typeof NUMBER_OUTCOMES)[number];

export const TERMINAL_STATES: ReadonlySet<OrderState | ItemState> = new Set(['rejected', 'completed', 'partial', 'failed']);

/** A terminal state is final: nothing moves an order or item out of it. */
export function isTerminal(state: OrderState | ItemState): boolean {
  return TERMINAL_STATES.has(state);
}

export function isOrderState(value: unknown): value is OrderState {
  return typeof value === 'string' && (ORDER_STATES as readonly string[]).includes(value);
}

export function isItemState(value: unknown): value is ItemState {
  return typeof value === 'string' && (ITEM_STATES as readonly string[]).includes(value);
}
