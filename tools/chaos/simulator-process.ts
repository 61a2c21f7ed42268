import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CounterSnapshot, FaultOptions, LedgerEntry } from '../../src/simulator/index.js';
import type { ConsentSeed, NumberSeed } from '../../src/simulator/seeds.js';
import type { NumberRecord } from '../../src/simulator/state.js';
import { readStartupReport, simulatorCommand } from '../shared/simulator-child.js';

/**
 * The Operator Connect simulator in a process of its own (`flowthrough
 * simulator`, as tools/bench/lib/flowthrough-simulator-process.ts starts it), with
 * short-lived tokens so the workers go back to the fake Entra ID during the
 * run. The workers get exactly the settings it prints; the run drives faults
 * and consents, and reads the ledger, numbers and counters, over its admin API.
 */

export interface SimulatorProcessOptions {
  readonly dir: string;
  readonly seed: number;
  readonly consents: readonly ConsentSeed[];
  /** Numbers tenants hold at start. */
  readonly numbers: readonly NumberSeed[];
  readonly latencyMs: number;
  readonly processingDelayMs: number;
  readonly rateLimitPerSecond: number;
  readonly tokenLifetimeSeconds: number;
}

export interface SimulatorProcess {
  /** Every setting a worker needs (OPERATOR_CONNECT_*, NODE_EXTRA_CA_CERTS), as the simulator printed them. */
  readonly clientEnvironment: Readonly<Record<string, string>>;
  readonly adminUrl: string;
  readonly logFile: string;
  injectFaults(faults: FaultOptions): Promise<void>;
  clearFaults(): Promise<void>;
  setConsent(tenantId: string, patch: Readonly<Record<string, unknown>>): Promise<void>;
  ledger(): Promise<readonly LedgerEntry[]>;
  numbers(): Promise<readonly NumberRecord[]>;
  counters(): Promise<CounterSnapshot>;
  exited(): boolean;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const seedFile = join(options.dir, 'simulator-seed.json');
  const caFile = join(options.dir, 'simulator-ca.pem');
  const logFile = join(options.dir, 'simulator.log');
  await writeFile(seedFile, JSON.stringify({ consents: options.consents, numbers: options.numbers }));
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    process.execPath,
    simulatorCommand(
      [
        '--port',
        '0',
        '--token-port',
        '0',
        '--latency-ms',
        String(options.latencyMs),
        '--processing-delay-ms',
        String(options.processingDelayMs),
        '--rate-limit',
        String(options.rateLimitPerSecond),
        '--token-lifetime-seconds',
        String(options.tokenLifetimeSeconds),
        '--seed-file',
        seedFile,
      ],
      { caFile, seed: options.seed },
    ),
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
    process.off('exit', killOnExit);
  });
  child.stderr?.pipe(log);
  const { adminUrl, settings } = await readStartupReport(
    child,
    () => new Error(`the simulator process exited before it was ready; its log: ${logFile}`),
    (line) => void log.write(`${line}\n`),
  );
  if (!adminUrl || !settings.has('OPERATOR_CONNECT_BASE_URL'))
    throw new Error(`the simulator did not print its admin URL and client settings; its log: ${logFile}`);

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator admin ${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    clientEnvironment: Object.fromEntries(settings),
    adminUrl,
    logFile,
    injectFaults: async (faults) => void (await admin('POST', '/faults', faults)),
    clearFaults: async () => void (await admin('DELETE', '/faults')),
    setConsent: async (tenantId, patch) => void (await admin('PUT', `/consents/${tenantId}`, patch)),
    ledger: async () => (await admin<{ entries: LedgerEntry[] }>('GET', '/ledger')).entries,
    numbers: async () => (await admin<{ value: NumberRecord[] }>('GET', '/numbers')).value,
    counters: () => admin<CounterSnapshot>('GET', '/counters'),
    exited: () => exited,
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}
