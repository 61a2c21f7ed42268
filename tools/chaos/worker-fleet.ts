import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { workerNodeOptions } from '../bench/lib/worker-node-options.js';
import type { Rng } from '../fuzz/seeded-random.js';
import { STARTUP_LINE } from '../shared/startup-line.js';

/**
 * N production workers (`flowthrough worker`, src/app/cli/main.ts through tsx,
 * with the Node options of `npm start`), each in a child process, under a
 * supervisor: a worker that exits is started again after a short random
 * delay, as systemd or Kubernetes would. The run SIGKILLs workers on its
 * schedule; any exit it did not cause is an unexpected exit, recorded with
 * the worker's last error lines. Each slot's log (every incarnation) goes to
 * one file.
 */

const CLI = fileURLToPath(new URL('../../src/app/cli/main.ts', import.meta.url));
const RESTART_DELAY_MS = { min: 300, max: 2_500 } as const;

export interface UnexpectedExit {
  readonly worker: number;
  readonly pid: number;
  readonly code: number | null;
  readonly signal: string | null;
  /** Seconds since the fleet started. */
  readonly at: number;
  /** The worker's last error-level log lines (and stderr) before it exited. */
  readonly lastErrors: readonly string[];
}

export interface KillRecord {
  readonly worker: number;
  readonly pid: number;
  readonly at: number;
  /** Whether it had finished starting (logged "worker started"). */
  readonly wasStarted: boolean;
}

interface Incarnation {
  readonly child: ChildProcess;
  readonly pid: number;
  started: boolean;
  exited: boolean;
  /** Set before the run kills or stops it: its exit is expected. */
  expected: boolean;
  readonly exit: Promise<void>;
}

interface Slot {
  readonly index: number;
  readonly log: WriteStream;
  current: Incarnation | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  incarnations: number;
  readonly recentErrors: string[];
}

export interface WorkerFleet {
  readonly size: number;
  readonly logFiles: readonly string[];
  /** Starts every worker; resolves once each has logged "worker started". */
  start(timeoutMs: number): Promise<void>;
  /** SIGKILLs one running worker (a started one if any), chosen with `rng`; its supervisor starts it again. Null when none runs. */
  killOne(rng: Rng): Promise<KillRecord | null>;
  /** Resolves true once every slot runs a worker that has started, false at `deadline` (epoch ms). */
  whenAllStarted(deadline: number): Promise<boolean>;
  readonly unexpectedExits: readonly UnexpectedExit[];
  readonly kills: readonly KillRecord[];
  /** Worker processes started beyond the first of each slot. */
  restarts(): number;
  /** Error-level lines of every worker, grouped by message. */
  errors(): ReadonlyArray<{ message: string; count: number }>;
  /** SIGTERM to every worker (SIGKILL after `graceMs`); no restarts afterwards. */
  stop(graceMs?: number): Promise<void>;
}

interface LogLine {
  readonly level?: number;
  readonly msg?: string;
  readonly err?: { message?: string };
  readonly error?: string;
}

export function startWorkerFleet(options: {
  size: number;
  env: Readonly<Record<string, string>>;
  logDir: string;
  rng: Rng;
  log?: (line: string) => void;
}): WorkerFleet {
  const startedAt = performance.now();
  const seconds = (): number => Math.round((performance.now() - startedAt) / 100) / 10;
  const slots: Slot[] = Array.from({ length: options.size }, (_, index) => ({
    index,
    log: createWriteStream(join(options.logDir, `worker-${index + 1}.log`)),
    current: undefined,
    restartTimer: undefined,
    incarnations: 0,
    recentErrors: [],
  }));
  const unexpectedExits: UnexpectedExit[] = [];
  const kills: KillRecord[] = [];
  const errors = new Map<string, number>();
  const waiters = new Set<() => void>();
  let stopping = false;
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };

  const noteError = (slot: Slot, message: string): void => {
    errors.set(message, (errors.get(message) ?? 0) + 1);
    slot.recentErrors.push(message);
    if (slot.recentErrors.length > 5) slot.recentErrors.shift();
  };

  const launch = (slot: Slot): void => {
    slot.restartTimer = undefined;
    if (stopping) return;
    slot.incarnations += 1;
    slot.recentErrors.length = 0;
    const launchedAt = performance.now();
    const child = spawn(process.execPath, [...workerNodeOptions(), '--import', 'tsx', CLI, 'worker'], {
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.on('exit', killOnExit);
    slot.log.write(`# ${new Date().toISOString()} worker ${slot.index + 1}, incarnation ${slot.incarnations}, pid ${child.pid}\n`);
    const incarnation: Incarnation = {
      child,
      pid: child.pid ?? -1,
      started: false,
      exited: false,
      expected: false,
      exit: new Promise<void>((resolve) => {
        child.once('exit', (code, signal) => {
          process.off('exit', killOnExit);
          incarnation.exited = true;
          slot.log.write(
            `# ${new Date().toISOString()} pid ${child.pid} exited: code ${code}, signal ${signal}${incarnation.expected ? ' (caused by the run)' : ' (UNEXPECTED)'}\n`,
          );
          if (!incarnation.expected) {
            unexpectedExits.push({
              worker: slot.index + 1,
              pid: incarnation.pid,
              code,
              signal,
              at: seconds(),
              lastErrors: [...slot.recentErrors],
            });
          }
          if (slot.current === incarnation) slot.current = undefined;
          if (!stopping) {
            const delay = RESTART_DELAY_MS.min + Math.floor(options.rng.float() * (RESTART_DELAY_MS.max - RESTART_DELAY_MS.min));
            slot.restartTimer = setTimeout(() => launch(slot), delay);
          }
          wake();
          resolve();
        });
      }),
    };
    slot.current = incarnation;
    createInterface({ input: child.stdout! }).on('line', (text) => {
      slot.log.write(`${text}\n`);
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return;
      }
      if (line.msg === 'worker started') {
        incarnation.started = true;
        if (slot.incarnations > 1)
          options.log?.(
            `worker ${slot.index + 1} (pid ${incarnation.pid}) started again, ${((performance.now() - launchedAt) / 1_000).toFixed(1)} s after its launch`,
          );
        wake();
      }
      if ((line.level ?? 0) >= 50) {
        const detail = line.err?.message?.split('\n')[0] ?? line.error;
        noteError(slot, `${line.msg ?? ''}${detail ? `: ${detail}` : ''}`.slice(0, 240));
      }
    });
    createInterface({ input: child.stderr! }).on('line', (text) => {
      slot.log.write(`[stderr] ${text}\n`);
      // The command's start-up line (which broker and database) is not an error.
      if (text.trim() !== '' && !STARTUP_LINE.test(text)) noteError(slot, `stderr: ${text.slice(0, 240)}`);
    });
  };

  const allStarted = (): boolean => slots.every((s) => s.current?.started && !s.current.exited);

  const whenAllStarted = (deadline: number): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      if (allStarted()) return resolve(true);
      const check = (): void => {
        if (allStarted()) finish(true);
      };
      const timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(result);
      };
      waiters.add(check);
    });

  return {
    size: options.size,
    logFiles: slots.map((s) => s.log.path.toString()),
    unexpectedExits,
    kills,
    restarts: () => slots.reduce((n, s) => n + Math.max(0, s.incarnations - 1), 0),
    errors: () => [...errors].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count),
    start: async (timeoutMs) => {
      for (const slot of slots) launch(slot);
      if (!(await whenAllStarted(Date.now() + timeoutMs))) {
        throw new Error(
          `the workers did not all start within ${timeoutMs / 1_000} s; their logs: ${slots.map((s) => s.log.path.toString()).join(', ')}`,
        );
      }
    },
    killOne: async (rng) => {
      const running = slots.filter((s) => s.current !== undefined && !s.current.exited);
      if (running.length === 0) return null;
      // A worker at work, when there is one: a kill mid-work is the one that tests the most.
      const working = running.filter((s) => s.current?.started === true);
      const slot = rng.pick(working.length > 0 ? working : running);
      const incarnation = slot.current as Incarnation;
      incarnation.expected = true;
      const record: KillRecord = { worker: slot.index + 1, pid: incarnation.pid, at: seconds(), wasStarted: incarnation.started };
      incarnation.child.kill('SIGKILL');
      await incarnation.exit;
      kills.push(record);
      return record;
    },
    whenAllStarted,
    stop: async (graceMs = 15_000) => {
      stopping = true;
      for (const slot of slots) clearTimeout(slot.restartTimer);
      await Promise.all(
        slots.map(async (slot) => {
          const incarnation = slot.current;
          if (incarnation && !incarnation.exited) {
            incarnation.expected = true;
            incarnation.child.kill('SIGTERM');
            const timer = setTimeout(() => incarnation.child.kill('SIGKILL'), graceMs);
            await incarnation.exit;
            clearTimeout(timer);
          }
          await new Promise<void>((resolve) => slot.log.end(resolve));
        }),
      );
    },
  };
}
