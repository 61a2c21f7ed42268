/**
 * A status row of the outbox may carry several consecutive events of one
 * order that share their instant, key, type and subject (the intake's
 * "acknowledged" and the state that follows it): one row to write instead of
 * two is a fifth of the intake's PostgreSQL work per order. Their ce_ids are
 * the elements of `event_ids` (text[], in order); their JSON values are
 * joined in `value`, one per line. JSON.stringify never writes a raw line
 * feed (it escapes U+000A inside strings; U+2028 and other characters stay
 * but are not the byte 0x0A in UTF-8), so the line feed cannot occur inside a
 * value, whatever the ids and values hold.
 */
export const EVENT_SEPARATOR = '\n';
const SEPARATOR_BYTE = 0x0a;

export interface PackedEvent {
  readonly id: string;
  readonly value: Buffer;
}

/** A row whose ids and values do not pair up: no retry can publish it. */
export class OutboxEncodingError extends Error {
  override readonly name = 'OutboxEncodingError';
}

/** The JSON values of one row's events, joined; throws when one is not single-line JSON. */
export function packValues(values: readonly string[]): string {
  for (const v of values) {
    if (v.includes(EVENT_SEPARATOR))
      throw new OutboxEncodingError('a status event value holds a raw line feed: only single-line JSON (JSON.stringify) can share a row');
  }
  return values.join(EVENT_SEPARATOR);
}

/** The events of one status row, in order. */
export function unpackStatusRow(eventIds: readonly string[], value: Buffer): PackedEvent[] {
  if (eventIds.length === 0) throw new OutboxEncodingError('outbox status row holds no event id');
  if (eventIds.length === 1) return [{ id: eventIds[0] as string, value }];
  const values: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = value.indexOf(SEPARATOR_BYTE, start);
    if (end === -1) break;
    values.push(value.subarray(start, end));
    start = end + 1;
  }
  values.push(value.subarray(start));
  if (values.length !== eventIds.length)
    throw new OutboxEncodingError(`outbox status row holds ${eventIds.length} event ids but ${values.length} values`);
  return eventIds.map((id, i) => ({ id, value: values[i] as Buffer }));
}

/**
 * A PostgreSQL array literal of text elements (`{"a","b"}`), for passing one
 * array per row through unnest($n::text[]) and a cast: every element is
 * double-quoted, with `"` and `\` escaped, so commas, braces, line feeds,
 * quotes and "NULL" are all plain text. (PostgreSQL text cannot hold NUL.)
 */
export function textArrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
