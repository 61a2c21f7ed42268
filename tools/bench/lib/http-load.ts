import autocannon from 'autocannon';

/**
 * One load run over HTTP keep-alive with autocannon: `connections` clients,
 * each sending its next request as soon as the last one was answered
 * (pipelining 1), cycling through `paths`. Latencies are taken from every
 * response in microseconds: autocannon's own histogram keeps whole
 * milliseconds, too coarse for a 2 ms target.
 */
export interface HttpLoadOptions {
  readonly port: number;
  readonly paths: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationS: number;
}

export interface HttpLoadResult {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  let latencies = new Float64Array(1 << 20);
  let count = 0;
  // Without a callback autocannon returns its instance, an emitter that is also thenable (the types say Promise only).
  const instance = autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationS,
    headers: { ...options.headers },
    requests: options.paths.map((path) => ({ method: 'GET', path })),
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const sorted = latencies.subarray(0, count).sort();
  return {
    // 2xx answers only: a refused request must not count as a lookup.
    requestsPerSec: result['2xx'] / (result.duration || options.durationS),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
