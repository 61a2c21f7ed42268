const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "15m", "12h", "30d", "2w", or combined "1d12h" → milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) total += Number(match[1]) * (UNITS[match[2] ?? ''] ?? 0);
  return total;
}

/**
 * A point in time for --since/--until: an ISO 8601 / RFC 3339 timestamp, or
 * a duration meaning "that long before now" ("2h", "7d"). null when neither.
 */
export function parseTimeArgument(text: string, now: Date): Date | null {
  const ago = parseDuration(text);
  if (ago !== null) return new Date(now.getTime() - ago);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}
