import type { Message } from 'kafkajs';
import { statusEventHeaders } from '../core/status/status-event.js';
import { restoreHeaders, type StoredHeaders } from '../platform/kafka/record-headers.js';
import { OutboxEncodingError, unpackStatusRow } from './status-row-events.js';

/** An outbox row as the relay claims it (relay-sql.ts CLAIM). */
export interface OutboxRow {
  readonly id: string;
  readonly topic: string;
  readonly message_key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: string | null;
  readonly event_ids: string[] | null;
  readonly event_type: string | null;
  readonly event_subject: string | null;
  readonly order_id: string | null;
  readonly event_time: Date | null;
  readonly attempts: number;
}

/**
 * The Kafka records of one row: a raw record (a dead letter: its stored
 * headers) as it is, or each event of a status row with its CloudEvents
 * headers derived from the row. Throws OutboxEncodingError for a row that can
 * never be published as stored.
 */
export function recordsOf(row: OutboxRow, statusSource: string): Message[] {
  if (row.headers !== null || row.event_ids === null || row.value === null) {
    return [{ key: row.message_key, value: row.value, headers: row.headers === null ? {} : restoreHeaders(parseHeaders(row.headers)) }];
  }
  const time = (row.event_time ?? new Date()).toISOString();
  return unpackStatusRow(row.event_ids, row.value).map((event) => ({
    key: row.message_key,
    value: event.value,
    headers: statusEventHeaders({
      id: event.id,
      source: statusSource,
      orderId: row.order_id ?? '',
      time,
      ...(row.event_type === null ? {} : { type: row.event_type }),
      ...(row.event_subject === null ? {} : { subject: row.event_subject }),
    }),
  }));
}

function parseHeaders(text: string): StoredHeaders {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('not a JSON array');
    return parsed as StoredHeaders;
  } catch (error) {
    throw new OutboxEncodingError(
      `outbox row's stored headers are not a JSON list of [name, base64]: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
