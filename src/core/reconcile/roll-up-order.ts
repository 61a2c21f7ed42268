import { isTerminal, SUPERSEDED_BY_LATER_ORDER, type ItemState, type NumberOutcome, type OrderState } from '../order-state/states.js';
import { rollUpItemState, rollUpOrderState } from '../order-state/roll-up.js';
import { transition } from '../order-state/transitions.js';
import type {
  ItemBackendDetails,
  ItemStatus,
  NumberResult,
  StatusEventData,
  StatusItemAction,
  StatusItemResource,
  StatusReason,
} from '../status/status-data.js';

export interface NumberRow {
  readonly telephoneNumber: string;
  readonly outcome: NumberOutcome;
  readonly errorCode: string | null;
  readonly message: string | null;
  readonly heldReason: StatusReason | null;
  /** The later order that superseded the row's change (outcome superseded). */
  readonly supersededBy?: string | null;
}

export interface ItemView {
  readonly itemId: string;
  readonly action: StatusItemAction;
  readonly resource: StatusItemResource;
  readonly state: ItemState;
  readonly reason: StatusReason | null;
  /** The item's flow-through work rows; empty when it has none (its state is final at intake). */
  readonly numbers: readonly NumberRow[];
  /**
   * The item also waits for a write of its own resource that its numbers do
   * not show (acg: an account deleted after its numbers): its numbers never
   * end it; whoever writes the resource does.
   */
  readonly awaitsOwnWrite?: boolean;
  /** What the backend reported about the item's own resource (acg: an account's Direct Routing subdomain). */
  readonly backendDetails?: ItemBackendDetails;
}

export interface OrderView {
  readonly orderId: string;
  readonly account: string;
  readonly state: OrderState;
  /** Backend attempts so far, including the ones this roll-up adds. */
  readonly attempts: number;
  readonly items: readonly ItemView[];
}

export interface ItemChange {
  readonly itemId: string;
  readonly state: ItemState;
  readonly reason: StatusReason | null;
}

export interface OrderRollUp {
  readonly items: ItemChange[];
  /** The new order state, or null when it stays. */
  readonly state: OrderState | null;
  /** The status event announcing the change, when the order state changed. */
  readonly event: StatusEventData | null;
}

/** How many of the item's numbers later orders superseded, and which orders; null when none. */
function supersededNote(numbers: readonly NumberRow[]): string | null {
  const superseded = numbers.filter((n) => n.outcome === 'superseded');
  if (superseded.length === 0) return null;
  const by = [...new Set(superseded.flatMap((n) => (n.supersededBy ? [n.supersededBy] : [])))];
  const orders =
    by.length === 0
      ? 'later orders'
      : `later order${by.length > 1 ? 's' : ''} ${by.slice(0, 5).join(', ')}${by.length > 5 ? ` (+${by.length - 5} more)` : ''}`;
  return `${superseded.length} of ${numbers.length} number(s) superseded by ${orders} before reaching the backend`;
}

/**
 * An item's reason: held → the precondition awaited; failed or partial → the
 * failures' codes; completed with superseded numbers → superseded_by_later_order
 * naming the later orders (a reason on a completed item says why part or all
 * of it was not sent).
 */
function itemReason(state: ItemState, numbers: readonly NumberRow[]): StatusReason | null {
  if (state === 'held') {
    const held = numbers.find((n) => n.outcome === 'held' && n.heldReason !== null);
    return held?.heldReason ?? { code: 'held', message: 'waiting for a precondition' };
  }
  const note = supersededNote(numbers);
  if (state === 'failed' || state === 'partial') {
    const failed = numbers.filter((n) => n.outcome === 'failed');
    const codes = [...new Set(failed.map((n) => n.errorCode ?? 'failed'))];
    const message = `${failed.length} of ${numbers.length} number(s) failed: ${codes.slice(0, 5).join(', ')}`;
    return { code: codes[0] ?? 'failed', message: note ? `${message}; ${note}` : message };
  }
  if (state === 'completed' && note) return { code: SUPERSEDED_BY_LATER_ORDER, message: note };
  return null;
}

/** A work row as a status event's per-number result (also what the read API pages through, /v1/orders/{orderId}/numbers). */
export function numberRowResult(n: NumberRow): NumberResult {
  const code = n.outcome === 'held' ? n.heldReason?.code : (n.errorCode ?? undefined);
  const message = n.outcome === 'held' ? n.heldReason?.message : (n.message ?? undefined);
  return {
    telephoneNumber: n.telephoneNumber,
    state: n.outcome,
    ...(code ? { errorCode: code } : {}),
    ...(message ? { message } : {}),
  };
}

/**
 * Rolls an order up from its items' per-number outcomes with the core state
 * machine: items with work rows take rollUpItemState of their outcomes, the
 * order rollUpOrderState of its items; every move is checked by transition().
 * A status event is produced only when the order's state changes, carrying
 * every item and the per-number results of items with backend work.
 */
export function rollUpOrder(order: OrderView, occurredAt: string): OrderRollUp {
  const changes: ItemChange[] = [];
  const states = new Map<string, { state: ItemState; reason: StatusReason | null }>();
  for (const item of order.items) {
    let state = item.state;
    let reason = item.reason;
    if (item.numbers.length > 0 && !isTerminal(item.state)) {
      const fromNumbers = rollUpItemState(item.numbers.map((n) => n.outcome));
      const next = item.awaitsOwnWrite === true && isTerminal(fromNumbers) ? item.state : fromNumbers;
      const nextReason = itemReason(next, item.numbers);
      if (next !== item.state) {
        state = transition(item.state, next, { orderId: order.orderId, itemId: item.itemId });
        reason = nextReason;
        changes.push({ itemId: item.itemId, state, reason });
      } else if (JSON.stringify(nextReason) !== JSON.stringify(item.reason)) {
        reason = nextReason;
        changes.push({ itemId: item.itemId, state, reason });
      }
    }
    states.set(item.itemId, { state, reason });
  }
  const next = rollUpOrderState([...states.values()].map((s) => s.state));
  if (next === order.state || isTerminal(order.state)) return { items: changes, state: null, event: null };
  const state = transition(order.state, next, { orderId: order.orderId });
  const items: ItemStatus[] = order.items.map((item) => {
    const s = states.get(item.itemId) ?? { state: item.state, reason: item.reason };
    return {
      id: item.itemId,
      action: item.action,
      resource: item.resource,
      state: s.state,
      ...(s.reason ? { reason: s.reason } : {}),
      ...(item.numbers.length > 0 ? { numbers: item.numbers.map(numberRowResult) } : {}),
      ...(item.backendDetails?.directRouting ? { directRouting: item.backendDetails.directRouting } : {}),
    };
  });
  const event: StatusEventData = {
    orderId: order.orderId,
    account: order.account,
    state,
    previousState: order.state,
    occurredAt,
    attempts: order.attempts,
    items,
  };
  return { items: changes, state, event };
}
