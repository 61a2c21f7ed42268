/** Calls a simulator answered: operation → HTTP status → count (its counters, or the difference of two snapshots). */
export type CallsByOperation = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** `Op 3×200/1×429, …` for a log line. */
export function describeCalls(byOperation: CallsByOperation): string {
  return Object.entries(byOperation)
    .map(
      ([op, statuses]) =>
        `${op} ${Object.entries(statuses)
          .map(([status, n]) => `${n}×${status}`)
          .join('/')}`,
    )
    .join(', ');
}
