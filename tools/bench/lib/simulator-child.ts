import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatorEndpoints } from '../../../src/simulator/index.js';
import { readStartupReport, simulatorCommand } from '../../shared/simulator-child.js';

/**
 * A simulator of the flow-through benchmark in a process of its own (`flowthrough simulator`), as the
 * real API is remote: the worker under test does not share its event loop and CPU share with it.
 */
export interface BenchSimulatorChild {
  /** Its client endpoints, from the settings it printed (`prefix`_BASE_URL, …) and its CA file. */
  readonly endpoints: SimulatorEndpoints;
  readonly adminUrl: string;
  /** Stops the process and removes its temporary directory. */
  stop(): Promise<void>;
}

export interface BenchSimulatorChildOptions {
  /** How errors name it: `the simulator`, `the ACG simulator`. */
  readonly name: string;
  /** Prefix of its temporary directory under the OS's. */
  readonly dirPrefix: string;
  /** Prefix of the client settings it prints: OPERATOR_CONNECT, ACG_PROVISIONING. */
  readonly settingsPrefix: string;
  readonly seed: number;
  /** The `flowthrough simulator` arguments but the common ones, given its temporary directory (files written before it starts). */
  readonly args: (dir: string) => Promise<readonly string[]>;
}

export async function startBenchSimulatorChild(options: BenchSimulatorChildOptions): Promise<BenchSimulatorChild> {
  const { name, settingsPrefix: prefix } = options;
  const dir = await mkdtemp(join(tmpdir(), options.dirPrefix));
  const caFile = join(dir, 'ca.pem');
  let child: ChildProcess | undefined;
  let report: Awaited<ReturnType<typeof readStartupReport>>;
  try {
    child = spawn(process.execPath, simulatorCommand(await options.args(dir), { caFile, seed: options.seed }), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    report = await readStartupReport(child, (code) => new Error(`${name} process exited (${code}) before it was ready`));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const running = child;
  const setting = (suffix: string): string => {
    const value = report.settings.get(`${prefix}_${suffix}`);
    if (value === undefined) throw new Error(`${name} did not print ${prefix}_${suffix}`);
    return value;
  };
  const authorityHost = setting('AUTHORITY_HOST');
  const tenantId = setting('TENANT_ID');
  const endpoints: SimulatorEndpoints = {
    url: setting('BASE_URL'),
    adminUrl: report.adminUrl,
    tokenUrl: `${authorityHost}/${tenantId}/oauth2/v2.0/token`,
    authorityHost,
    caCertificatePem: await readFile(caFile, 'utf8'),
    tenantId,
    scope: setting('SCOPE'),
    apiVersion: setting('API_VERSION'),
    clientId: setting('CLIENT_ID'),
    clientSecret: setting('CLIENT_SECRET'),
  };
  return {
    endpoints,
    adminUrl: report.adminUrl,
    stop: async () => {
      if (running.exitCode === null) {
        running.kill('SIGTERM');
        await once(running, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
