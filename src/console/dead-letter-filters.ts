import { filterFrom } from '../ops/index.js';

/** The `dlq list|replay` filters, by the CLI's option names; `id` carries dead letter ids (the CLI's positionals). */
export const FILTER_FIELDS = ['since', 'until', 'code', 'account', 'order', 'topic', 'partition', 'status'] as const;

export type DeadLetterFilter = ReturnType<typeof filterFrom>;

/** What the form or query string asked for, as text: kept to fill the form again and to carry into the next step. */
export type FilterParams = ReadonlyArray<readonly [string, string]>;

export function filterParams(source: URLSearchParams): FilterParams {
  const out: Array<[string, string]> = [];
  for (const name of [...FILTER_FIELDS, 'id']) for (const v of source.getAll(name)) if (v.trim() !== '') out.push([name, v.trim()]);
  return out;
}

/**
 * The same filter the CLI builds from its options (filterFrom), so the
 * console selects exactly what `dlq list` and `dlq replay` would; a bad value
 * throws the CLI's UsageError with the CLI's message.
 */
export function filterOf(params: FilterParams, now: Date): DeadLetterFilter {
  const values: Record<string, string | string[]> = {};
  const codes: string[] = [];
  const ids: string[] = [];
  for (const [name, value] of params) {
    if (name === 'code') codes.push(value);
    else if (name === 'id') ids.push(value);
    else values[name] = value;
  }
  if (codes.length > 0) values.code = codes;
  return filterFrom(values, now, ids);
}

export function first(params: FilterParams, name: string): string {
  return params.find(([n]) => n === name)?.[1] ?? '';
}
