/**
 * The intake's writes: one set-based statement per table per chunk, every
 * value a parameter, arrays unnested (de-duplicated by key beforehand).
 */

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
