import type { Pool } from 'pg';
import type { NumberOutcome } from '../core/order-state/states.js';
import { numberRowResult } from '../core/reconcile/roll-up-order.js';
import type { StatusReason } from '../core/status/status-data.js';
import type { Page } from './resources.js';
import * as sql from './read-api-sql.js';

/**
 * An order's per-number results, paged (/v1/orders/{orderId}/numbers): every
 * work row of the order, one per number and service, with the state, code
 * and message its status events give (numberRowResult) and where it stands.
 * This is where a status event that summarised its per-number results
 * (numbersOmitted.readApiPath) sends its reader.
 */

interface OrderNumberRow {
  item_id: string;
  telephone_number: string;
  service: string;
  operation: string;
  outcome: NumberOutcome;
  error_code: string | null;
  message: string | null;
  held_reason: StatusReason | null;
  superseded_by: string | null;
  updated_at: Date;
}

export async function orderExists(pool: Pool, orderId: string): Promise<boolean> {
  return (await pool.query(sql.ORDER_EXISTS, [orderId])).rowCount === 1;
}

/** The page after `after` (a key this module issued, or null); null when `after` is not one. */
export async function orderNumberPage(
  pool: Pool,
  orderId: string,
  after: string | null,
  size: number,
): Promise<Page<Record<string, unknown>> | null> {
  const key = after === null ? [null, null] : afterKey(after);
  if (key === null) return null;
  const { rows } = await pool.query<OrderNumberRow>(sql.ORDER_NUMBER_PAGE, [orderId, key[0], key[1], size + 1]);
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    items: page.map(orderNumberBody),
    nextAfter: rows.length > size && last !== undefined ? JSON.stringify([last.telephone_number, last.service]) : null,
  };
}

function afterKey(after: string): [string, string] | null {
  try {
    const parsed: unknown = JSON.parse(after);
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string')) return parsed as [string, string];
  } catch {
    // not ours
  }
  return null;
}

function orderNumberBody(r: OrderNumberRow): Record<string, unknown> {
  const result = numberRowResult({
    telephoneNumber: r.telephone_number,
    outcome: r.outcome,
    errorCode: r.error_code,
    message: r.message,
    heldReason: r.held_reason,
    supersededBy: r.superseded_by,
  });
  return {
    itemId: r.item_id,
    telephoneNumber: result.telephoneNumber,
    service: r.service,
    operation: r.operation,
    state: result.state,
    ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }),
    ...(result.message === undefined ? {} : { message: result.message }),
    updatedAt: r.updated_at.toISOString(),
  };
}
