import type { Message } from 'kafkajs';
import type { StatusEventData } from '../core/status/status-data.js';
import { statusEventHeaders } from '../core/status/status-event.js';
import { statusEventValue } from '../core/status/status-size.js';
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

/** The records of a status row within `maxBytes` a value, or the size of the first that cannot be brought within it. */
export type FittedRecords = { readonly messages: Message[] } | { readonly tooLarge: number };

/**
 * A status row's records with every value within STATUS_EVENT_MAX_BYTES. The
 * writers summarise with the same limit, so a larger value was written before
 * the limit was lowered (or before summarising existed): it is summarised
 * here the same way. One that stays too large is reported, for the relay to
 * park. Other rows (dead-letter copies) are left as they are.
 */
export function fitStatusRecords(row: OutboxRow, messages: Message[], maxBytes: number): FittedRecords {
  if (!isStatusRow(row)) return { messages };
  const fitted: Message[] = [];
  for (const m of messages) {
    const value = m.value as Buffer | null;
    if (value === null || value.length <= maxBytes) {
      fitted.push(m);
      continue;
    }
    const sized = summarised(value, maxBytes);
    if (sized === null) return { tooLarge: value.length };
    fitted.push({ ...m, value: sized });
  }
  return { messages: fitted };
}

function summarised(value: Buffer, maxBytes: number): Buffer | null {
  try {
    const sized = statusEventValue(JSON.parse(value.toString('utf8')) as StatusEventData, maxBytes);
    return sized.fits ? Buffer.from(sized.value) : null;
  } catch {
    // Not a status event's data as we write it (a row written by hand): it goes nowhere larger than the limit.
    return null;
  }
}

/** A status row: its CloudEvents headers are derived from the row, not stored. */
function isStatusRow(row: OutboxRow): boolean {
  return row.headers === null && row.event_ids !== null && row.value !== null;
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
