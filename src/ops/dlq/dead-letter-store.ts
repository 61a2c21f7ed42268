import type { Pool, PoolClient } from 'pg';
import type { StoredHeaders } from '../../platform/kafka/record-headers.js';
import { PermanentError } from '../../core/errors.js';
import type { DeadLetterFilter, DeadLetterStatus } from './dead-letter-filter.js';
import * as sql from './dlq-sql.js';

type Db = Pool | PoolClient;

export interface DeadLetterSummary {
  readonly id: string;
  readonly createdAt: Date;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly orderId: string | null;
  readonly account: string | null;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly sourceTimestamp: Date | null;
  readonly consumerGroup: string;
  readonly status: DeadLetterStatus;
  readonly lastAttempt: number | null;
  readonly lastReplayedBy: string | null;
  readonly lastStartedAt: Date | null;
  readonly lastFinishedAt: Date | null;
}

export interface DeadLetterRecord extends DeadLetterSummary {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: StoredHeaders;
  readonly violations: ReadonlyArray<{ code: string; path: string; message: string }>;
}

export interface ReplayAttempt {
  readonly attempt: number;
  readonly status: Exclude<DeadLetterStatus, 'pending'>;
  readonly replayedBy: string;
  readonly targetTopic: string;
  readonly forceStale: boolean;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly producedPartition: number | null;
  readonly producedOffset: string | null;
  readonly error: string | null;
  /** What the intake made of the re-published record, where it can be told. */
  readonly landedAs:
    | { readonly kind: 'order'; readonly orderId: string; readonly state: string }
    | { readonly kind: 'dead_letter'; readonly id: string; readonly errorCode: string }
    | null;
}

interface SummaryRow {
  id: string;
  created_at: Date;
  error_code: string;
  error_message: string;
  order_id: string | null;
  account_name: string | null;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  source_timestamp: Date | null;
  consumer_group: string;
  status: DeadLetterStatus;
  last_attempt: number | null;
  last_replayed_by: string | null;
  last_started_at: Date | null;
  last_finished_at: Date | null;
}

function summary(r: SummaryRow): DeadLetterSummary {
  return {
    id: String(r.id),
    createdAt: r.created_at,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    orderId: r.order_id,
    account: r.account_name,
    sourceTopic: r.source_topic,
    sourcePartition: r.source_partition,
    sourceOffset: String(r.source_offset),
    sourceTimestamp: r.source_timestamp,
    consumerGroup: r.consumer_group,
    status: r.status,
    lastAttempt: r.last_attempt,
    lastReplayedBy: r.last_replayed_by,
    lastStartedAt: r.last_started_at,
    lastFinishedAt: r.last_finished_at,
  };
}

/** Tells "run the migration" apart from other failures: the replay history is migration 000004's. */
export async function assertReplayTable(db: Db): Promise<void> {
  const { rows } = await db.query<{ present: boolean }>(sql.REPLAY_TABLE_PRESENT);
  if (!rows[0]?.present) {
    throw new PermanentError(
      'database_not_migrated',
      'the dead_letter_replays table is missing: run "npx flowthrough migrate" with this version first',
    );
  }
}

/** Dead letters in id order after `afterId`, at most `limit`. */
export async function listDeadLetters(
  db: Db,
  filter: DeadLetterFilter,
  options: { limit: number; afterId?: string },
): Promise<DeadLetterSummary[]> {
  const { rows } = await db.query<SummaryRow>(sql.LIST_DEAD_LETTERS, [
    ...sql.filterParameters(filter),
    options.afterId ?? null,
    options.limit,
  ]);
  return rows.map(summary);
}

/** Count per error code over the whole selection (not just one page). */
export async function countByCode(db: Db, filter: DeadLetterFilter): Promise<Record<string, number>> {
  const { rows } = await db.query<{ error_code: string; n: number }>(sql.COUNT_BY_CODE, sql.filterParameters(filter));
  return Object.fromEntries(rows.map((r) => [r.error_code, r.n]));
}

/** Full records (bytes, headers, violations) of the given ids, in id order. */
export async function loadDeadLetters(db: Db, ids: readonly string[]): Promise<DeadLetterRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<
    SummaryRow & { message_key: Buffer | null; value: Buffer | null; headers: StoredHeaders; violations: DeadLetterRecord['violations'] }
  >(sql.LOAD_DEAD_LETTERS, sql.filterParameters({ ids }));
  return rows.map((r) => ({ ...summary(r), key: r.message_key, value: r.value, headers: r.headers, violations: r.violations }));
}

export async function replayHistory(db: Db, id: string): Promise<ReplayAttempt[]> {
  const { rows } = await db.query<{
    attempt: number;
    status: ReplayAttempt['status'];
    replayed_by: string;
    target_topic: string;
    force_stale: boolean;
    started_at: Date;
    finished_at: Date | null;
    produced_partition: number | null;
    produced_offset: string | null;
    error: string | null;
    landed_order_id: string | null;
    landed_order_state: string | null;
    landed_dead_letter_id: string | null;
    landed_error_code: string | null;
  }>(sql.REPLAY_HISTORY, [id]);
  return rows.map((r) => ({
    attempt: r.attempt,
    status: r.status,
    replayedBy: r.replayed_by,
    targetTopic: r.target_topic,
    forceStale: r.force_stale,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    producedPartition: r.produced_partition,
    producedOffset: r.produced_offset,
    error: r.error,
    landedAs:
      r.landed_dead_letter_id !== null
        ? { kind: 'dead_letter', id: r.landed_dead_letter_id, errorCode: r.landed_error_code ?? '' }
        : r.landed_order_id !== null
          ? { kind: 'order', orderId: r.landed_order_id, state: r.landed_order_state ?? '' }
          : null,
  }));
}
