/** Replay status of a dead letter: its latest replay attempt, or pending when there is none. */
export const DEAD_LETTER_STATUSES = ['pending', 'replaying', 'replayed', 'failed'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export function isDeadLetterStatus(value: string): value is DeadLetterStatus {
  return (DEAD_LETTER_STATUSES as readonly string[]).includes(value);
}

/** Which dead letters a list, replay or purge is about. Every field narrows; none means all. */
export interface DeadLetterFilter {
  readonly ids?: readonly string[];
  readonly since?: Date;
  readonly until?: Date;
  readonly codes?: readonly string[];
  readonly account?: string;
  readonly orderId?: string;
  readonly topic?: string;
  readonly partition?: number;
  readonly status?: DeadLetterStatus;
}

export function isEmptyFilter(filter: DeadLetterFilter): boolean {
  return Object.values(filter).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
}

/**
 * The selection as SQL: the dead letters with their latest replay attempt,
 * every filter a parameter ($1…$9, NULL = no filter). Callers wrap it.
 */
export const SELECTED_DEAD_LETTERS = `
  SELECT d.id, d.created_at, d.error_code, d.error_message, d.order_id, d.account_name,
         d.source_topic, d.source_partition, d.source_offset, d.source_timestamp, d.consumer_group,
         coalesce(r.status, 'pending') AS status, r.attempt AS last_attempt, r.replayed_by AS last_replayed_by,
         r.started_at AS last_started_at, r.finished_at AS last_finished_at
    FROM dead_letters d
    LEFT JOIN LATERAL (
      SELECT status, attempt, replayed_by, started_at, finished_at FROM dead_letter_replays
       WHERE dead_letter_id = d.id ORDER BY attempt DESC LIMIT 1
    ) r ON true
   WHERE ($1::bigint[] IS NULL OR d.id = ANY($1::bigint[]))
     AND ($2::timestamptz IS NULL OR d.created_at >= $2::timestamptz)
     AND ($3::timestamptz IS NULL OR d.created_at < $3::timestamptz)
     AND ($4::text[] IS NULL OR d.error_code = ANY($4::text[]))
     AND ($5::text IS NULL OR d.account_name = $5::text)
     AND ($6::text IS NULL OR d.order_id = $6::text)
     AND ($7::text IS NULL OR d.source_topic = $7::text)
     AND ($8::int IS NULL OR d.source_partition = $8::int)
     AND ($9::text IS NULL OR coalesce(r.status, 'pending') = $9::text)`;

export function filterParameters(filter: DeadLetterFilter): unknown[] {
  return [
    filter.ids && filter.ids.length > 0 ? filter.ids : null,
    filter.since?.toISOString() ?? null,
    filter.until?.toISOString() ?? null,
    filter.codes && filter.codes.length > 0 ? filter.codes : null,
    filter.account ?? null,
    filter.orderId ?? null,
    filter.topic ?? null,
    filter.partition ?? null,
    filter.status ?? null,
  ];
}
