import type pg from 'pg';
import type { SentRecord } from './fuzz-record.js';

/**
 * What became of each record sent, read from PostgreSQL by its source
 * topic/partition/offset: accepted (orders), dead-lettered (dead_letters),
 * a duplicate of an accepted order, or nothing we can find. A record counts
 * as a duplicate only when the generator made it a copy of an earlier
 * order's content (same orderId) and that earlier record was accepted: the
 * intake rightly leaves no row for it. Any other record without a row is
 * unaccounted, whatever the intake thinks of it.
 */

export interface OrderRow {
  readonly order_id: string;
  readonly state: string;
  readonly source_partition: number;
  readonly source_offset: string;
}

export interface DeadLetterRow {
  readonly source_partition: number;
  readonly source_offset: string;
  readonly error_code: string;
  readonly error_message: string;
  readonly order_id: string | null;
}

export type Outcome =
  | { readonly kind: 'accepted'; readonly order: OrderRow }
  | { readonly kind: 'dead-lettered'; readonly deadLetter: DeadLetterRow }
  | { readonly kind: 'duplicate'; readonly of: OrderRow }
  | { readonly kind: 'unaccounted'; readonly detail: string };

export interface Outcomes {
  readonly orders: readonly OrderRow[];
  readonly deadLetters: readonly DeadLetterRow[];
  readonly byRecord: ReadonlyMap<SentRecord, Outcome>;
}

const ORDERS = `SELECT order_id, state, source_partition, source_offset::text AS source_offset FROM orders WHERE source_topic = $1`;
const DEAD_LETTERS = `SELECT source_partition, source_offset::text AS source_offset, error_code, left(error_message, 400) AS error_message, order_id
                        FROM dead_letters WHERE source_topic = $1`;

const at = (partition: number, offset: string): string => `${partition}@${offset}`;

export async function readOutcomes(pool: pg.Pool, topic: string, sent: readonly SentRecord[]): Promise<Outcomes> {
  const orders = (await pool.query<OrderRow>(ORDERS, [topic])).rows;
  const deadLetters = (await pool.query<DeadLetterRow>(DEAD_LETTERS, [topic])).rows;
  const ordersAt = new Map(orders.map((o) => [at(o.source_partition, o.source_offset), o]));
  const deadAt = new Map(deadLetters.map((d) => [at(d.source_partition, d.source_offset), d]));
  const byIndex = new Map(sent.map((r) => [r.index, r]));
  const byRecord = new Map<SentRecord, Outcome>();
  for (const record of sent) {
    const key = at(record.partition, record.offset);
    const order = ordersAt.get(key);
    const deadLetter = deadAt.get(key);
    let outcome: Outcome;
    if (order && deadLetter)
      outcome = { kind: 'unaccounted', detail: `both accepted (${order.order_id}) and dead-lettered (${deadLetter.error_code})` };
    else if (order) outcome = { kind: 'accepted', order };
    else if (deadLetter) outcome = { kind: 'dead-lettered', deadLetter };
    else {
      const original = record.repeatsContent === true && record.refersTo !== undefined ? byIndex.get(record.refersTo) : undefined;
      const accepted = original === undefined ? undefined : ordersAt.get(at(original.partition, original.offset));
      if (accepted !== undefined && accepted.order_id === record.orderId) outcome = { kind: 'duplicate', of: accepted };
      else if (original !== undefined)
        outcome = { kind: 'unaccounted', detail: `no row for it, and the order it repeats (#${original.index}) was not accepted` };
      else outcome = { kind: 'unaccounted', detail: 'neither accepted nor dead-lettered (no orders or dead_letters row for its offset)' };
    }
    byRecord.set(record, outcome);
  }
  return { orders, deadLetters, byRecord };
}
