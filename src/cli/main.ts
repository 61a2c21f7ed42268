#!/usr/bin/env -S node --disable-warning=TimeoutNegativeWarning --max-semi-space-size=8
import { ConfigError, loadConfig } from '../config/load-config.js';
import { processEnvironment } from '../config/environment.js';
import { FlowthroughError } from '../errors.js';
import { createLogger } from '../logging/logger.js';
import { DLQ_USAGE, dlqCommand } from './commands/dlq-command.js';
import { headerCommand } from './commands/header-command.js';
import { accountsCommand, INSPECT_USAGE, numbersCommand, ordersCommand } from './commands/inspect-commands.js';
import { migrateCommand } from './commands/migrate-command.js';
import { RECONCILE_USAGE, reconcileCommand } from './commands/reconcile-command.js';
import { simulatorCommand } from './commands/simulator-command.js';
import { stackCommand } from './commands/stack-command.js';
import { workerCommand } from './commands/worker-command.js';
import { printError, printLine } from './output.js';

const USAGE = `usage: flowthrough <command>

commands:
  worker                 run the provisioning worker (until SIGTERM/SIGINT)
  migrate                apply database migrations
  stack up|down|status   local Kafka (KRaft) and PostgreSQL for development
  simulator              the Operator Connect API simulator (for tests, demo, benchmarks)
  header --direction from-operator|to-operator --calling +E164 --called +E164 [--json]
                         the custom SIP header a call would carry
  dlq list|show|replay|purge             dead letters (flowthrough dlq --help)
  orders show|list, accounts show, numbers show   inspection (--json everywhere)
  reconcile --audit [--account NAME] [--repair]  drift between PostgreSQL and Operator Connect

${DLQ_USAGE}

${INSPECT_USAGE}

${RECONCILE_USAGE}`;

async function main(argv: readonly string[]): Promise<number> {
  const env = processEnvironment();
  const [command, ...rest] = argv;
  if (command === 'stack') return stackCommand(rest, env);
  if (command === 'simulator') return simulatorCommand(rest, env);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    printLine(USAGE);
    return command === undefined ? 2 : 0;
  }
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
  switch (command) {
    case 'worker':
      await workerCommand(config, logger);
      return -1;
    case 'migrate':
      return migrateCommand(config);
    case 'header':
      return headerCommand(rest, config);
    case 'dlq':
      return dlqCommand(rest, config);
    case 'reconcile':
      return reconcileCommand(rest, { config, env, logger });
    case 'orders':
      return ordersCommand(rest, config);
    case 'accounts':
      return accountsCommand(rest, config);
    case 'numbers':
      return numbersCommand(rest, config);
    default:
      printError(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: a long-running command; its own shutdown handler ends the process.
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) printError(error.message);
    else if (error instanceof FlowthroughError) printError(`flowthrough: ${error.code}: ${error.message}`);
    else printError(`flowthrough: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
