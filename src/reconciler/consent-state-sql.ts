/**
 * The consent state sync's statements (backend_consents, migration 000013).
 * Every value a parameter. $2 of each is when the backend read began: a row
 * another worker (or `consents show --refresh`) wrote from a later read is
 * left as it is, so two overlapping reads cannot put an older answer back.
 */

/**
 * $1 jsonb array of {tenant_id, status, consented_countries (array), contacts, customer_relationship,
 * consented_on, last_modified_on, product_context, operator_id, account_name}, one per tenant;
 * $2 read start. A tenant listed again is no longer gone.
 */
export const UPSERT_BACKEND_CONSENTS = `
  INSERT INTO backend_consents AS b (tenant_id, status, consented_countries, contacts, customer_relationship, consented_on,
                                     last_modified_on, product_context, operator_id, account_name, read_at, gone_at)
  SELECT r.tenant_id, r.status, ARRAY(SELECT jsonb_array_elements_text(coalesce(r.consented_countries, '[]'::jsonb))),
         coalesce(r.contacts, '[]'::jsonb), r.customer_relationship, r.consented_on, r.last_modified_on, r.product_context,
         r.operator_id, r.account_name, $2::timestamptz, NULL
    FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, status text, consented_countries jsonb, contacts jsonb,
                                           customer_relationship jsonb, consented_on timestamptz, last_modified_on timestamptz,
                                           product_context text, operator_id text, account_name text)
  ON CONFLICT (tenant_id) DO UPDATE SET
         status = EXCLUDED.status, consented_countries = EXCLUDED.consented_countries, contacts = EXCLUDED.contacts,
         customer_relationship = EXCLUDED.customer_relationship, consented_on = EXCLUDED.consented_on,
         last_modified_on = EXCLUDED.last_modified_on, product_context = EXCLUDED.product_context,
         operator_id = EXCLUDED.operator_id, account_name = EXCLUDED.account_name, read_at = EXCLUDED.read_at, gone_at = NULL
   WHERE b.read_at <= EXCLUDED.read_at`;

/** $1 tenants the full list carried, $2 read start: every other tenant is gone from the backend. */
export const MARK_GONE_EXCEPT = `
  UPDATE backend_consents SET gone_at = $2::timestamptz
   WHERE gone_at IS NULL AND read_at < $2::timestamptz AND tenant_id <> ALL($1::text[])`;

/** $1 tenant the backend answered 404 for, $2 read start. */
export const MARK_GONE = `
  UPDATE backend_consents SET gone_at = $2::timestamptz WHERE tenant_id = $1 AND gone_at IS NULL AND read_at < $2::timestamptz`;
