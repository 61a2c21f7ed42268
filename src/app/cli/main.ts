#!/usr/bin/env -S node --disable-warning=TimeoutNegativeWarning --max-semi-space-size=8 --min-semi-space-size=8
import { processEnvironment } from '../../platform/config/environment.js';
import type { FailureContext } from '../../platform/errors/explain.js';
import { nodeVersionProblem } from './node-version.js';
import { outboxCommand } from './commands/outbox-command.js';
import { OUTBOX_USAGE } from './commands/outbox-command.js';
import { printError, printLine } from './output.js';
import {
  CONSENTS_USAGE,
  HEADER_USAGE,
  helpRequested,
  INSPECT_USAGE,
  MIGRATE_USAGE,
  PUBLISH_USAGE,
  RECONCILE_USAGE,
  SIMULATOR_USAGE,
  STATUS_USAGE,
  WORKER_USAGE,
} from './usage.js';

// Commands, configuration and logging are imported when used: help needs none
// of them (it answers before anything loads), and the production worker never
// loads the simulator (the stack launcher is a development tool: npm run stack).

const COMMANDS = `usage: flowthrough <command> [--help]

commands:
  worker                 run the provisioning worker (until SIGTERM/SIGINT)
  migrate                apply database migrations
  simulator              the Operator Connect API simulator (for tests, demo, benchmarks)
  header --direction from-operator|to-operator --calling +E164 --called +E164 [--json]
                         the custom SIP header a call would carry
  dlq list|show|replay|purge             dead letters (flowthrough dlq --help)
  outbox list|retry                      unpublished and parked outbox rows (flowthrough outbox --help)
  offsets show|reset                     the intake's stored and committed offsets; reset a stopped partition (flowthrough offsets --help)
  orders show|list, accounts show, numbers show   inspection (--json everywhere)
  consents list|show <tenantId> [--refresh]        consents per tenant: backend status, relationship, held numbers
  reconcile --audit [--account NAME] [--repair]  drift between PostgreSQL and Operator Connect
  publish <file.json|->… [--json]        validate and send orders to ORDERS_TOPIC (flowthrough publish --help)
  status [--follow] [--order ID] [--account NAME] [--json]
                         status events of STATUS_TOPIC, one line each (flowthrough status --help)

"flowthrough <command> --help" (or -h) prints a command's help and does nothing else.
A failure is one line on stderr naming the setting to fix; LOG_LEVEL=debug or
FLOWTHROUGH_DEBUG=1 adds its stack trace.`;

async function dlqUsage(): Promise<string> {
  return (await import('./commands/dlq-command.js')).DLQ_USAGE;
}

async function usage(): Promise<string> {
  return `${COMMANDS}\n\n${await dlqUsage()}\n\n${INSPECT_USAGE}\n\n${RECONCILE_USAGE}`;
}

/** Each command's help; a command missing here gets the overview, never a run. */
const HELP: Readonly<Record<string, () => string | Promise<string>>> = {
  worker: () => WORKER_USAGE,
  migrate: () => MIGRATE_USAGE,
  simulator: () => SIMULATOR_USAGE,
  header: () => HEADER_USAGE,
  dlq: dlqUsage,
  outbox: () => OUTBOX_USAGE,
  offsets: async () => (await import('./commands/offsets-command.js')).OFFSETS_USAGE,
  orders: () => INSPECT_USAGE,
  accounts: () => INSPECT_USAGE,
  numbers: () => INSPECT_USAGE,
  consents: () => CONSENTS_USAGE,
  reconcile: () => RECONCILE_USAGE,
  publish: () => PUBLISH_USAGE,
  status: () => STATUS_USAGE,
};

async function helpOf(command: string | undefined): Promise<string> {
  const help = command === undefined ? undefined : HELP[command];
  return help ? help() : usage();
}

type Environment = Readonly<Record<string, string | undefined>>;

async function main(argv: readonly string[], env: Environment, context: { failure: FailureContext }): Promise<number> {
  const tooOld = nodeVersionProblem(process.version);
  if (tooOld !== undefined) {
    printError(tooOld);
    return 2;
  }
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    // "flowthrough help migrate" is "flowthrough migrate --help".
    printLine(await helpOf(command === 'help' ? rest[0] : undefined));
    return command === undefined ? 2 : 0;
  }
  // Before anything reads configuration or connects: --help only prints.
  if (helpRequested(rest)) {
    printLine(await helpOf(command));
    return 0;
  }
  if (command === 'simulator') return (await import('./commands/simulator-command.js')).simulatorCommand(rest, env);
  const [{ loadConfig }, { failureContext }, { createLogger }] = await Promise.all([
    import('../../platform/config/load-config.js'),
    import('../../platform/errors/explain.js'),
    import('../../platform/logging/logger.js'),
  ]);
  const config = loadConfig(env);
  context.failure = failureContext(config);
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
  if (Object.hasOwn(HELP, command)) {
    // Which services this run talks to, before it talks to them (password hidden).
    const { redactDatabaseUrl } = await import('../../platform/errors/explain.js');
    printError(`flowthrough ${command}: Kafka ${config.kafka.brokers.join(',')}, PostgreSQL ${redactDatabaseUrl(config.database.url)}`);
  }
  switch (command) {
    case 'worker':
      await (await import('./commands/worker-command.js')).workerCommand(config, logger);
      return -1;
    case 'migrate':
      return (await import('./commands/migrate-command.js')).migrateCommand(config);
    case 'header':
      return (await import('./commands/header-command.js')).headerCommand(rest, config);
    case 'dlq':
      return (await import('./commands/dlq-command.js')).dlqCommand(rest, config);
    case 'outbox':
      return outboxCommand(rest, config);
    case 'offsets':
      return (await import('./commands/offsets-command.js')).offsetsCommand(rest, config);
    case 'reconcile':
      return (await import('./commands/reconcile-command.js')).reconcileCommand(rest, { config, env, logger });
    case 'orders':
      return (await import('./commands/inspect-commands.js')).ordersCommand(rest, config);
    case 'accounts':
      return (await import('./commands/inspect-commands.js')).accountsCommand(rest, config);
    case 'numbers':
      return (await import('./commands/inspect-commands.js')).numbersCommand(rest, config);
    case 'consents':
      return (await import('./commands/consents-command.js')).consentsCommand(rest, { config, logger });
    case 'publish':
      return (await import('./commands/publish-command.js')).publishCommand(rest, config, logger);
    case 'status':
      return (await import('./commands/status-command.js')).statusCommand(rest, config, logger);
    default:
      printError(`unknown command "${command}"\n\n${await usage()}`);
      return 2;
  }
}

/** The stack of the error and of each cause: messages and frames only, never the objects (pg can attach a client). */
function stackTrace(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth += 1) {
    parts.push(`${depth === 0 ? '' : 'caused by: '}${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  return parts.join('\n');
}

/** One line naming what to fix; the stack only when asked for. */
async function report(error: unknown, env: Environment, failure: FailureContext): Promise<void> {
  const [{ ConfigError }, { explainFailure }] = await Promise.all([
    import('../../platform/config/load-config.js'),
    import('../../platform/errors/explain.js'),
  ]);
  if (error instanceof ConfigError) {
    printError(error.message);
  } else {
    const { code, line } = explainFailure(error, failure);
    printError(`flowthrough: ${code}: ${line}`);
  }
  const level = env.LOG_LEVEL?.trim().toLowerCase();
  if (env.FLOWTHROUGH_DEBUG === '1' || env.FLOWTHROUGH_DEBUG === 'true' || level === 'debug' || level === 'trace')
    printError(stackTrace(error));
}

const env = processEnvironment();
// Until the configuration loads, a failure can only be about the default or given database.
const context: { failure: FailureContext } = {
  failure: { databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres' },
};
main(process.argv.slice(2), env, context).then(
  (code) => {
    // -1: a long-running command; its own shutdown handler ends the process.
    if (code >= 0) process.exitCode = code;
  },
  async (error: unknown) => {
    process.exitCode = 1;
    await report(error, env, context.failure);
  },
);
