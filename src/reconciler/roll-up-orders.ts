import type { PoolClient } from 'pg';
import type { ItemState, NumberOutcome, OrderState } from '../core/order-state/states.js';
import { rollUpOrder, type ItemView, type NumberRow } from '../core/reconcile/roll-up-order.js';
import type { ItemBackendDetails, StatusItemAction, StatusItemResource, StatusReason } from '../core/status/status-data.js';
import { statusEventId } from '../core/status/status-event.js';
import { NOTIFY_OUTBOX, StatusEventRows } from '../outbox/index.js';
import * as sql from './sql.js';

export interface StatusSettings {
  /** STATUS_TOPIC. */
  readonly topic: string;
  /** STATUS_EVENT_SOURCE; the relay stamps ce_source itself, so this is informational. */
  readonly source?: string;
  /** STATUS_EVENT_MAX_BYTES: a larger event summarises its per-number results. Absent: no limit. */
  readonly maxEventBytes?: number;
  /** The backend holds accounts (acg): an account item ends when its account is written, not when its numbers are. */
  readonly accountItemsAwaitAccountWrite?: boolean;
}

interface OrderRow {
  order_id: string;
  account_name: string;
  state: OrderState;
  attempts: number;
  status_sequence: number;
}

interface ItemRow {
  order_id: string;
  item_id: string;
  action: StatusItemAction;
  resource: StatusItemResource;
  state: ItemState;
  reason: StatusReason | null;
  backend_details: ItemBackendDetails | null;
}

interface WorkRow {
  order_id: string;
  item_id: string;
  telephone_number: string;
  outcome: NumberOutcome;
  error_code: string | null;
  message: string | null;
  held_reason: StatusReason | null;
  superseded_by: string | null;
}

export interface RollUpResult {
  /** Orders whose state changed, with the new state. */
  readonly changed: Array<{ orderId: string; state: OrderState }>;
}

/**
 * Re-derives the item and order states of the given orders from their
 * per-number outcomes (inside the caller's transaction, orders locked in key
 * order), and writes one status event per order whose state changed to the
 * outbox, ce_id = orderId:(status_sequence + 1). `attemptsAdded` adds backend
 * attempts to orders.attempts.
 */
export async function rollUpOrders(
  client: PoolClient,
  orderIds: Iterable<string>,
  status: StatusSettings,
  attemptsAdded: ReadonlyMap<string, number> = new Map(),
): Promise<RollUpResult> {
  const ids = [...new Set(orderIds)].sort();
  if (ids.length === 0) return { changed: [] };
  const orders = (await client.query<OrderRow>(sql.LOCK_ORDERS, [ids])).rows;
  const items = (await client.query<ItemRow>(sql.ORDER_ITEMS, [ids])).rows;
  const work = (await client.query<WorkRow>(sql.ORDER_ITEM_NUMBERS, [ids])).rows;
  const itemsByOrder = new Map<string, ItemRow[]>();
  for (const i of items) {
    let list = itemsByOrder.get(i.order_id);
    if (!list) {
      list = [];
      itemsByOrder.set(i.order_id, list);
    }
    list.push(i);
  }
  const workByItem = new Map<string, NumberRow[]>();
  for (const w of work) {
    const key = `${w.order_id}\u0000${w.item_id}`;
    let list = workByItem.get(key);
    if (!list) {
      list = [];
      workByItem.set(key, list);
    }
    list.push({
      telephoneNumber: w.telephone_number,
      outcome: w.outcome,
      errorCode: w.error_code,
      message: w.message,
      heldReason: w.held_reason,
      supersededBy: w.superseded_by,
    });
  }
  const occurredAt = new Date().toISOString();
  const itemUpdates = { order: [] as string[], item: [] as string[], state: [] as string[], reason: [] as (string | null)[] };
  const orderUpdates = { order: [] as string[], state: [] as string[], seq: [] as number[], attempts: [] as number[] };
  const outbox = new StatusEventRows(status.topic, status.maxEventBytes);
  const changed: Array<{ orderId: string; state: OrderState }> = [];
  for (const order of orders) {
    const attempts = order.attempts + (attemptsAdded.get(order.order_id) ?? 0);
    const views: ItemView[] = (itemsByOrder.get(order.order_id) ?? []).map((i) => ({
      itemId: i.item_id,
      action: i.action,
      resource: i.resource,
      state: i.state,
      reason: i.reason,
      numbers: workByItem.get(`${order.order_id}\u0000${i.item_id}`) ?? [],
      awaitsOwnWrite: status.accountItemsAwaitAccountWrite === true && i.resource === 'account',
      ...(i.backend_details ? { backendDetails: i.backend_details } : {}),
    }));
    const result = rollUpOrder(
      { orderId: order.order_id, account: order.account_name, state: order.state, attempts, items: views },
      occurredAt,
    );
    for (const change of result.items) {
      itemUpdates.order.push(order.order_id);
      itemUpdates.item.push(change.itemId);
      itemUpdates.state.push(change.state);
      itemUpdates.reason.push(change.reason ? JSON.stringify(change.reason) : null);
    }
    let sequence = order.status_sequence;
    if (result.event && result.state) {
      sequence += 1;
      const id = statusEventId(order.order_id, sequence);
      outbox.add(id, result.event);
      changed.push({ orderId: order.order_id, state: result.state });
    }
    if (sequence !== order.status_sequence || attempts !== order.attempts) {
      orderUpdates.order.push(order.order_id);
      orderUpdates.state.push(result.state ?? order.state);
      orderUpdates.seq.push(sequence);
      orderUpdates.attempts.push(attempts);
    }
  }
  if (itemUpdates.order.length > 0)
    await client.query(sql.UPDATE_ITEMS, [itemUpdates.order, itemUpdates.item, itemUpdates.state, itemUpdates.reason]);
  if (orderUpdates.order.length > 0)
    await client.query(sql.UPDATE_ORDERS, [orderUpdates.order, orderUpdates.state, orderUpdates.seq, orderUpdates.attempts]);
  if (outbox.size > 0) {
    await outbox.insert(client);
    // The relays publish them at commit; the reconcilers are not woken (status events bring them no work).
    await client.query(NOTIFY_OUTBOX);
  }
  return { changed };
}
