import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { workerNodeOptions } from '../bench/lib/worker-node-options.js';
import { STARTUP_LINE } from '../shared/startup-line.js';

/**
 * The production worker (`flowthrough worker`, src/app/cli/main.ts through tsx)
 * in a child process with the Node options of `npm start`. Its log lines
 * go to a file; the harness reads the HTTP port from them and keeps the
 * error-level lines (grouped) for the report. The child is killed when
 * this process exits, whatever the reason.
 */

const CLI = fileURLToPath(new URL('../../src/app/cli/main.ts', import.meta.url));

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
}

export interface LoggedError {
  readonly message: string;
  count: number;
  readonly first: string;
}

export interface WorkerProcess {
  readonly pid: number;
  readonly port: number;
  readonly logFile: string;
  /** Null while it runs. */
  exited(): WorkerExit | null;
  /** Resolves when the process has exited (never rejects). */
  readonly exit: Promise<WorkerExit>;
  /** Error-level log lines (and stderr), grouped by message. */
  errors(): LoggedError[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<WorkerExit>;
}

interface LogLine {
  readonly level?: number;
  readonly msg?: string;
  readonly port?: number;
  readonly err?: { message?: string };
}

function summary(line: LogLine): string {
  const detail = line.err?.message?.split('\n')[0];
  return `${line.msg ?? ''}${detail ? `: ${detail}` : ''}`.slice(0, 240);
}

export async function startWorkerProcess(
  env: Readonly<Record<string, string>>,
  logFile: string,
  startTimeoutMs: number,
): Promise<WorkerProcess> {
  const log: WriteStream = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, [...workerNodeOptions(), '--import', 'tsx', CLI, 'worker'], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let exitState: WorkerExit | null = null;
  const exit = new Promise<WorkerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitState = { code, signal };
      process.off('exit', killOnExit);
      resolve(exitState);
    });
  });
  const errors = new Map<string, LoggedError>();
  const noteError = (message: string, first: string): void => {
    const known = errors.get(message);
    if (known) known.count += 1;
    else errors.set(message, { message, count: 1, first });
  };
  let port: number | undefined;
  let started = false;
  const progressed: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    log.write(`${text}\n`);
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    if (line.msg === 'health endpoints listening' && typeof line.port === 'number') port = line.port;
    if (line.msg === 'worker started') started = true;
    if ((line.level ?? 0) >= 50) noteError(summary(line), new Date().toISOString());
    for (const wake of progressed.splice(0)) wake();
  });
  createInterface({ input: child.stderr! }).on('line', (text) => {
    log.write(`[stderr] ${text}\n`);
    // The command's start-up line (which broker and database) is not an error.
    if (text.trim() !== '' && !STARTUP_LINE.test(text)) noteError(`stderr: ${text.slice(0, 240)}`, new Date().toISOString());
  });

  const deadline = Date.now() + startTimeoutMs;
  // Both are set by the child's event handlers, which the compiler cannot see from here.
  const exited = (): WorkerExit | null => exitState;
  const isStarted = (): boolean => started;
  while (!isStarted()) {
    const early = exited();
    if (early !== null)
      throw new Error(`the worker exited while starting (code ${early.code}, signal ${early.signal}); its log: ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the worker did not start within ${startTimeoutMs} ms; its log: ${logFile}`);
    }
    await Promise.race([
      exit,
      new Promise<void>((resolve) => progressed.push(resolve)),
      new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref()),
    ]);
  }
  if (port === undefined) throw new Error(`the worker started without logging its HTTP port; its log: ${logFile}`);

  let stopping: Promise<WorkerExit> | undefined;
  const stop = (graceMs = 10_000): Promise<WorkerExit> =>
    (stopping ??= (async () => {
      if (exited() === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      const result = await exit;
      await new Promise<void>((resolve) => log.end(resolve));
      return result;
    })());
  return { pid: child.pid as number, port, logFile, exited, exit, errors: () => [...errors.values()], stop };
}
