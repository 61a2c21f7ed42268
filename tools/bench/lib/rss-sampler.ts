import { BYTES_PER_MB } from './stats.js';

/**
 * Samples the resident set size of THIS process (process.memoryUsage().rss).
 * The harness runs the worker under test in-process, so that is the figure;
 * it also holds whatever the harness itself allocated before (generated
 * records, earlier measurements): read peakMb next to startMb.
 */
export interface RssSummary {
  /** RSS when sampling started. */
  readonly startMb: number;
  /** Highest RSS seen while sampling (including the first and last sample). */
  readonly peakMb: number;
  /** RSS when sampling stopped. */
  readonly endMb: number;
  readonly samples: number;
}

export interface RssSampler {
  /** The peak so far, without stopping. */
  peakMb(): number;
  /** Stops sampling (idempotent) and returns the summary. */
  stop(): RssSummary;
}

const DEFAULT_INTERVAL_MS = 75;

export function startRssSampler(options: { intervalMs?: number } = {}): RssSampler {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  if (!(intervalMs >= 10 && intervalMs <= 1000)) throw new RangeError(`RSS sampling interval ${intervalMs} ms: must be 10–1000 ms`);
  const start = process.memoryUsage.rss();
  let peak = start;
  let samples = 1;
  let summary: RssSummary | undefined;
  const sample = (): number => {
    const rss = process.memoryUsage.rss();
    samples += 1;
    if (rss > peak) peak = rss;
    return rss;
  };
  // unref: a forgotten sampler must not keep the process alive.
  const timer = setInterval(sample, intervalMs).unref();
  return {
    peakMb: () => peak / BYTES_PER_MB,
    stop: () => {
      if (summary) return summary;
      clearInterval(timer);
      const end = sample();
      summary = { startMb: start / BYTES_PER_MB, peakMb: peak / BYTES_PER_MB, endMb: end / BYTES_PER_MB, samples };
      return summary;
    },
  };
}
