/**
 * A status row of the outbox may carry several consecutive events of one
 * order that share their instant (the intake's "acknowledged" and the state
 * that follows it): their ce_ids are joined in `event_id` and their JSON
 * values in `value`, one per line. One row to write instead of two is a
 * fifth of the intake's PostgreSQL work per order. JSON.stringify never
 * writes a raw line feed, and ce_ids are made of an orderId
 * (^[A-Za-z0-9._:-]+$), Kafka topic names and numbers, so the line feed
 * cannot occur inside either.
 */
export const EVENT_SEPARATOR = '\n';
const SEPARATOR_BYTE = 0x0a;

export interface PackedEvent {
  readonly id: string;
  readonly value: Buffer;
}

/** The events of one status row, in order. */
export function unpackStatusRow(eventIds: string, value: Buffer): PackedEvent[] {
  const ids = eventIds.split(EVENT_SEPARATOR);
  if (ids.length === 1) return [{ id: eventIds, value }];
  const values: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = value.indexOf(SEPARATOR_BYTE, start);
    if (end === -1) break;
    values.push(value.subarray(start, end));
    start = end + 1;
  }
  values.push(value.subarray(start));
  if (values.length !== ids.length) throw new Error(`outbox status row holds ${ids.length} event ids but ${values.length} values`);
  return ids.map((id, i) => ({ id, value: values[i] as Buffer }));
}
