/** Small statistics for benchmark figures. Every function refuses an empty list rather than inventing a value. */

function nonEmpty(values: readonly number[], what: string): readonly number[] {
  if (values.length === 0) throw new RangeError(`${what} of an empty list`);
  return values;
}

export function median(values: readonly number[]): number {
  const sorted = [...nonEmpty(values, 'median')].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

export function mean(values: readonly number[]): number {
  return nonEmpty(values, 'mean').reduce((sum, v) => sum + v, 0) / values.length;
}

export function min(values: readonly number[]): number {
  return Math.min(...nonEmpty(values, 'min'));
}

export function max(values: readonly number[]): number {
  return Math.max(...nonEmpty(values, 'max'));
}

/** (max − min) / median: how far apart the repeats of one figure landed. */
export function relativeSpread(values: readonly number[]): number {
  const m = median(values);
  return m === 0 ? 0 : (max(values) - min(values)) / m;
}

/** Items per second; NaN when no time passed (a figure that must not look like a result). */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : Number.NaN;
}

/** numerator / denominator, NaN when the denominator is 0. */
export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? Number.NaN : numerator / denominator;
}

/** Rounds to `digits` significant decimals for printing; large figures keep their integer part. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A list of repeat values as one figure string, e.g. "12031,11874,12510". */
export function runsFigure(values: readonly number[], digits = 0): string {
  return values.map((v) => String(round(v, digits))).join(',');
}

export const BYTES_PER_MB = 1024 * 1024;
