import { createSimulator, type SimulatorEndpoints } from '../../src/simulator/index.js';
import { simulatorClientEnvironment } from '../../src/simulator/client-environment.js';

/** An example order of examples/, as `flowthrough publish` reads it. */
export interface DemoExample {
  readonly file: string;
  readonly headers: Record<string, string>;
  readonly key: string;
  readonly value: unknown;
}

/** The backend side of the demo: a simulator, the worker settings that reach it, and what it holds at the end. */
export interface DemoBackend {
  readonly name: string;
  start(): Promise<{
    readonly endpoints: SimulatorEndpoints;
    readonly banner: string;
    readonly seeded?: string;
    /** The worker's settings for this backend (its client's and the reconciler's). */
    readonly env: Readonly<Record<string, string>>;
  }>;
  /** The enterprise accepts the operator in Teams: the tenant's consent becomes active. */
  activateConsent(tenantId: string): void;
  /** After the worker stopped: what the backend holds (lines to print) and what is wrong with it (the demo fails). */
  report(): Promise<{ readonly lines: readonly string[]; readonly problems: readonly string[] }>;
  stop(): Promise<void>;
}

/** The Operator Connect simulator, seeded from simulator/demo-seed.json, at 20 requests/s. */
export function operatorConnectDemoBackend(seedFile: string): DemoBackend {
  const simulator = createSimulator({ seedFile, latencyMs: 20, processingDelayMs: 500, rateLimitPerSecond: 20 });
  return {
    name: 'Operator Connect',
    async start() {
      const endpoints = await simulator.start();
      return {
        endpoints,
        banner: `Operator Connect simulator on ${endpoints.url} (fake Entra ID on ${endpoints.authorityHost})`,
        env: {
          ...simulatorClientEnvironment(endpoints),
          OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: '20',
          RECONCILER_EXPECTED_PROCESSING_MS: '600',
          RECONCILER_CONSENT_CACHE_MS: '200',
          RECONCILER_CONSENT_RECHECK_MS: '1000',
        },
      };
    },
    activateConsent(tenantId) {
      simulator.admin.setConsent(tenantId, { status: 'active' });
    },
    async report() {
      const ledger = simulator.ledger.entries({});
      return {
        lines: [`Operator Connect ledger: ${ledger.length} change(s) applied, ${simulator.ledger.repeatedChanges().length} applied twice.`],
        problems: [],
      };
    },
    stop: () => simulator.stop(),
  };
}
