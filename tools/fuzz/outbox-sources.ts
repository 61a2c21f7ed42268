import type pg from 'pg';
import { recordLabel, type SentRecord } from './fuzz-record.js';
import type { StatusRecord } from './status-collector.js';

/**
 * Where an outbox row or a status event came from, in the run's records: a
 * dead-letter copy names its original in its kafka_dlt-* headers, a
 * rejection's ce_id names the rejected record's position, a status event
 * otherwise names its order. Used to point a finding at its record.
 */

export interface RecordExample {
  readonly record?: string;
  readonly at?: string;
  readonly detail: string;
}

export type RecordFinder = {
  readonly at: (partition: number, offset: string) => SentRecord | undefined;
  readonly order: (orderId: string) => SentRecord | undefined;
};

const where = (r: SentRecord): string => `p${r.partition}@${r.offset}`;

interface OutboxRow {
  readonly id: string;
  readonly topic: string;
  readonly order_id: string | null;
  readonly event_id: string | null;
  readonly headers: string | null;
  readonly bytes: number;
  readonly last_error: string | null;
}

/** A rejection's ce_id names the rejected record's position: `orderId:rejected:topic:p:o` or `rejected/topic/p/o`. */
const REJECTION_ID = /(?::rejected:[^\n]*:|^rejected\/[^\n]*\/)(\d+)[:/](\d+)$/;

/** The record a status event speaks of: the rejected record its ce_id names, else the first record with its orderId. */
export function sourceOfEvent(event: StatusRecord, find: RecordFinder): SentRecord | undefined {
  const rejection = event.ceId === undefined ? null : REJECTION_ID.exec(event.ceId);
  if (rejection) return find.at(Number(rejection[1]), rejection[2] as string);
  return event.orderId === undefined ? undefined : find.order(event.orderId);
}

/** The record an outbox row came from: a dead-letter copy names its original, a rejection's ce_id its position, a status event its order. */
function sourceOf(row: OutboxRow, find: RecordFinder): SentRecord | undefined {
  if (row.headers !== null) {
    const headers = new Map(
      (JSON.parse(row.headers) as Array<[string, string]>).map(([n, v]) => [n, Buffer.from(v, 'base64').toString('utf8')]),
    );
    const partition = headers.get('kafka_dlt-original-partition');
    const offset = headers.get('kafka_dlt-original-offset');
    return partition === undefined || offset === undefined ? undefined : find.at(Number(partition), offset);
  }
  if (row.event_id === null) return undefined;
  const rejection = REJECTION_ID.exec(row.event_id);
  if (rejection) return find.at(Number(rejection[1]), rejection[2] as string);
  return row.order_id === null ? undefined : find.order(row.order_id);
}

function describeRow(row: OutboxRow, find: RecordFinder, what: string): RecordExample {
  const record = sourceOf(row, find);
  const kind = row.headers !== null ? 'a dead-letter copy' : 'a status event';
  const error = row.last_error ? `; last error: ${row.last_error.slice(0, 160)}` : '';
  return {
    ...(record ? { record: recordLabel(record), at: where(record) } : {}),
    detail: `${what} outbox row #${row.id} (${kind} for ${row.topic}, ${row.bytes} bytes, ce_id ${JSON.stringify(row.event_id?.slice(0, 100) ?? null)})${error}`,
  };
}

const OUTBOX_COLUMNS = `id::text AS id, topic, order_id, event_id, headers, coalesce(octet_length(value), 0) AS bytes`;

/** The oldest row the relay still owes (neither published nor parked): where it is stuck. */
export async function relayStuckAt(pool: pg.Pool, parking: boolean, find: RecordFinder, waiting: number): Promise<RecordExample | null> {
  const sql = parking
    ? `SELECT ${OUTBOX_COLUMNS}, last_error FROM outbox WHERE published_at IS NULL AND parked_at IS NULL ORDER BY id LIMIT 1`
    : `SELECT ${OUTBOX_COLUMNS}, NULL AS last_error FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1`;
  const row = (await pool.query<OutboxRow>(sql)).rows[0];
  if (!row) return null;
  const example = describeRow(row, find, 'the relay is stuck at');
  return { ...example, detail: `${example.detail}; ${waiting} row(s) unpublished` };
}

/** Rows the relay parked after its bounded retries (reported, not a failure: what cannot be published is parked). */
export async function parkedRows(pool: pg.Pool, find: RecordFinder, limit: number): Promise<RecordExample[]> {
  const sql = `SELECT ${OUTBOX_COLUMNS}, last_error FROM outbox WHERE published_at IS NULL AND parked_at IS NOT NULL ORDER BY id LIMIT ${limit}`;
  return (await pool.query<OutboxRow>(sql)).rows.map((row) => describeRow(row, find, 'parked'));
}
