import { get, type Route } from './http-server.js';

export interface ReadinessCheck {
  readonly name: string;
  readonly check: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 3_000;

async function runCheck(check: ReadinessCheck): Promise<ComponentReadiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** A component's own word on its readiness (intake consumer, relay, reconciler, start-up). */
export interface ComponentReadiness {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/**
 * /healthz: the process answers (liveness). /readyz: every dependency answers
 * and every component can do its work; 503 names each one that cannot.
 */
export function healthRoutes(
  checks: readonly ReadinessCheck[],
  isStopping: () => boolean,
  components: () => readonly ComponentReadiness[] = () => [],
): Route[] {
  return [
    get('/healthz', () => ({ status: 200, body: { status: 'ok' } })),
    get('/readyz', async () => {
      const results = [...(await Promise.all(checks.map(runCheck))), ...components()];
      const ready = !isStopping() && results.every((r) => r.ok);
      const notReady = results.filter((r) => !r.ok).map((r) => r.name);
      return {
        status: ready ? 200 : 503,
        body: {
          status: ready ? 'ready' : 'not ready',
          stopping: isStopping(),
          ...(notReady.length > 0 ? { notReady } : {}),
          checks: results,
        },
      };
    }),
  ];
}
