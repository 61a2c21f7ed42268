import { processEnvironment } from '../../src/platform/config/environment.js';
import { loadStackConfig } from './stack-config.js';
import { stackDown, stackReset, stackStatus, stackUp } from './stack.js';

export const STACK_USAGE = `usage: npm run stack -- up [--secure]|down|reset|status

Local services for development, tests and the demo:
  up       checks PostgreSQL at DATABASE_URL (starts a local cluster if it is down) and
           starts a single-node Kafka (KRaft) on 127.0.0.1:FLOWTHROUGH_KAFKA_PORT; a no-op when running
           --secure (or FLOWTHROUGH_KAFKA_SECURE=true): also a SASL_SSL listener (PLAIN, SCRAM-SHA-256/512,
           OAUTHBEARER when FLOWTHROUGH_KAFKA_OAUTH_JWKS_URL is set) on FLOWTHROUGH_KAFKA_SASL_PORT (port+2)
           and a mutual-TLS listener on FLOWTHROUGH_KAFKA_MTLS_PORT (port+3); certificates and the SCRAM
           user are made once per cluster and printed with the variables that use them
  down     stops only what "up" started; the broker's data stays (the next "up" is the same
           cluster, its topics and offsets)
  reset    "down", then wipes the broker's data: the next "up" starts a new, empty cluster
  status   what answers where; exit status 1 when something does not

settings: FLOWTHROUGH_KAFKA_PORT (9092), FLOWTHROUGH_KAFKA_CONTROLLER_PORT (9093),
FLOWTHROUGH_CACHE_DIR (~/.cache/flowthrough), FLOWTHROUGH_KAFKA_HEAP_MB (1024),
FLOWTHROUGH_KAFKA_START_TIMEOUT_MS (90000), DATABASE_URL; with --secure: FLOWTHROUGH_KAFKA_REAUTH_MS
(300000), FLOWTHROUGH_KAFKA_OAUTH_JWKS_URL, FLOWTHROUGH_KAFKA_OAUTH_ISSUER, FLOWTHROUGH_KAFKA_OAUTH_AUDIENCE,
FLOWTHROUGH_KAFKA_OAUTH_JWKS_CA_FILE`;

const printLine = (line: string): void => void process.stdout.write(`${line}\n`);

/** `npm run stack -- up|down|reset|status`: development services, never part of the shipped CLI. */
export async function stackCommand(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    printLine(STACK_USAGE);
    return 0;
  }
  const config = loadStackConfig(env, args.includes('--secure') ? { secure: true } : {});
  switch (args[0]) {
    case 'up':
      await stackUp(config, printLine);
      return 0;
    case 'down':
      await stackDown(config, printLine);
      return 0;
    case 'reset':
      await stackReset(config, printLine);
      return 0;
    case 'status':
      return (await stackStatus(config, printLine)) ? 0 : 1;
    default:
      printLine(STACK_USAGE);
      return 2;
  }
}

if (import.meta.main) {
  stackCommand(process.argv.slice(2), processEnvironment()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`stack: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
