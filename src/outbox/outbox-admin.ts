import type { Pool } from 'pg';
import { withTransaction } from '../platform/db/pool.js';
import { NOTIFY_OUTBOX } from './outbox-sql.js';

/**
 * The operator's view of the outbox (`flowthrough outbox list|retry`):
 * unpublished rows, why they wait, and un-parking.
 */

export interface OutboxEntry {
  id: string;
  topic: string;
  message_key: Buffer | null;
  order_id: string | null;
  event_ids: string[] | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  parked_at: Date | null;
  created_at: Date;
  published_at: Date | null;
}

export interface OutboxCounts {
  /** Not published, parked rows included. */
  readonly unpublished: number;
  readonly parked: number;
  /** Refused at least once, waiting for their next attempt. */
  readonly waiting: number;
}

const COLUMNS = `id::text AS id, topic, message_key, order_id, coalesce(event_ids, string_to_array(event_id, E'\\n')) AS event_ids,
  attempts, last_error, next_attempt_at, parked_at, created_at, published_at`;

/**
 * Oldest first (ORDER BY outbox.id, the bigint: a bare "id" would sort the
 * text alias, "10" < "9"). $1 limit. Two statements, so each uses its partial index.
 */
const LIST_PARKED = `SELECT ${COLUMNS} FROM outbox WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY outbox.id LIMIT $1`;
const LIST_UNPUBLISHED = `SELECT ${COLUMNS} FROM outbox WHERE published_at IS NULL ORDER BY outbox.id LIMIT $1`;

const COUNTS = `
  SELECT (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS unpublished,
         (SELECT count(*)::int FROM outbox WHERE parked_at IS NOT NULL AND published_at IS NULL) AS parked,
         (SELECT count(*)::int FROM outbox WHERE published_at IS NULL AND parked_at IS NULL AND next_attempt_at > now()) AS waiting`;

/** $1 ids. Locked, so the relay's own update of a row waits for the retry's. */
const SELECT_BY_ID = `SELECT ${COLUMNS} FROM outbox WHERE id = ANY($1::bigint[]) ORDER BY outbox.id FOR UPDATE`;
const SELECT_ALL_PARKED = `SELECT ${COLUMNS} FROM outbox WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY outbox.id FOR UPDATE`;

/** Due at once, with all its attempts again. $1 ids (unpublished rows). */
const RETRY = `UPDATE outbox SET attempts = 0, parked_at = NULL, next_attempt_at = NULL WHERE id = ANY($1::bigint[]) AND published_at IS NULL`;

export async function listOutbox(
  pool: Pool,
  options: { readonly parkedOnly: boolean; readonly limit: number },
): Promise<{ rows: OutboxEntry[]; counts: OutboxCounts }> {
  const [rows, counts] = await Promise.all([
    pool.query<OutboxEntry>(options.parkedOnly ? LIST_PARKED : LIST_UNPUBLISHED, [options.limit]),
    pool.query<OutboxCounts>(COUNTS),
  ]);
  return { rows: rows.rows, counts: counts.rows[0] ?? { unpublished: 0, parked: 0, waiting: 0 } };
}

export type RetryAction = 'retried' | 'would-retry' | 'already-published' | 'not-found';

export interface RetryOutcome {
  readonly id: string;
  readonly action: RetryAction;
  /** The row as it was before the retry (absent when not found). */
  readonly entry?: OutboxEntry;
}

export type RetrySelection = { readonly ids: readonly string[] } | { readonly allParked: true };

/**
 * Un-parks rows (attempts 0, parked_at and next_attempt_at NULL): the relay
 * publishes them on its next cycle, woken at commit. A row given by id that
 * waits for its next attempt becomes due at once too. `dryRun` changes nothing.
 */
export async function retryOutbox(pool: Pool, selection: RetrySelection, dryRun: boolean): Promise<RetryOutcome[]> {
  return withTransaction(pool, async (client) => {
    const { rows } =
      'ids' in selection
        ? await client.query<OutboxEntry>(SELECT_BY_ID, [selection.ids])
        : await client.query<OutboxEntry>(SELECT_ALL_PARKED);
    const found = new Map(rows.map((r) => [r.id, r]));
    const wanted = 'ids' in selection ? [...new Set(selection.ids.map((id) => BigInt(id).toString()))] : rows.map((r) => r.id);
    const outcomes = wanted.map((id): RetryOutcome => {
      const entry = found.get(id);
      if (entry === undefined) return { id, action: 'not-found' };
      if (entry.published_at !== null) return { id, action: 'already-published', entry };
      return { id, action: dryRun ? 'would-retry' : 'retried', entry };
    });
    const retried = outcomes.filter((o) => o.action === 'retried').map((o) => o.id);
    if (retried.length > 0) {
      await client.query(RETRY, [retried]);
      await client.query(NOTIFY_OUTBOX);
    }
    return outcomes;
  });
}
