/**
 * The intake's statements, every value a parameter: the reads of a chunk's
 * state (locked where other partitions can write it), and its writes, one
 * set-based statement per table per chunk, arrays unnested (de-duplicated by
 * key beforehand).
 */

/**
 * $1 account names. Not locked: orders are keyed by account, so one
 * account's orders are in one partition, and a partition is applied under
 * its consumer_offsets row lock (see TransactionalBatchConsumer).
 */
export const SELECT_ACCOUNTS = `
  SELECT name, correlation_id, teams_tenant_id, service_details, last_order_id,
         (extract(epoch FROM last_requested_at) * 1000)::float8 AS last_ms, deleted_at IS NOT NULL AS deleted
    FROM accounts WHERE name = ANY($1::text[])`;

// Numbers can be claimed by orders of other accounts (other partitions): existing rows are locked, in key
// order so that concurrent chunks cannot deadlock.
const NUMBER_COLUMNS = `telephone_number, account_name, service_details, custom_sip_header, last_order_id,
         (extract(epoch FROM last_requested_at) * 1000)::float8 AS last_ms, deleted_at IS NOT NULL AS deleted`;

/** $1 numbers, locked. */
export const SELECT_NUMBERS = `
  SELECT ${NUMBER_COLUMNS} FROM numbers WHERE telephone_number = ANY($1::text[]) ORDER BY telephone_number FOR UPDATE`;

/** $1 account names: their live numbers, locked (for an account the chunk deletes or moves to another tenant). */
export const SELECT_ACCOUNT_NUMBERS = `
  SELECT ${NUMBER_COLUMNS} FROM numbers WHERE account_name = ANY($1::text[]) AND deleted_at IS NULL ORDER BY telephone_number FOR UPDATE`;

/** $1 order ids: the ones already known, with their fingerprints. */
export const SELECT_ORDERS = `SELECT order_id, fingerprint FROM orders WHERE order_id = ANY($1::text[])`;

/**
 * A force-stale claim is believed when PostgreSQL holds that replay attempt,
 * made with --force-stale, to this topic, of exactly these bytes: $1 dead
 * letter ids, $2 attempts, $3 values, $4 the orders topic. Returns the
 * 1-based positions of the claims that hold.
 */
export const AUTHORISED_CLAIMS = `
  SELECT u.position::int AS position
    FROM unnest($1::bigint[], $2::int[], $3::bytea[]) WITH ORDINALITY AS u(dead_letter_id, attempt, value, position)
   WHERE EXISTS (SELECT 1 FROM dead_letter_replays r JOIN dead_letters d ON d.id = r.dead_letter_id
                  WHERE r.dead_letter_id = u.dead_letter_id AND r.attempt = u.attempt AND r.force_stale
                    AND r.target_topic = $4 AND d.value = u.value)`;

/** $1 names, $2 correlation ids, $3 tenant ids, $4 service details, $5 last order ids, $6 last requested at, $7 deleted at */
export const UPSERT_ACCOUNTS = `
  INSERT INTO accounts (name, correlation_id, teams_tenant_id, service_details, last_order_id, last_requested_at, deleted_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[], $7::timestamptz[])
  ON CONFLICT (name) DO UPDATE SET
    correlation_id = EXCLUDED.correlation_id, teams_tenant_id = EXCLUDED.teams_tenant_id,
    service_details = EXCLUDED.service_details, last_order_id = EXCLUDED.last_order_id,
    last_requested_at = EXCLUDED.last_requested_at, deleted_at = EXCLUDED.deleted_at, updated_at = now()`;

/**
 * The numbers' columns, with their service details sent once per distinct
 * value (joined by position: a subscript would walk the array from its start
 * for every row): $1 numbers, $2 accounts, $3 distinct service details (jsonb[]),
 * $4 each number's 1-based index into $3, $5 custom headers, $6 last order
 * ids, $7 last requested at, $8 deleted at, $9 whether the chunk gives it
 * flow-through work (its sync_state is then 'pending' until the reconciler's
 * word, which spares the planner rewriting the row).
 */
const NUMBER_ROWS = `
  SELECT u.telephone_number, u.account_name, d.service_details, u.custom_sip_header,
         u.last_order_id, u.last_requested_at, u.deleted_at, u.has_work
    FROM unnest($1::text[], $2::text[], $4::int[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::bool[])
         AS u(telephone_number, account_name, details, custom_sip_header, last_order_id, last_requested_at, deleted_at, has_work)
    JOIN unnest($3::jsonb[]) WITH ORDINALITY AS d(service_details, position) ON d.position = u.details`;

/** Existing rows, locked by the load; parameters as NUMBER_ROWS. */
export const UPDATE_NUMBERS = `
  UPDATE numbers n SET account_name = u.account_name, service_details = u.service_details,
         custom_sip_header = u.custom_sip_header, last_order_id = u.last_order_id,
         last_requested_at = u.last_requested_at, deleted_at = u.deleted_at,
         sync_state = CASE WHEN u.has_work THEN 'pending' ELSE n.sync_state END, updated_at = now()
    FROM (${NUMBER_ROWS}) AS u
   WHERE n.telephone_number = u.telephone_number`;

/**
 * New rows: a conflict means another partition's chunk created the number
 * since the load; RETURNING tells, and the chunk is retried against fresh state.
 * Parameters as NUMBER_ROWS.
 */
export const INSERT_NUMBERS = `
  INSERT INTO numbers (telephone_number, account_name, service_details, custom_sip_header, last_order_id, last_requested_at, deleted_at, sync_state)
  SELECT r.telephone_number, r.account_name, r.service_details, r.custom_sip_header, r.last_order_id, r.last_requested_at, r.deleted_at,
         CASE WHEN r.has_work THEN 'pending' ELSE 'inSync' END
    FROM (${NUMBER_ROWS}) AS r
  ON CONFLICT (telephone_number) DO NOTHING
  RETURNING telephone_number`;

/** $1 tenant ids, $2 customer relationships, $3 last order ids */
export const UPSERT_CONSENTS = `
  INSERT INTO consents (tenant_id, customer_relationship, last_order_id)
  SELECT * FROM unnest($1::text[], $2::jsonb[], $3::text[])
  ON CONFLICT (tenant_id) DO UPDATE SET customer_relationship = EXCLUDED.customer_relationship,
    last_order_id = EXCLUDED.last_order_id, updated_at = now()`;

/** $1 order ids … $11 status sequences */
export const INSERT_ORDERS = `
  INSERT INTO orders (order_id, account_name, fingerprint, requested_at, state, envelope, warnings,
                      source_topic, source_partition, source_offset, status_sequence, completed_at)
  SELECT o.*, CASE WHEN o.state IN ('completed', 'partial', 'failed') THEN now() END
    FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[], $7::jsonb[],
                $8::text[], $9::int[], $10::bigint[], $11::int[])
         AS o(order_id, account_name, fingerprint, requested_at, state, envelope, warnings,
              source_topic, source_partition, source_offset, status_sequence)`;

/** $1 order ids, $2 item ids, $3 positions, $4 actions, $5 resources, $6 states, $7 payloads, $8 number counts */
export const INSERT_ORDER_ITEMS = `
  INSERT INTO order_items (order_id, item_id, position, action, resource, state, payload, number_count)
  SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::int[])`;

/**
 * One row per number; what numbers share is sent once: $1 numbers, $2 each
 * number's 1-based index into the distinct (order id $3, item id $4,
 * service $5, operation $6) groups.
 */
export const INSERT_ORDER_ITEM_NUMBERS = `
  INSERT INTO order_item_numbers (order_id, item_id, telephone_number, service, operation)
  SELECT g.order_id, g.item_id, u.telephone_number, g.service, g.operation
    FROM unnest($1::text[], $2::int[]) AS u(telephone_number, g)
    JOIN unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS g(order_id, item_id, service, operation, position)
      ON g.position = u.g`;

/** $1 topics … $13 account names */
export const INSERT_DEAD_LETTERS = `
  INSERT INTO dead_letters (source_topic, source_partition, source_offset, source_timestamp, consumer_group,
                            message_key, value, headers, error_code, error_message, violations, order_id, account_name)
  SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::timestamptz[], $5::text[], $6::bytea[], $7::bytea[],
                       $8::jsonb[], $9::text[], $10::text[], $11::jsonb[], $12::text[], $13::text[])
  ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING`;

export { INSERT_OUTBOX, NOTIFY_OUTBOX } from '../outbox/index.js';
export { NOTIFY_RECONCILER } from '../contracts/reconciler-channel.js';
export { NOTIFY_LOOKUP } from '../contracts/lookup-channel.js';
