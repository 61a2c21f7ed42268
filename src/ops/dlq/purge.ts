import type { Pool } from 'pg';
import * as sql from './dlq-sql.js';

export interface PurgeSelection {
  readonly olderThan: Date;
  /** Only dead letters whose latest replay attempt is "replayed". */
  readonly replayedOnly: boolean;
}

export interface PurgeSummary {
  readonly total: number;
  readonly byCode: Record<string, number>;
}

function summarise(rows: ReadonlyArray<{ error_code: string; n: number }>): PurgeSummary {
  return { total: rows.reduce((t, r) => t + r.n, 0), byCode: Object.fromEntries(rows.map((r) => [r.error_code, r.n])) };
}

/** What a purge would delete. A record in the middle of a replay ("replaying") is never purged: its run must be able to finish. */
export async function previewPurge(pool: Pool, selection: PurgeSelection): Promise<PurgeSummary> {
  const { rows } = await pool.query<{ error_code: string; n: number }>(sql.PREVIEW_PURGE, [
    selection.olderThan.toISOString(),
    selection.replayedOnly,
  ]);
  return summarise(rows);
}

/** Deletes the selection with its replay history (ON DELETE CASCADE), in one statement. */
export async function purgeDeadLetters(pool: Pool, selection: PurgeSelection): Promise<PurgeSummary> {
  const { rows } = await pool.query<{ error_code: string; n: number }>(sql.PURGE, [
    selection.olderThan.toISOString(),
    selection.replayedOnly,
  ]);
  return summarise(rows);
}
