import type { Pool } from 'pg';

export interface PurgeSelection {
  readonly olderThan: Date;
  /** Only dead letters whose latest replay attempt is "replayed". */
  readonly replayedOnly: boolean;
}

/**
 * $1 cut-off, $2 replayed only. A record in the middle of a replay
 * ("replaying") is never purged: the run that left it must be able to finish.
 */
const PURGEABLE = `
  SELECT d.id, d.error_code FROM dead_letters d
    LEFT JOIN LATERAL (SELECT status FROM dead_letter_replays WHERE dead_letter_id = d.id ORDER BY attempt DESC LIMIT 1) r ON true
   WHERE d.created_at < $1::timestamptz
     AND coalesce(r.status, 'pending') <> 'replaying'
     AND (NOT $2::boolean OR r.status = 'replayed')`;

export interface PurgeSummary {
  readonly total: number;
  readonly byCode: Record<string, number>;
}

function summarise(rows: ReadonlyArray<{ error_code: string; n: number }>): PurgeSummary {
  return { total: rows.reduce((t, r) => t + r.n, 0), byCode: Object.fromEntries(rows.map((r) => [r.error_code, r.n])) };
}

export async function previewPurge(pool: Pool, selection: PurgeSelection): Promise<PurgeSummary> {
  const { rows } = await pool.query<{ error_code: string; n: number }>(
    `SELECT error_code, count(*)::int AS n FROM (${PURGEABLE}) p GROUP BY error_code ORDER BY n DESC, error_code`,
    [selection.olderThan.toISOString(), selection.replayedOnly],
  );
  return summarise(rows);
}

/** Deletes the selection with its replay history (ON DELETE CASCADE), in one statement. */
export async function purgeDeadLetters(pool: Pool, selection: PurgeSelection): Promise<PurgeSummary> {
  const { rows } = await pool.query<{ error_code: string; n: number }>(
    `WITH gone AS (DELETE FROM dead_letters WHERE id IN (SELECT id FROM (${PURGEABLE}) p) RETURNING error_code)
     SELECT error_code, count(*)::int AS n FROM gone GROUP BY error_code ORDER BY n DESC, error_code`,
    [selection.olderThan.toISOString(), selection.replayedOnly],
  );
  return summarise(rows);
}
