/** Replay status of a dead letter: its latest replay attempt, or pending when there is none. */
export const DEAD_LETTER_STATUSES = ['pending', 'replaying', 'replayed', 'failed'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export function isDeadLetterStatus(value: string): value is DeadLetterStatus {
  return (DEAD_LETTER_STATUSES as readonly string[]).includes(value);
}

/** Which dead letters a list, replay or purge is about. Every field narrows; none means all (as SQL: dlq-sql.ts filterParameters). */
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
