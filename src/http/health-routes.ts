import { get, type Route } from './http-server.js';

export interface ReadinessCheck {
  readonly name: string;
  readonly check: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 3_000;

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: the process answers. /readyz: every dependency answers. */
export function healthRoutes(checks: readonly ReadinessCheck[], isStopping: () => boolean): Route[] {
  return [
    get('/healthz', () => ({ status: 200, body: { status: 'ok' } })),
    get('/readyz', async () => {
      const results = await Promise.all(checks.map(runCheck));
      const ready = !isStopping() && results.every((r) => r.ok);
      return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not ready', stopping: isStopping(), checks: results } };
    }),
  ];
}
