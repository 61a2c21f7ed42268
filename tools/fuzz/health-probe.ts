/**
 * Asks the worker's /healthz and /readyz over and over while the run goes
 * on. Nothing outside the worker is disturbed, so every answer should be
 * 200: a non-200, an error or no answer within the timeout (a blocked event
 * loop) is a failure.
 */

export interface ProbeFailure {
  readonly at: string;
  readonly path: string;
  readonly status: number | null;
  readonly detail: string;
}

export interface ProbeSummary {
  readonly probes: number;
  readonly failures: readonly ProbeFailure[];
  /** Slowest answer of /healthz, which does no I/O: how long the worker's event loop was blocked at worst. */
  readonly healthzMaxMs: number;
}

export interface HealthProbe {
  stop(): Promise<ProbeSummary>;
}

const PATHS = ['/healthz', '/readyz'] as const;

export function startHealthProbe(
  baseUrl: string,
  isAlive: () => boolean,
  options: { intervalMs?: number; timeoutMs?: number } = {},
): HealthProbe {
  const intervalMs = options.intervalMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const failures: ProbeFailure[] = [];
  let probes = 0;
  let healthzMaxMs = 0;
  let running = true;
  let wake: (() => void) | undefined;
  const probe = async (path: string): Promise<void> => {
    const at = new Date().toISOString();
    const started = performance.now();
    try {
      const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
      const body = await response.text();
      probes += 1;
      if (path === '/healthz') healthzMaxMs = Math.max(healthzMaxMs, performance.now() - started);
      if (response.status !== 200 && isAlive()) failures.push({ at, path, status: response.status, detail: body.slice(0, 300) });
    } catch (error) {
      probes += 1;
      if (path === '/healthz') healthzMaxMs = Math.max(healthzMaxMs, performance.now() - started);
      // A worker that has exited is reported as such, not once per probe.
      if (isAlive())
        failures.push({ at, path, status: null, detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  };
  const loop = (async () => {
    while (running) {
      for (const path of PATHS) if (running) await probe(path);
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
      return { probes, failures, healthzMaxMs };
    },
  };
}
