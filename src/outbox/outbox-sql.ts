/**
 * The outbox's statements outside the relay's cycle (that one is relay-sql.ts):
 * the writes shared by everything that announces a change (intake,
 * reconciler), the read of an order's status rows, and the operator's list
 * and retry. Every value a parameter.
 *
 * Both inserts also fill event_id (the ids joined by line feeds), which only
 * workers of the previous version read, during a rolling upgrade
 * (migrations/000006_outbox_robustness.sql).
 */

/**
 * A row's event ids (text[]), whoever wrote it: a row of a worker of the
 * previous version has only event_id, the ids joined by line feeds. Column
 * names unqualified: for statements where outbox is the only relation with
 * these columns.
 */
export const ROW_EVENT_IDS = `coalesce(event_ids, string_to_array(event_id, E'\\n'))`;

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

/**
 * $1 order id: the order's status rows still kept (OUTBOX_RETENTION_HOURS
 * after publishing), oldest first, undecoded: status-row-events.ts splits
 * them into events, as the relay does.
 */
export const SELECT_ORDER_STATUS_ROWS = `
  SELECT ${ROW_EVENT_IDS} AS event_ids, value, created_at, published_at
    FROM outbox
   WHERE order_id = $1 AND (event_ids IS NOT NULL OR event_id IS NOT NULL)
   ORDER BY id`;

/** The relays' channel, theirs alone (the reconciler has its own: src/contracts/reconciler-channel.ts). */
export const OUTBOX_CHANNEL = 'flowthrough_outbox';

/** Wakes the relays at commit (LISTEN/NOTIFY is transactional), whoever wrote the rows; no parameters. */
export const NOTIFY_OUTBOX = `SELECT pg_notify('${OUTBOX_CHANNEL}', '')`;

// The operator's view (`flowthrough outbox list|retry`). Rows come oldest first: ORDER BY outbox.id, the
// bigint (a bare "id" would sort the text alias, "10" < "9").

const ENTRY_COLUMNS = `id::text AS id, topic, message_key, order_id, ${ROW_EVENT_IDS} AS event_ids,
  attempts, last_error, next_attempt_at, parked_at, created_at, published_at`;

/** $1 limit: parked rows. Two list statements, so each uses its partial index. */
export const LIST_PARKED = `
  SELECT ${ENTRY_COLUMNS} FROM outbox WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY outbox.id LIMIT $1`;

/** $1 limit: unpublished rows, parked ones included. */
export const LIST_UNPUBLISHED = `SELECT ${ENTRY_COLUMNS} FROM outbox WHERE published_at IS NULL ORDER BY outbox.id LIMIT $1`;

/** Unpublished, parked and waiting rows; no parameters. */
export const COUNT_UNPUBLISHED = `
  SELECT (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS unpublished,
         (SELECT count(*)::int FROM outbox WHERE parked_at IS NOT NULL AND published_at IS NULL) AS parked,
         (SELECT count(*)::int FROM outbox WHERE published_at IS NULL AND parked_at IS NULL AND next_attempt_at > now()) AS waiting`;

/** $1 ids. Locked, so the relay's own update of a row waits for the retry's. */
export const LOCK_BY_ID = `SELECT ${ENTRY_COLUMNS} FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY outbox.id FOR UPDATE`;

/** Every parked row, locked as LOCK_BY_ID; no parameters. */
export const LOCK_ALL_PARKED = `
  SELECT ${ENTRY_COLUMNS} FROM outbox WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY outbox.id FOR UPDATE`;

/** Due at once, with all its attempts again. $1 ids (unpublished rows). */
export const RETRY = `
  UPDATE outbox SET attempts = 0, parked_at = NULL, next_attempt_at = NULL WHERE id = ANY($1::bigint[]) AND published_at IS NULL`;
