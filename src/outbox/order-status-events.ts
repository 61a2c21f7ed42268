import type { Pool, PoolClient } from 'pg';
import { SELECT_ORDER_STATUS_ROWS } from './outbox-sql.js';
import { OutboxEncodingError, unpackStatusRow, type PackedEvent } from './status-row-events.js';

/** A status event the outbox still keeps, as the relay publishes it. */
export interface KeptStatusEvent {
  /** ce_id; null only for a row that holds no id. */
  readonly eventId: string | null;
  /** The event's JSON value; null when its row does not decode (the relay parks such a row). */
  readonly value: Buffer | null;
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
}

interface StatusRow {
  event_ids: string[];
  value: Buffer | null;
  created_at: Date;
  published_at: Date | null;
}

/**
 * An order's status events kept in the outbox, in the order they were
 * written, each row split by the relay's own decoder (status-row-events.ts):
 * the multi-event format is read in one place. A row that does not decode
 * still shows, its events without values, so a reader can see what is stuck.
 */
export async function orderStatusEvents(db: Pool | PoolClient, orderId: string): Promise<KeptStatusEvent[]> {
  const { rows } = await db.query<StatusRow>(SELECT_ORDER_STATUS_ROWS, [orderId]);
  return rows.flatMap((row): KeptStatusEvent[] => {
    const at = { createdAt: row.created_at, publishedAt: row.published_at };
    const events = row.value === null ? null : decoded(row.event_ids, row.value);
    if (events !== null) return events.map((e) => ({ eventId: e.id, value: e.value, ...at }));
    return (row.event_ids.length === 0 ? [null] : row.event_ids).map((eventId) => ({ eventId, value: null, ...at }));
  });
}

function decoded(eventIds: readonly string[], value: Buffer): PackedEvent[] | null {
  try {
    return unpackStatusRow(eventIds, value);
  } catch (error) {
    if (error instanceof OutboxEncodingError) return null;
    throw error;
  }
}
