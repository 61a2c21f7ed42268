/**
 * Writes into the outbox, shared by everything that announces a change
 * (intake, reconciler); the relay publishes the rows.
 */

/** Raw records (dead letters): $1 topics, $2 keys (bytes), $3 values (bytes), $4 headers (JSON text of [[name, base64]]), $5 event ids, $6 order ids */
export const INSERT_OUTBOX = `
  INSERT INTO outbox (topic, message_key, value, headers, event_id, order_id)
  SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[])`;

/**
 * Status events, whose CloudEvents headers the relay derives from event_id,
 * order_id and event_time (headers NULL); a row may hold several events of
 * one order (src/outbox/status-row-events.ts): $1 the status topic, $2 keys,
 * $3 JSON values (text: no hex encoding on the way), $4 event ids, $5 order
 * ids, $6 event times
 */
export const INSERT_STATUS_EVENTS = `
  INSERT INTO outbox (topic, message_key, value, event_id, order_id, event_time)
  SELECT $1, convert_to(message_key, 'UTF8'), convert_to(value, 'UTF8'), event_id, order_id, event_time
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
         AS u(message_key, value, event_id, order_id, event_time)`;

export const OUTBOX_CHANNEL = 'flowthrough_outbox';

/**
 * Who wrote the rows a notice announces: the relay publishes after any; the
 * reconciler's planner wakes for new orders only, not for its own roll-ups.
 */
export const OUTBOX_NOTICE = { intake: 'intake', reconciler: 'reconciler' } as const;

/** Wakes the relays at commit (LISTEN/NOTIFY is transactional): $1 an OUTBOX_NOTICE origin. */
export const NOTIFY_OUTBOX = `SELECT pg_notify('${OUTBOX_CHANNEL}', $1::text)`;
