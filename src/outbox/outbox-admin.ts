import type { Pool } from 'pg';
import { withTransaction } from '../platform/db/pool.js';
import * as sql from './outbox-sql.js';

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

export async function listOutbox(
  pool: Pool,
  options: { readonly parkedOnly: boolean; readonly limit: number },
): Promise<{ rows: OutboxEntry[]; counts: OutboxCounts }> {
  const [rows, counts] = await Promise.all([
    pool.query<OutboxEntry>(options.parkedOnly ? sql.LIST_PARKED : sql.LIST_UNPUBLISHED, [options.limit]),
    pool.query<OutboxCounts>(sql.COUNT_UNPUBLISHED),
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
        ? await client.query<OutboxEntry>(sql.LOCK_BY_ID, [selection.ids])
        : await client.query<OutboxEntry>(sql.LOCK_ALL_PARKED);
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
      await client.query(sql.RETRY, [retried]);
      await client.query(sql.NOTIFY_OUTBOX);
    }
    return outcomes;
  });
}
