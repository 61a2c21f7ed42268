import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CounterSnapshot, SimulatorEndpoints } from '../../../src/simulator/index.js';
import type { ConsentSeed } from '../../../src/simulator/seeds.js';
import { startBenchSimulatorChild } from './simulator-child.js';

interface LedgerEntry {
  readonly tenantId: string;
  readonly telephoneNumber: string;
  readonly operation: string;
}

/** The parts of the simulator the flow-through benchmark reads, whichever process it runs in. */
export interface BenchSimulator {
  readonly endpoints: SimulatorEndpoints;
  counters(): Promise<CounterSnapshot>;
  ledgerSize(): Promise<number>;
  uploads(): Promise<number>;
  repeatedChanges(): Promise<number>;
  stop(): Promise<void>;
}

export interface SimulatorProcessOptions {
  readonly latencyMs: number;
  readonly processingDelayMs: number;
  readonly maxNumbersPerOrder: number;
  readonly rateLimitPerSecond: number;
  readonly consents: readonly ConsentSeed[];
  readonly seed: number;
}

/**
 * The simulator in a process of its own, through `flowthrough simulator`, as
 * the real API is remote: the worker under test does not share its event
 * loop and CPU share with it. Ledger and counters come over its admin API.
 */
export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<BenchSimulator> {
  const simulator = await startBenchSimulatorChild({
    name: 'the simulator',
    dirPrefix: 'flowthrough-bench-simulator-',
    settingsPrefix: 'OPERATOR_CONNECT',
    seed: options.seed,
    args: async (dir) => {
      const seedFile = join(dir, 'seed.json');
      await writeFile(seedFile, JSON.stringify({ consents: options.consents }));
      return [
        '--port',
        '0',
        '--latency-ms',
        String(options.latencyMs),
        '--processing-delay-ms',
        String(options.processingDelayMs),
        '--max-numbers-per-order',
        String(options.maxNumbersPerOrder),
        '--rate-limit',
        String(options.rateLimitPerSecond),
        '--seed-file',
        seedFile,
      ];
    },
  });
  const { endpoints, adminUrl } = simulator;
  const admin = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${adminUrl}${path}`);
    if (!response.ok) throw new Error(`simulator admin ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  const ledger = (query = '') => admin<{ count: number; entries: LedgerEntry[] }>(`/ledger${query}`);
  return {
    endpoints,
    counters: () => admin<CounterSnapshot>('/counters'),
    ledgerSize: async () => (await ledger()).count,
    uploads: async () => (await ledger('?operation=upload')).count,
    repeatedChanges: async () => {
      const seen = new Map<string, number>();
      for (const e of (await ledger()).entries) {
        const key = `${e.tenantId} ${e.telephoneNumber} ${e.operation}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      return [...seen.values()].filter((n) => n > 1).length;
    },
    stop: () => simulator.stop(),
  };
}
