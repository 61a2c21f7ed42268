/**
 * The call-time lookup's statements, every value a parameter: what a
 * number's lookup answers from (live numbers and accounts only), read in
 * pages for a full load and by key after a notice (lookup-channel.ts).
 */

// Enabled services as one sorted, comma-joined text: cheaper to send and parse than jsonb or text[] for a
// million rows, and the loader shares one array per distinct combination.
const NUMBER_COLUMNS = `telephone_number, account_name, custom_sip_header,
  (SELECT string_agg(s.key, ',' ORDER BY s.key) FROM jsonb_each(service_details) AS s
    WHERE s.value -> 'enabled' = 'true'::jsonb) AS services`;

const ACCOUNT_COLUMNS = `name, service_details #>> '{teamsDirectRouting,configuration,subdomain}' AS subdomain`;

/** $1 after this number (NULL: from the first), $2 limit: a page of live numbers in key order. */
export const NUMBER_PAGE = `
  SELECT ${NUMBER_COLUMNS} FROM numbers
   WHERE deleted_at IS NULL AND ($1::text IS NULL OR telephone_number > $1)
   ORDER BY telephone_number LIMIT $2`;

/** $1 numbers: those of them that are live. */
export const NUMBERS_BY_KEY = `
  SELECT ${NUMBER_COLUMNS} FROM numbers WHERE telephone_number = ANY($1::text[]) AND deleted_at IS NULL`;

/** $1 after this name (NULL: from the first), $2 limit: a page of live accounts. */
export const ACCOUNT_PAGE = `
  SELECT ${ACCOUNT_COLUMNS} FROM accounts
   WHERE deleted_at IS NULL AND ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2`;

/** $1 account names: those of them that are live. */
export const ACCOUNTS_BY_NAME = `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE name = ANY($1::text[]) AND deleted_at IS NULL`;
