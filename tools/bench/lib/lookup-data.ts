import type pg from 'pg';

/**
 * Provisioned numbers for the lookup benchmark, made inside PostgreSQL by
 * one INSERT … SELECT over generate_series (nothing crosses the wire, so a
 * million rows take seconds): numbers +1 425 000 0000 upwards, spread over
 * `accounts` accounts that each configure a Direct Routing subdomain; every
 * fifth number is a Direct Routing number, the others Operator Connect; all
 * carry custom header contents. Every value a parameter.
 */

export const LOOKUP_FIRST_NUMBER = 14_250_000_000;

/** The E.164 number of the i-th provisioned number (0-based). */
export function lookupNumber(i: number): string {
  return `+${LOOKUP_FIRST_NUMBER + i}`;
}

const OPERATOR_CONNECT = JSON.stringify({
  teamsOperatorConnect: {
    enabled: true,
    configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] },
  },
});
const DIRECT_ROUTING = JSON.stringify({ teamsDirectRouting: { enabled: true } });

const INSERT_ACCOUNTS = `
  INSERT INTO accounts (name, service_details, last_order_id, last_requested_at)
  SELECT 'bench-' || a, jsonb_build_object('teamsDirectRouting', jsonb_build_object('enabled', true, 'syncEnabled', false,
           'configuration', jsonb_build_object('callScreening', false, 'subdomain', 'b' || a,
             'subdomainTokens', jsonb_build_object('region1Token', 'tok1', 'region2Token', 'tok2')))),
         'bench-load', now()
    FROM generate_series(0, $1::int - 1) AS a`;

const INSERT_NUMBERS = `
  INSERT INTO numbers (telephone_number, account_name, service_details, custom_sip_header, last_order_id, last_requested_at)
  SELECT '+' || ($1::bigint + i), 'bench-' || (i % $3::int),
         CASE WHEN i % 5 = 0 THEN $5::jsonb ELSE $4::jsonb END, 'hdr-' || i, 'bench-load', now()
    FROM generate_series(0, $2::int - 1) AS i`;

/** Inserts the accounts and numbers; returns how long it took. */
export async function insertLookupData(pool: pg.Pool, numbers: number, accounts: number): Promise<number> {
  const started = performance.now();
  await pool.query(INSERT_ACCOUNTS, [accounts]);
  await pool.query(INSERT_NUMBERS, [LOOKUP_FIRST_NUMBER, numbers, accounts, OPERATOR_CONNECT, DIRECT_ROUTING]);
  await pool.query('ANALYZE numbers');
  await pool.query('ANALYZE accounts');
  return performance.now() - started;
}
