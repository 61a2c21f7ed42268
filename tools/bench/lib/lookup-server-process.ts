import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerReport, ServerRequest } from './lookup-server-child.js';

const CHILD = fileURLToPath(new URL('./lookup-server-child.ts', import.meta.url));

export interface ServerProcess {
  readonly port: number;
  readonly report: Extract<ServerReport, { kind: 'ready' }>;
  /** The server process's CPU time so far (user + system), microseconds. */
  cpuUs(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a benchmark server (lookup-server-child.ts) in its own Node process, with the worker's Node options. */
export function startServerProcess(request: ServerRequest, nodeOptions: readonly string[], timeoutMs: number): Promise<ServerProcess> {
  const child = fork(CHILD, [], {
    // FLOWTHROUGH_BENCH_SERVER_NODE_OPTIONS adds options for a look inside (--cpu-prof, --trace-gc…).
    execArgv: [
      ...nodeOptions,
      ...(process.env.FLOWTHROUGH_BENCH_SERVER_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean),
      '--import',
      'tsx',
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the ${request.mode} server did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const cpuUs = (): Promise<number> =>
      new Promise((answer) => {
        const listener = (message: ServerReport): void => {
          if (message.kind !== 'cpu') return;
          child.off('message', listener);
          answer(message.cpuUs);
        };
        child.on('message', listener);
        child.send({ mode: 'cpu' });
      });
    child.once('message', (report: ServerReport) => {
      clearTimeout(timer);
      if (report.kind === 'ready') resolve({ port: report.port, report, cpuUs, stop });
      else if (report.kind === 'failed') {
        void stop();
        reject(new Error(`the ${request.mode} server failed: ${report.message}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the ${request.mode} server exited before it was ready (${signal ?? code})`));
    });
    child.send(request);
  });
}
