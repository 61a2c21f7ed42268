import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration, parseTimeArgument } from './duration.js';
import { DEAD_LETTER_STATUSES, isDeadLetterStatus, type DeadLetterFilter } from './dlq/dead-letter-filter.js';

export class UsageError extends Error {}

export const FILTER_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  code: { type: 'string', multiple: true },
  account: { type: 'string' },
  order: { type: 'string' },
  topic: { type: 'string' },
  partition: { type: 'string' },
  status: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export function parse(
  args: readonly string[],
  options: ParseArgsConfig['options'],
  positionals = false,
): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: positionals });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function stringValue(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function positiveNumber(values: Values, name: string, integer = true): number | undefined {
  const text = stringValue(values, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, not ${JSON.stringify(text)}`);
  return n;
}

function time(values: Values, name: 'since' | 'until', now: Date): Date | undefined {
  const text = stringValue(values, name);
  if (text === undefined) return undefined;
  const at = parseTimeArgument(text, now);
  if (at === null)
    throw new UsageError(
      `--${name} takes an ISO 8601 time (2026-11-29T10:00:00Z) or a duration before now (90m, 12h, 7d), not ${JSON.stringify(text)}`,
    );
  return at;
}

/** The filter options as a DeadLetterFilter; ids are positional arguments (replay). */
export function filterFrom(values: Values, now: Date, ids: readonly string[] = []): DeadLetterFilter {
  for (const id of ids)
    if (!/^\d{1,18}$/.test(id)) throw new UsageError(`a dead letter id is a number (see "dlq list"), not ${JSON.stringify(id)}`);
  const status = stringValue(values, 'status');
  if (status !== undefined && !isDeadLetterStatus(status))
    throw new UsageError(`--status must be one of ${DEAD_LETTER_STATUSES.join(', ')}`);
  const partitionText = stringValue(values, 'partition');
  if (partitionText !== undefined && !/^\d+$/.test(partitionText))
    throw new UsageError(`--partition must be a partition number, not ${JSON.stringify(partitionText)}`);
  const codes = (values.code as string[] | undefined)
    ?.flatMap((c) => c.split(','))
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  const since = time(values, 'since', now);
  const until = time(values, 'until', now);
  const filter: DeadLetterFilter = {
    ...(ids.length > 0 ? { ids } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(codes && codes.length > 0 ? { codes } : {}),
    ...(stringValue(values, 'account') !== undefined ? { account: stringValue(values, 'account') } : {}),
    ...(stringValue(values, 'order') !== undefined ? { orderId: stringValue(values, 'order') } : {}),
    ...(stringValue(values, 'topic') !== undefined ? { topic: stringValue(values, 'topic') } : {}),
    ...(partitionText !== undefined ? { partition: Number(partitionText) } : {}),
    ...(status !== undefined ? { status } : {}),
  };
  return filter;
}

export function durationValue(values: Values, name: string): number | undefined {
  const text = stringValue(values, name);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) throw new UsageError(`--${name} takes a duration such as 30d, 12h or 90m, not ${JSON.stringify(text)}`);
  return ms;
}
