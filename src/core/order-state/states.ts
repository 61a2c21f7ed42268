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

/**
 * Outcome of one telephone number's change (one work row) inside an item:
 *   pending    — not settled yet (planned, sent, or lingering);
 *   held       — waiting for a precondition (a consent);
 *   succeeded  — the backend confirmed the change, or already held exactly
 *                what the row asks for as recorded from its confirmations;
 *   failed     — the backend refused it (or it was held past its deadline);
 *   superseded — a later order changed the same number and service before
 *                this change reached the backend: it was never sent, and the
 *                later order's result is the number's outcome.
 */
export const NUMBER_OUTCOMES = ['pending', 'succeeded', 'failed', 'held', 'superseded'] as const;
export type NumberOutcome = (typeof NUMBER_OUTCOMES)[number];

/**
 * Reason code (status event: item reason, and a superseded number's
 * errorCode) for work a later order replaced before it reached the backend.
 */
export const SUPERSEDED_BY_LATER_ORDER = 'superseded_by_later_order';

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
