/**
 * Writes into the outbox, shared by everything that announces a change
 * (intake, reconciler); the relay publishes the rows.
 *
 * Both inserts also fill event_id (the ids joined by line feeds), which only
 * workers of the previous version read, during a rolling upgrade
 * (migrations/000006_outbox_robustness.sql).
 */

/** Raw records (dead letters): $1 topics, $2 keys (bytes), $3 values (bytes), $4 headers (JSON text of [[name, base64]]), $5 event ids (one per record, or null), $6 order ids */
export const INSERT_OUTBOX = `
  INSERT INTO outbox (topic, message_key, value, headers, event_id, event_ids, order_id)
  SELECT topic, message_key, value, headers, event_id, CASE WHEN event_id IS NULL THEN NULL ELSE ARRAY[event_id] END, order_id
    FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[])
         AS u(topic, message_key, value, headers, event_id, order_id)`;

/**
 * Status events, whose CloudEvents headers the relay derives from event_ids,
 * event_type, event_subject, order_id and event_time (headers NULL); a row
 * may hold several events of one order (src/outbox/status-row-events.ts):
 * $1 the status topic, $2 keys, $3 JSON values, one per line (text: no hex
 * encoding on the way), $4 event ids (one text[] literal per row), $5 order
 * ids, $6 event times, $7 event types (NULL: the status type), $8 subjects
 * (NULL: the order id)
 */
export const INSERT_STATUS_EVENTS = `
  INSERT INTO outbox (topic, message_key, value, event_ids, event_id, event_type, event_subject, order_id, event_time)
  SELECT $1, convert_to(u.message_key, 'UTF8'), convert_to(u.value, 'UTF8'), ids.a, array_to_string(ids.a, E'\\n'),
         u.event_type, u.event_subject, u.order_id, u.event_time
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[])
         AS u(message_key, value, event_ids, order_id, event_time, event_type, event_subject)
         CROSS JOIN LATERAL (SELECT u.event_ids::text[] AS a) ids`;

/** The relays' channel, theirs alone (the reconciler has its own: src/contracts/reconciler-channel.ts). */
export const OUTBOX_CHANNEL = 'flowthrough_outbox';

/** Wakes the relays at commit (LISTEN/NOTIFY is transactional), whoever wrote the rows; no parameters. */
export const NOTIFY_OUTBOX = `SELECT pg_notify('${OUTBOX_CHANNEL}', '')`;
