import { randomBytes } from 'node:crypto';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { processEnvironment } from '../../src/platform/config/environment.js';
import { loadStackConfig } from '../stack/stack-config.js';
import { isTerminal } from '../../src/core/order-state/states.js';
import { STATUS_EVENT_TYPE } from '../../src/core/status/index.js';
import { migrate } from '../../src/platform/db/migrator.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { stackUp } from '../stack/stack.js';
import { Worker } from '../../src/app/worker/worker.js';
import { workerServices } from '../../src/app/worker/services.js';
import { printError, printLine } from '../../src/app/cli/output.js';
import { publishCommand } from '../../src/app/cli/commands/publish-command.js';
import { statusCommand } from '../../src/app/cli/commands/status-command.js';
import { acgDemoBackend, type DemoSeed } from './acg-demo.js';
import { operatorConnectDemoBackend, type DemoBackend, type DemoExample } from './demo-backend.js';

const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
const SIMULATOR_SEED = fileURLToPath(new URL('../../simulator/demo-seed.json', import.meta.url));
/** The Teams tenant whose consent the demo activates once its upload is held. */
const HELD_TENANT = '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const DEMO_TIMEOUT_MS = 90_000;

type Example = DemoExample;

const BACKENDS = ['operator-connect', 'acg'] as const;
type BackendName = (typeof BACKENDS)[number];

const USAGE = `usage: npm run demo [-- --backend operator-connect|acg]
  --backend operator-connect   the Operator Connect simulator (default)
  --backend acg                the Azure Communications Gateway Provisioning API simulator; the worker runs with BACKEND=acg`;

/** `--backend NAME` or `--backend=NAME`; `exit` after printing the usage (--help: 0, a bad argument: 2). */
function parseDemoArgs(argv: readonly string[]): { backend: BackendName } | { exit: number } {
  let backend: string = 'operator-connect';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      printLine(USAGE);
      return { exit: 0 };
    }
    if (arg === '--backend' && argv[i + 1] !== undefined) {
      backend = argv[i + 1] as string;
      i += 1;
    } else if (arg.startsWith('--backend=')) backend = arg.slice('--backend='.length);
    else {
      printError(`demo: unexpected argument "${arg}"\n${USAGE}`);
      return { exit: 2 };
    }
  }
  const found = BACKENDS.find((b) => b === backend);
  if (found === undefined) {
    printError(`demo: --backend ${backend}: must be one of ${BACKENDS.join(', ')}\n${USAGE}`);
    return { exit: 2 };
  }
  return { backend: found };
}

/** pino's numeric level of a JSON log line (error = 50, fatal = 60); 0 when the line is not one. */
function levelOf(line: string): number {
  const match = /"level":(\d+)/.exec(line);
  return match?.[1] ? Number(match[1]) : 0;
}

function readExamples(): Example[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(`${EXAMPLES_DIR}${file}`, 'utf8')) as Omit<Example, 'file'>) }));
}

function orderIdOf(example: Example): string {
  const value = example.value as { orderId?: string; data?: { orderId?: string } };
  return value.data?.orderId ?? value.orderId ?? example.file;
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * The main job end to end on this machine: the local stack, a fresh database
 * and topics, the worker, the example orders, one line per status event.
 * Exits 0 once every example order has reached a terminal state, with no
 * error-level log line and nothing wrong in what the backend holds (the ACG
 * simulator: no request or answer that breaks the swagger, no number still
 * pending). `--backend acg` runs it against the Azure Communications Gateway
 * simulator (tools/demo/acg-demo.ts) with the worker on BACKEND=acg.
 */
async function main(): Promise<number> {
  const args = parseDemoArgs(process.argv.slice(2));
  if ('exit' in args) return args.exit;
  const env = processEnvironment();
  const stack = loadStackConfig(env);
  printLine(`flowthrough demo (backend ${args.backend}): starting the local stack (Kafka KRaft + PostgreSQL)…`);
  const up = await stackUp(stack, (line) => printLine(`  ${line}`));
  const run = randomBytes(3).toString('hex');
  const database = `flowthrough_demo_${run}`;
  const databaseUrl = await createDatabase(up.databaseUrl, database);
  const examples = readExamples();
  const backend: DemoBackend =
    args.backend === 'acg'
      ? acgDemoBackend(JSON.parse(readFileSync(SIMULATOR_SEED, 'utf8')) as DemoSeed, examples)
      : operatorConnectDemoBackend(SIMULATOR_SEED);
  const started = await backend.start();
  const { endpoints } = started;
  // The simulator's fake Entra ID serves HTTPS with a certificate made at start: trust it in this process.
  setDefaultCACertificates([...getCACertificates('default'), endpoints.caCertificatePem]);
  printLine(started.banner);
  if (started.seeded) printLine(`  ${started.seeded}`);
  const config = loadConfig({
    ...env,
    ...started.env,
    KAFKA_BROKERS: env.KAFKA_BROKERS ?? up.kafkaBrokers,
    DATABASE_URL: databaseUrl,
    ORDERS_TOPIC: `demo.${run}.provisioning.orders.v1`,
    DEAD_LETTER_TOPIC: `demo.${run}.provisioning.orders.v1.dlt`,
    STATUS_TOPIC: `demo.${run}.provisioning.status.v1`,
    KAFKA_GROUP_ID: `flowthrough-demo-${run}`,
    KAFKA_CREATE_TOPICS: 'true',
    HTTP_PORT: env.HTTP_PORT ?? '0',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  // Log lines go to stdout as before; error-level ones are counted: the demo fails on any.
  const errorLines: string[] = [];
  const logger = createLogger({
    level: config.logLevel,
    secrets: config.secrets,
    destination: {
      write: (line: string) => {
        if (levelOf(line) >= 50) errorLines.push(line.trim());
        process.stdout.write(line);
      },
    },
  });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await migrate(pool);
  await pool.end();

  const worker = new Worker({ config, logger, ...workerServices() });
  // The commands a user runs by hand (flowthrough status --follow, flowthrough publish), in-process.
  const stopStatus = new AbortController();
  let following: Promise<number> | undefined;
  const pending = new Set(examples.map(orderIdOf));
  const final = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let activated = false;
  let report: Awaited<ReturnType<DemoBackend['report']>> = { lines: [], problems: [] };
  try {
    await worker.start();
    printLine(`worker running (health on http://127.0.0.1:${worker.httpPort}/readyz); database ${database}; topics demo.${run}.*`);
    let allDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allDone = resolve));
    following = statusCommand(['--follow', '--from-beginning'], config, logger, {
      print: (line) => printLine(`  status  ${line}`),
      signal: stopStatus.signal,
      handleSignals: false,
      onEvent: (event) => {
        if (event.type !== STATUS_EVENT_TYPE) return; // a rejected resend: not a state change of the accepted order
        if (event.data.state === 'held' && !activated) {
          // The enterprise accepts the operator in the Teams Admin Center: the consent becomes active.
          activated = true;
          backend.activateConsent(HELD_TENANT);
          printLine(`  (demo)  the consent of Teams tenant ${HELD_TENANT} becomes active`);
        }
        if (isTerminal(event.data.state)) {
          final.set(event.data.orderId, event.data.state);
          pending.delete(event.data.orderId);
          if (pending.size === 0) allDone();
        }
      },
    }).catch((error: unknown) => {
      printError(`status stopped: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    });
    printLine(`publishing ${examples.length} example orders to ${config.topics.orders} (flowthrough publish examples/*.json):`);
    const published = await publishCommand(
      examples.map((example) => `${EXAMPLES_DIR}${example.file}`),
      config,
      logger,
      { print: (line) => printLine(`  order   ${line}`) },
    );
    if (published !== 0) throw new Error('an example order was refused (above): the examples are out of date');
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, DEMO_TIMEOUT_MS)));
    await Promise.race([done, timedOut]);
  } finally {
    clearTimeout(timer);
    stopStatus.abort();
    await following;
    await worker.stop().catch((error: unknown) => printError(`worker stop failed: ${String(error)}`));
    report = await backend.report().catch((error: unknown) => ({
      lines: [],
      problems: [`reading what ${backend.name} holds failed: ${error instanceof Error ? error.message : String(error)}`],
    }));
    await dropDatabase(up.databaseUrl, database).catch(() => undefined);
    await backend.stop();
  }
  printLine('');
  printLine('outcome:');
  for (const example of examples) {
    const id = orderIdOf(example);
    printLine(`  ${id.padEnd(18)} ${final.get(id) ?? 'NOT FINISHED'}`);
  }
  for (const line of report.lines) printLine(line);
  const problems = [...report.problems];
  if (pending.size > 0) {
    problems.unshift(
      `${pending.size} order(s) did not reach a terminal state within ${DEMO_TIMEOUT_MS / 1000} s: ${[...pending].join(', ')}`,
    );
  }
  if (errorLines.length > 0) problems.push(`${errorLines.length} error-level log line(s) (above), the first: ${errorLines[0]}`);
  if (problems.length > 0) {
    for (const problem of problems) printError(`demo: ${problem}`);
    return 1;
  }
  printLine(
    `demo: every example order reached a terminal state.${up.startedKafka ? ' (The Kafka broker started for the demo keeps running: npm run stack -- down stops it.)' : ''}`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    printError(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
