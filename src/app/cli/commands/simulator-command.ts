import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../../../platform/logging/logger.js';
import { explainHttpListenError, isListenError, type Explanation } from '../../../platform/errors/explain.js';
import { acgClientEnvironment, createAcgSimulator, type AcgSimulatorOptions } from '../../../acg-simulator/index.js';
import { createSimulator, SIMULATOR_DEFAULTS, type SimulatorEndpoints, type SimulatorOptions } from '../../../simulator/index.js';
import { simulatorClientEnvironment } from '../../../simulator/client-environment.js';
import { printError, printLine } from '../output.js';
import { SIMULATOR_USAGE } from '../usage.js';

const USAGE = SIMULATOR_USAGE;

const FLAGS = {
  api: 'SIMULATOR_API',
  host: 'SIMULATOR_HOST',
  port: 'SIMULATOR_PORT',
  'token-port': 'SIMULATOR_TOKEN_PORT',
  'latency-ms': 'SIMULATOR_LATENCY_MS',
  'processing-delay-ms': 'SIMULATOR_PROCESSING_DELAY_MS',
  'provisioning-delay-ms': 'SIMULATOR_PROVISIONING_DELAY_MS',
  'rate-limit-per-minute': 'SIMULATOR_RATE_LIMIT_PER_MINUTE',
  'rate-limit': 'SIMULATOR_RATE_LIMIT_PER_SECOND',
  'rate-burst': 'SIMULATOR_RATE_BURST',
  'max-numbers-per-order': 'SIMULATOR_MAX_NUMBERS_PER_ORDER',
  'token-lifetime-seconds': 'SIMULATOR_TOKEN_LIFETIME_SECONDS',
  'seed-file': 'SIMULATOR_SEED_FILE',
  seed: 'SIMULATOR_SEED',
  'client-id': 'SIMULATOR_CLIENT_ID',
  'client-secret': 'SIMULATOR_CLIENT_SECRET',
  'ca-file': 'SIMULATOR_CA_FILE',
  'log-level': 'LOG_LEVEL',
} as const;

type Flag = keyof typeof FLAGS;

/**
 * The default seed (consents for the tenants of examples/ among others), found next to
 * the package whether run from src/ (tsx) or dist/.
 */
export const EXAMPLE_SEED = fileURLToPath(new URL('../../../../simulator/consents.example.json', import.meta.url));

/** For tests: stop on this signal instead of a process signal; capture output. */
export interface SimulatorCommandIo {
  readonly signal?: AbortSignal;
  readonly print?: (line: string) => void;
  readonly onStarted?: (endpoints: { url: string; authorityHost: string }) => void;
}

function numberSetting(values: Partial<Record<Flag, string>>, flag: Flag, problems: string[]): number | undefined {
  const text = values[flag];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) problems.push(`--${flag} (${FLAGS[flag]}): "${text}" is not a number`);
  return n;
}

function waitForStop(io: SimulatorCommandIo): Promise<string> {
  return new Promise((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) resolve('abort');
      else io.signal.addEventListener('abort', () => resolve('abort'), { once: true });
      return;
    }
    const stop = (name: string) => () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve(name);
    };
    const onTerm = stop('SIGTERM');
    const onInt = stop('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}

/** `flowthrough simulator`: starts the simulator from flags and environment, runs until a stop signal. */
export async function simulatorCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: SimulatorCommandIo = {},
): Promise<number> {
  const print = io.print ?? printLine;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    printError(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    print(USAGE);
    return 0;
  }
  const values: Partial<Record<Flag, string>> = {};
  for (const [flag, variable] of Object.entries(FLAGS) as [Flag, string][]) {
    const given = parsed.values[flag];
    const value = typeof given === 'string' ? given : env[variable];
    if (value !== undefined && value !== '') values[flag] = value;
  }
  const problems: string[] = [];
  const num = (flag: Flag): number | undefined => numberSetting(values, flag, problems);
  const api = values.api ?? 'operator-connect';
  if (api === 'acg') return acgSimulatorCommand(values, io);
  if (api !== 'operator-connect') {
    printError(`--api (SIMULATOR_API): "${api}" is neither operator-connect nor acg\n\n${USAGE}`);
    return 2;
  }
  const seedFile = values['seed-file'] ?? (existsSync(EXAMPLE_SEED) ? EXAMPLE_SEED : undefined);
  const clientId = values['client-id'] ?? SIMULATOR_DEFAULTS.clientId;
  const clientSecret = values['client-secret'] ?? SIMULATOR_DEFAULTS.clientSecret;
  const options: SimulatorOptions = {
    ...(values.host ? { host: values.host } : {}),
    ...optional('port', num('port')),
    ...optional('tokenPort', num('token-port')),
    ...optional('latencyMs', num('latency-ms')),
    processingDelayMs: num('processing-delay-ms') ?? 2000,
    ...optional('rateLimitPerSecond', num('rate-limit')),
    ...optional('rateLimitBurst', num('rate-burst')),
    ...optional('maxNumbersPerOrder', num('max-numbers-per-order')),
    ...optional('tokenLifetimeSeconds', num('token-lifetime-seconds')),
    ...optional('seed', num('seed')),
    ...(seedFile ? { seedFile } : {}),
    clients: [{ clientId, clientSecret }],
  };
  if (problems.length > 0) {
    printError(problems.join('\n'));
    return 2;
  }
  const logger = createLogger({ level: values['log-level'] ?? 'info', name: 'simulator' });
  const simulator = createSimulator({ ...options, logger });
  const started = await startListening(simulator, options, values['ca-file'], 'flowthrough-simulator-ca');
  if (typeof started === 'number') return started;
  const { endpoints, caFile } = started;

  print('Operator Connect simulator (modelled contract: docs/operator-connect-api.md)');
  print(`  API base URL     ${endpoints.url}   api-version=${endpoints.apiVersion}`);
  print(`  admin (no auth)  ${endpoints.adminUrl}`);
  print(`  authority host   ${endpoints.authorityHost}   token endpoint ${endpoints.tokenUrl}`);
  print(`  tenant           ${endpoints.tenantId}`);
  print(`  client id        ${endpoints.clientId}`);
  print(`  scope            ${endpoints.scope}`);
  print(`  CA certificate   ${caFile}`);
  print(`  seed file        ${seedFile ?? '(none)'}`);
  print('Settings for a worker (or any client) of this simulator, every one it needs (names as in docs/operator-connect-api.md §2):');
  for (const [name, value] of Object.entries(simulatorPrintedSettings(endpoints, caFile))) print(`  ${name}=${value}`);
  io.onStarted?.(endpoints);

  const reason = await waitForStop(io);
  logger.info({ reason }, 'stopping the simulator');
  await simulator.stop();
  return 0;
}

/**
 * `flowthrough simulator --api acg`: the Azure Communications Gateway Provisioning API simulator
 * (Microsoft's swagger, simulator/acg/), with the settings a client of it needs.
 */
async function acgSimulatorCommand(values: Partial<Record<Flag, string>>, io: SimulatorCommandIo): Promise<number> {
  const print = io.print ?? printLine;
  const problems: string[] = [];
  const num = (flag: Flag): number | undefined => numberSetting(values, flag, problems);
  const options: AcgSimulatorOptions = {
    ...(values.host ? { host: values.host } : {}),
    ...optional('port', num('port')),
    ...optional('tokenPort', num('token-port')),
    ...optional('latencyMs', num('latency-ms')),
    ...optional('provisioningDelayMs', num('provisioning-delay-ms')),
    ...optional('rateLimitPerMinute', num('rate-limit-per-minute')),
    ...optional('tokenLifetimeSeconds', num('token-lifetime-seconds')),
    ...optional('seed', num('seed')),
    ...(values['client-id'] || values['client-secret']
      ? { clients: [{ clientId: values['client-id'] ?? '', clientSecret: values['client-secret'] ?? '' }] }
      : {}),
  };
  if (problems.length > 0) {
    printError(problems.join('\n'));
    return 2;
  }
  const logger = createLogger({ level: values['log-level'] ?? 'info', name: 'acg-simulator' });
  let simulator: ReturnType<typeof createAcgSimulator>;
  try {
    simulator = createAcgSimulator({ ...options, logger });
  } catch (error) {
    printError(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const started = await startListening(simulator, options, values['ca-file'], 'flowthrough-acg-simulator-ca');
  if (typeof started === 'number') return started;
  const { endpoints, caFile } = started;
  print(`Azure Communications Gateway Provisioning API simulator (swagger ${endpoints.apiVersion}: simulator/acg/)`);
  print(`  API base URL     ${endpoints.url}   api-version=${endpoints.apiVersion}`);
  print(`  admin (no auth)  ${endpoints.adminUrl}`);
  print(`  authority host   ${endpoints.authorityHost}   token endpoint ${endpoints.tokenUrl}`);
  print(`  scope            ${endpoints.scope}`);
  print(`  CA certificate   ${caFile}`);
  print('Settings for a worker provisioning through this simulator:');
  for (const [name, value] of Object.entries({ BACKEND: 'acg', ...acgClientEnvironment(endpoints), NODE_EXTRA_CA_CERTS: caFile })) {
    print(`  ${name}=${value}`);
  }
  io.onStarted?.(endpoints);
  const reason = await waitForStop(io);
  logger.info({ reason }, 'stopping the ACG simulator');
  await simulator.stop();
  return 0;
}

/**
 * What the simulator prints for its clients: the OPERATOR_CONNECT_* settings
 * (instance discovery off: Microsoft does not know this authority host) and the
 * CA file that makes its HTTPS token endpoint trusted.
 */
export function simulatorPrintedSettings(endpoints: SimulatorEndpoints, caFile: string): Record<string, string> {
  return { ...simulatorClientEnvironment(endpoints), NODE_EXTRA_CA_CERTS: caFile };
}

/**
 * Starts a simulator and writes its fake Entra ID's certificate where clients read it
 * (`--ca-file`, or a file named after the token port); a port taken or an address not
 * of this host is one line and exit status 1.
 */
async function startListening(
  simulator: { start(): Promise<SimulatorEndpoints>; stop(): Promise<void> },
  options: { host?: string; port?: number; tokenPort?: number },
  caFileFlag: string | undefined,
  caFilePrefix: string,
): Promise<{ endpoints: SimulatorEndpoints; caFile: string } | number> {
  let endpoints: SimulatorEndpoints;
  try {
    endpoints = await simulator.start();
  } catch (error) {
    await simulator.stop().catch(() => undefined);
    if (!isListenError(error)) throw error;
    const explanation = explainListen(error, options);
    printError(`flowthrough simulator: ${explanation.code}: ${explanation.line}`);
    return 1;
  }
  const caFile = caFileFlag ?? join(tmpdir(), `${caFilePrefix}-${new URL(endpoints.authorityHost).port}.pem`);
  await writeFile(caFile, endpoints.caCertificatePem);
  return { endpoints, caFile };
}

/** A port in use or an address not of this host, naming the simulator's own settings. */
function explainListen(error: unknown, options: { host?: string; port?: number; tokenPort?: number }): Explanation {
  const port = (error as { port?: unknown }).port;
  const tokenPort = typeof port === 'number' && port !== 0 && port === options.tokenPort;
  // The variables stand for their flags too (--port is SIMULATOR_PORT, see the usage).
  const names = { host: 'SIMULATOR_HOST', port: tokenPort ? 'SIMULATOR_TOKEN_PORT' : 'SIMULATOR_PORT' };
  return explainHttpListenError(
    error,
    options.host ?? '127.0.0.1',
    typeof port === 'number' ? port : ((tokenPort ? options.tokenPort : options.port) ?? 0),
    names,
  );
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
