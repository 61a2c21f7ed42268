import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_SEED } from '../../src/app/cli/commands/simulator-command.js';
import { simulatorClientEnvironment } from '../../src/simulator/client-environment.js';
import { createSimulator } from '../../src/simulator/index.js';
import { parseStatusEvent, type StatusEvent } from '../../src/core/status/index.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { createKafka } from '../../src/platform/kafka/client.js';
import { collect } from './intake-harness.js';
import { CLI, runCli, type CliResult } from './run-cli.js';
import type { SecureKafka, SecureMode } from './secure-kafka.js';
import { createTestDatabase, onCleanup, randomName, silentLogger } from './test-context.js';

const example = (name: string): string => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

/** A worker process: its output so far, and a way to wait for a line. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves once the lines so far pass `check`; rejects if the worker exits first. */
  waitFor(check: (lines: readonly string[]) => boolean): Promise<void>;
  waitForLine(pattern: RegExp): Promise<void>;
  stop(): Promise<number | null>;
}

/** `flowthrough worker` with exactly `env` (plus PATH and HOME), its JSON log lines collected. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', CLI, 'worker'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ check: (lines: readonly string[]) => boolean; resolve: () => void }> = [];
  let partial = '';
  const take = (chunk: Buffer): void => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) if (w.check(lines)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = once(child, 'exit');
  const waitFor = (check: (lines: readonly string[]) => boolean): Promise<void> => {
    if (check(lines)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      waiters.push({ check, resolve });
      void exited.then(() => reject(new Error(`the worker exited while awaited:\n${lines.slice(-20).join('\n')}`)));
    });
  };
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    return code;
  };
  onCleanup(() => stop());
  return {
    child,
    lines,
    stop,
    waitFor,
    waitForLine: (pattern) => waitFor((all) => all.some((l) => pattern.test(l))),
  };
}

/** Log lines at error level or above (pino: level ≥ 50). */
export function errorLines(lines: readonly string[]): string[] {
  return lines.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });
}

const TERMINAL = new Set(['rejected', 'completed', 'partial', 'failed']);

export interface FlowResult {
  readonly worker: WorkerProcess;
  /** The clients' settings of the flow (KAFKA_*, topics, DATABASE_URL). */
  readonly env: Readonly<Record<string, string>>;
  /** Status events received so far. */
  events(): StatusEvent[];
  /** Resolves when `orderId` has had `count` terminal events. */
  terminal(orderId: string, count?: number): Promise<void>;
  readonly replay: CliResult;
}

/**
 * The whole flow over one security mode, every Kafka client in it: the
 * worker's intake, relay and topic creation, `flowthrough publish`,
 * `flowthrough dlq replay` and a status consumer. A numbers order sent before
 * its account exists is rejected and dead-lettered; the account and its
 * consent complete; the dead letter, replayed, completes too.
 */
export async function flowOver(kafka: SecureKafka, mode: SecureMode, extra: Record<string, string> = {}): Promise<FlowResult> {
  const { url } = await createTestDatabase();
  // Operator Connect of this flow alone: the examples' numbers start unheld in every flow.
  const operatorConnect = createSimulator({ processingDelayMs: 0, rateLimitPerSecond: 0, seedFile: EXAMPLE_SEED });
  const backend = await operatorConnect.start();
  onCleanup(() => operatorConnect.stop());
  // One CA file for both fake Entra IDs: the Kafka token's and Operator Connect's.
  const caFile = join(tmpdir(), `${randomName('flowthrough-ca')}.pem`);
  await writeFile(caFile, `${await readFile(kafka.entraCaFile, 'utf8')}\n${backend.caCertificatePem}`);
  onCleanup(() => rm(caFile, { force: true }));
  const topics = { ORDERS_TOPIC: randomName('orders'), DEAD_LETTER_TOPIC: randomName('dlt'), STATUS_TOPIC: randomName('status') };
  const env = { ...kafka.env(mode), ...topics, DATABASE_URL: url, LOG_LEVEL: 'info', ...extra };
  const worker = spawnWorker({
    ...env,
    ...simulatorClientEnvironment(backend),
    NODE_EXTRA_CA_CERTS: caFile,
    KAFKA_CREATE_TOPICS: 'true',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
  });
  await worker.waitForLine(/"msg":"worker started"/);

  if (mode === 'oauthbearer') {
    // This process's own status consumer asks the fake Entra ID for tokens too.
    const before = getCACertificates('default');
    setDefaultCACertificates([...before, await readFile(kafka.entraCaFile, 'utf8')]);
    onCleanup(async () => setDefaultCACertificates(before));
  }
  const config = loadConfig(env);
  const status = await collect(topics.STATUS_TOPIC, createKafka(config, silentLogger(), '-test-status'));
  const events = (): StatusEvent[] => status.received.map((r) => parseStatusEvent(r.headers, r.value));
  const terminal = (orderId: string, count = 1) =>
    status.waitFor(() => events().filter((e) => e.data.orderId === orderId && TERMINAL.has(e.data.state)).length >= count);

  const publish = async (file: string): Promise<void> => {
    const result = await runCli(['publish', example(file)], env, 60_000);
    assert.equal(result.code, 0, `publish ${file} over ${mode}: ${result.stderr}`);
  };
  await publish('03-contoso-numbers.json');
  await terminal('ORD-2026-000103');
  await publish('01-contoso-account.json');
  await publish('02-contoso-consent.json');
  await terminal('ORD-2026-000101');
  await terminal('ORD-2026-000102');
  const replay = await runCli(['dlq', 'replay', '--order', 'ORD-2026-000103', '--json'], env, 60_000);
  assert.equal(replay.code, 0, `dlq replay over ${mode}: ${replay.stderr}`);
  await terminal('ORD-2026-000103', 2);
  return { worker, env, events, terminal, replay };
}
