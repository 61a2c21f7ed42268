import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CounterSnapshot, SimulatorEndpoints } from '../../../src/simulator/index.js';
import type { ConsentSeed } from '../../../src/simulator/seeds.js';

const CLI = fileURLToPath(new URL('../../../src/app/cli/main.ts', import.meta.url));

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
  const dir = await mkdtemp(join(tmpdir(), 'flowthrough-bench-simulator-'));
  const seedFile = join(dir, 'seed.json');
  const caFile = join(dir, 'ca.pem');
  await writeFile(seedFile, JSON.stringify({ consents: options.consents }));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--disable-warning=TimeoutNegativeWarning',
      '--import',
      'tsx',
      CLI,
      'simulator',
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
      '--ca-file',
      caFile,
      '--seed',
      String(options.seed),
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const settings = new Map<string, string>();
  let adminUrl = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator process exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const admin = /admin \(no auth\)\s+(\S+)/.exec(line);
      if (admin?.[1]) adminUrl = admin[1].replace(/\/$/, '');
      const setting = /^\s+([A-Z_]+)=(.*)$/.exec(line);
      if (setting?.[1] && setting[2] !== undefined) settings.set(setting[1], setting[2]);
      // The last line of its start-up report.
      if (setting?.[1] === 'NODE_EXTRA_CA_CERTS') resolve();
    });
  });
  await ready;
  const setting = (name: string): string => {
    const value = settings.get(name);
    if (value === undefined) throw new Error(`the simulator did not print ${name}`);
    return value;
  };
  const endpoints = {
    url: setting('OPERATOR_CONNECT_BASE_URL'),
    adminUrl,
    tokenUrl: `${setting('OPERATOR_CONNECT_AUTHORITY_HOST')}/${setting('OPERATOR_CONNECT_TENANT_ID')}/oauth2/v2.0/token`,
    authorityHost: setting('OPERATOR_CONNECT_AUTHORITY_HOST'),
    caCertificatePem: await readFile(caFile, 'utf8'),
    tenantId: setting('OPERATOR_CONNECT_TENANT_ID'),
    scope: setting('OPERATOR_CONNECT_SCOPE'),
    apiVersion: setting('OPERATOR_CONNECT_API_VERSION'),
    clientId: setting('OPERATOR_CONNECT_CLIENT_ID'),
    clientSecret: setting('OPERATOR_CONNECT_CLIENT_SECRET'),
  } as SimulatorEndpoints;
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
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
