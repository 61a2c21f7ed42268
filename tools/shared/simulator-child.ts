import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * `flowthrough simulator` (Operator Connect or, with `--api acg`, Azure Communications Gateway) in a
 * process of its own, run from source: its command line and the start-up report it prints on stdout
 * (src/app/cli/commands/simulator-command.ts), which the bench and chaos tools read to reach it.
 */

const CLI = fileURLToPath(new URL('../../src/app/cli/main.ts', import.meta.url));

/** What every tool gives the simulator: where it writes its CA certificate, and its seed. */
export interface SimulatorCommonArguments {
  readonly caFile: string;
  readonly seed: number;
}

/** Node's arguments for `flowthrough simulator <args> --ca-file … --seed … --log-level warn`. */
export function simulatorCommand(args: readonly string[], common: SimulatorCommonArguments): string[] {
  return [
    '--disable-warning=TimeoutNegativeWarning',
    '--import',
    'tsx',
    CLI,
    'simulator',
    ...args,
    '--ca-file',
    common.caFile,
    '--seed',
    String(common.seed),
    '--log-level',
    'warn',
  ];
}

export interface SimulatorStartupReport {
  /** Root of its admin endpoints (no auth), without a trailing slash. */
  readonly adminUrl: string;
  /** Every `NAME=value` it printed (its clients' settings). */
  readonly settings: Map<string, string>;
}

/**
 * Reads the start-up report from the child's stdout up to its last line (NODE_EXTRA_CA_CERTS);
 * rejects with `notReady(code)` should the process exit first. `onLine` sees every line.
 */
export function readStartupReport(
  child: ChildProcess,
  notReady: (code: number | null) => Error,
  onLine?: (line: string) => void,
): Promise<SimulatorStartupReport> {
  const settings = new Map<string, string>();
  let adminUrl = '';
  return new Promise<SimulatorStartupReport>((resolve, reject) => {
    child.once('exit', (code) => reject(notReady(code)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      onLine?.(line);
      const admin = /admin \(no auth\)\s+(\S+)/.exec(line);
      if (admin?.[1]) adminUrl = admin[1].replace(/\/$/, '');
      const setting = /^\s+([A-Z_]+)=(.*)$/.exec(line);
      if (setting?.[1] && setting[2] !== undefined) settings.set(setting[1], setting[2]);
      // The last line of its start-up report.
      if (setting?.[1] === 'NODE_EXTRA_CA_CERTS') resolve({ adminUrl, settings });
    });
  });
}
