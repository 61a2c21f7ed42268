import { readFileSync } from 'node:fs';

/**
 * Another process's memory from /proc/<pid>/status: VmRSS sampled while the
 * run goes on, VmHWM (the kernel's own peak) read at the end.
 */

export interface MemoryFigures {
  readonly startMb: number;
  /** The highest of every VmRSS sample and the final VmHWM. */
  readonly peakMb: number;
  readonly hwmMb: number | null;
  readonly samples: number;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}

export interface MemorySampler {
  /** Reads VmHWM (call before the process exits) and stops sampling. */
  stop(): MemoryFigures;
}

export function sampleProcessMemory(pid: number, intervalMs = 100): MemorySampler {
  const start = statusField(pid, 'VmRSS') ?? Number.NaN;
  let peak = start;
  let samples = 1;
  const timer = setInterval(() => {
    const rss = statusField(pid, 'VmRSS');
    if (rss === null) return;
    samples += 1;
    if (!(rss <= peak)) peak = rss;
  }, intervalMs).unref();
  let figures: MemoryFigures | undefined;
  return {
    stop: () => {
      if (figures) return figures;
      clearInterval(timer);
      const hwm = statusField(pid, 'VmHWM');
      figures = { startMb: start, peakMb: Math.max(peak, hwm ?? 0), hwmMb: hwm, samples };
      return figures;
    },
  };
}
