/**
 * Headers linking a re-published record to the dead letter it came from
 * (`flowthrough dlq replay`). They are only a claim: the intake believes a
 * force-stale override only when PostgreSQL holds the matching replay attempt.
 */
export const REPLAY_HEADERS = {
  replayOf: 'flowthrough-replay-of',
  replayedAt: 'flowthrough-replayed-at',
  replayedBy: 'flowthrough-replayed-by',
  attempt: 'flowthrough-replay-attempt',
} as const;

/** The dead letter and replay attempt a record says it re-publishes. */
export interface ReplayClaim {
  readonly deadLetterId: string;
  readonly attempt: number;
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,17}$/;

/** The claim a record's headers make, or null when they make none (or a malformed one). */
export function replayClaim(headers: ReadonlyMap<string, string>): ReplayClaim | null {
  const deadLetterId = headers.get(REPLAY_HEADERS.replayOf);
  const attempt = headers.get(REPLAY_HEADERS.attempt);
  if (deadLetterId === undefined || attempt === undefined) return null;
  if (!POSITIVE_INTEGER.test(deadLetterId) || !POSITIVE_INTEGER.test(attempt) || attempt.length > 9) return null;
  return { deadLetterId, attempt: Number(attempt) };
}
