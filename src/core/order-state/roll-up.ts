import { isTerminal, type ItemState, type NumberOutcome, type OrderState } from './states.js';

/**
 * The order's state from its items' states.
 *
 * Once every item is terminal:
 *   all completed → completed; all rejected → rejected (only at intake, where
 *   the whole order is rejected); all failed → failed (a rejected item counts
 *   as failed: it took no effect); anything else (some completed or partial,
 *   some failed, or any partial) → partial.
 * Before that:
 *   any inProgress → inProgress; otherwise any held → held; otherwise, if some
 *   item already finished, inProgress; otherwise acknowledged.
 *
 * The "some item finished → inProgress" step is ours, not TMF641's: without
 * it an order whose items are [completed, acknowledged] would roll up to
 * acknowledged after having been inProgress, a move the state machine forbids
 * (an order never returns to acknowledged). With it, every sequence of legal
 * item moves gives a sequence of legal order moves (see the property test).
 *
 * An order with no items has nothing left to do: completed. Intake rejects
 * empty orders, so this only keeps the function total.
 */
export function rollUpOrderState(itemStates: readonly ItemState[]): OrderState {
  if (itemStates.every(isTerminal)) {
    if (itemStates.every((s) => s === 'completed')) return 'completed';
    if (itemStates.every((s) => s === 'rejected')) return 'rejected';
    if (itemStates.every((s) => s === 'failed' || s === 'rejected')) return 'failed';
    return 'partial';
  }
  if (itemStates.includes('inProgress')) return 'inProgress';
  if (itemStates.includes('held')) return 'held';
  if (itemStates.some(isTerminal)) return 'inProgress';
  return 'acknowledged';
}

/**
 * A numbers item's state from its per-number outcomes. Superseded numbers
 * are left out: a later order replaced their change before it reached the
 * backend, so their outcome is that order's business, not this item's. Of
 * the rest: all succeeded → completed; any pending → inProgress (work is
 * still moving); otherwise some held (awaiting a precondition such as a
 * consent) → held; otherwise all failed → failed, mixed → partial.
 *
 * An item with nothing left (no numbers, or every number superseded) has
 * nothing to do: completed.
 */
export function rollUpItemState(numberOutcomes: readonly NumberOutcome[]): ItemState {
  const own = numberOutcomes.filter((o) => o !== 'superseded');
  if (own.every((o) => o === 'succeeded')) return 'completed';
  if (own.includes('pending')) return 'inProgress';
  if (own.includes('held')) return 'held';
  return own.includes('succeeded') ? 'partial' : 'failed';
}
