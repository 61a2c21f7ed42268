import {
  createAcgSimulator,
  type AcgCounterSnapshot,
  type AcgSimulatorEndpoints,
  type RequestForInformationSeed,
} from '../../../src/acg-simulator/index.js';
import { startBenchSimulatorChild } from './simulator-child.js';

/** The parts of the ACG simulator the flow-through benchmark uses, whichever process it runs in. */
export interface BenchAcgSimulator {
  readonly endpoints: AcgSimulatorEndpoints;
  /** A customer consented in Teams (the simulator's admin side: not counted, not rate limited). */
  putRequestForInformation(seed: RequestForInformationSeed): Promise<void>;
  counters(): Promise<AcgCounterSnapshot>;
  /** An API token as the fake Entra ID would issue it to the bench's client (to read what ACG holds). */
  issueToken(): Promise<string>;
  stop(): Promise<void>;
}

export interface AcgSimulatorProcessOptions {
  readonly latencyMs: number;
  readonly provisioningDelayMs: number;
  readonly rateLimitPerMinute: number;
  readonly seed: number;
}

/**
 * `flowthrough simulator --api acg` in a process of its own, as the real API is
 * remote: the worker under test does not share its event loop with it. Requests
 * for information and counters go over its admin API.
 */
export async function startAcgSimulatorProcess(options: AcgSimulatorProcessOptions): Promise<BenchAcgSimulator> {
  const simulator = await startBenchSimulatorChild({
    name: 'the ACG simulator',
    dirPrefix: 'flowthrough-bench-acg-simulator-',
    settingsPrefix: 'ACG_PROVISIONING',
    seed: options.seed,
    args: async () => [
      '--api',
      'acg',
      '--port',
      '0',
      '--latency-ms',
      String(options.latencyMs),
      '--provisioning-delay-ms',
      String(options.provisioningDelayMs),
      '--rate-limit-per-minute',
      String(options.rateLimitPerMinute),
    ],
  });
  const { endpoints, adminUrl } = simulator;
  const admin = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!response.ok) throw new Error(`ACG simulator admin ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return response;
  };
  return {
    endpoints,
    putRequestForInformation: async ({ tenantId: tenant, ...rest }) => {
      await admin('PUT', `/requests-for-information/${encodeURIComponent(tenant)}`, rest);
    },
    counters: async () => (await (await admin('GET', '/counters')).json()) as AcgCounterSnapshot,
    issueToken: async () => ((await (await admin('POST', '/tokens', {})).json()) as { access_token: string }).access_token,
    stop: () => simulator.stop(),
  };
}

/** The ACG simulator in this process, behind the same interface. */
export async function inProcessAcgSimulator(options: AcgSimulatorProcessOptions): Promise<BenchAcgSimulator> {
  const simulator = createAcgSimulator({
    latencyMs: options.latencyMs,
    provisioningDelayMs: options.provisioningDelayMs,
    rateLimitPerMinute: options.rateLimitPerMinute,
    seed: options.seed,
  });
  const endpoints = await simulator.start();
  return {
    endpoints,
    putRequestForInformation: async (seed) => simulator.admin.putRequestForInformation(seed),
    counters: async () => simulator.counters.snapshot(),
    issueToken: async () => simulator.admin.issueToken(),
    stop: () => simulator.stop(),
  };
}
