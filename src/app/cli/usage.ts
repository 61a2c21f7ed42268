/**
 * The help of the commands this module can tell without loading them: plain
 * text and the defaults of src/platform/config/variables.ts, nothing that connects.
 * main.ts prints these for `<command> --help` before any configuration is read.
 */
import { RECONCILER_VARIABLES } from '../../platform/config/reconciler-variables.js';
import { VARIABLES } from '../../platform/config/variables.js';

function defaultOf(name: string): string {
  return VARIABLES.find((v) => v.name === name)?.default ?? '';
}

export const WORKER_USAGE = `usage: flowthrough worker

Runs the provisioning worker until SIGTERM or SIGINT: the order intake (Kafka to
PostgreSQL), the outbox relay (status events) and the reconciler (flow-through to
Operator Connect). /healthz, /readyz, /metrics and the read API answer on HTTP_PORT.
A second signal, or SHUTDOWN_TIMEOUT_MS, forces the exit.

Configured by environment; every variable is in README.md "Configuration". First:
  DATABASE_URL     PostgreSQL (${defaultOf('DATABASE_URL')}); run "flowthrough migrate" first
  KAFKA_BROKERS    bootstrap brokers (${defaultOf('KAFKA_BROKERS')}); KAFKA_SSL and KAFKA_SASL_* for a secured cluster
  HTTP_HOST, HTTP_PORT
                   health, metrics and read API (${defaultOf('HTTP_HOST')}:${defaultOf('HTTP_PORT')})
  OPERATOR_CONNECT_BASE_URL and the other OPERATOR_CONNECT_* settings
                   the backend and its Entra ID credential ("flowthrough simulator" prints a
                   working set); RECONCILER_ENABLED=false runs without flow-through
  LOG_LEVEL        ${defaultOf('LOG_LEVEL')}; debug (or FLOWTHROUGH_DEBUG=1) adds the stack trace to a fatal error`;

export const MIGRATE_USAGE = `usage: flowthrough migrate

Applies the pending migrations (migrations/*.sql) to the database at DATABASE_URL
(${defaultOf('DATABASE_URL')}) in one transaction under an advisory lock; a second
run finds nothing to do. Refuses a database migrated by a newer flowthrough, or one
whose applied migrations differ from this version's. The database must exist
(createdb, or CREATE DATABASE).`;

export const SIMULATOR_USAGE = `usage: flowthrough simulator [options]

Runs the Operator Connect simulator (the modelled API of docs/operator-connect-api.md
and a fake Entra ID token endpoint) until SIGTERM or SIGINT, and prints the settings
a worker needs to use it. With --api acg it runs the Azure Communications Gateway
Provisioning API simulator instead (Microsoft's swagger, simulator/acg/).

options (environment variable in brackets):
  --api operator-connect|acg     which API to simulate [SIMULATOR_API] (operator-connect)
  --host <address>               bind address [SIMULATOR_HOST] (127.0.0.1)
  --port <n>                     API port, 0 = any free one [SIMULATOR_PORT] (0)
  --token-port <n>               HTTPS token endpoint port [SIMULATOR_TOKEN_PORT] (0)
  --latency-ms <n>               added to every call [SIMULATOR_LATENCY_MS] (0)
  --processing-delay-ms <n>      order acceptance → completion [SIMULATOR_PROCESSING_DELAY_MS] (2000)
  --provisioning-delay-ms <n>    acg: write → synced/provisioned [SIMULATOR_PROVISIONING_DELAY_MS] (1000)
  --rate-limit-per-minute <n>    acg: API calls per minute, 0 = off [SIMULATOR_RATE_LIMIT_PER_MINUTE] (100)
  --rate-limit <n>               API calls per second, 0 = off [SIMULATOR_RATE_LIMIT_PER_SECOND] (10)
  --rate-burst <n>               calls allowed in a burst [SIMULATOR_RATE_BURST] (= rate)
  --max-numbers-per-order <n>    [SIMULATOR_MAX_NUMBERS_PER_ORDER] (1000)
  --token-lifetime-seconds <n>   [SIMULATOR_TOKEN_LIFETIME_SECONDS] (3599)
  --seed-file <path>             consents and numbers [SIMULATOR_SEED_FILE] (simulator/consents.example.json)
  --seed <n>                     RNG seed for faults and jitter [SIMULATOR_SEED] (1)
  --client-id <guid>             the registered app [SIMULATOR_CLIENT_ID]
  --client-secret <text>         its secret [SIMULATOR_CLIENT_SECRET]
  --ca-file <path>               where to write the token endpoint's certificate [SIMULATOR_CA_FILE]
  --log-level <level>            [LOG_LEVEL] (info)`;

export const HEADER_USAGE = `usage: flowthrough header --direction from-operator|to-operator --calling <number> --called <number> [--json]

Prints the custom SIP header Azure Communications Gateway would add to the call:
from the operator's network the called number decides, towards it the calling
number. A number is E.164 (+15551234567) or a tel:/sip: URI holding one.
Reads the numbers' configuration from DATABASE_URL.

--json prints what GET /v1/lookup answers, plus telephoneNumber (the deciding number):
  direction, provisioned, decidingParty (calling|called), number, header ({name, value} or null),
  reason (contents|no_contents|not_provisioned), account, services, directRouting (Direct Routing
  numbers of an account with a subdomain: subdomain, subdomainFqdns when DIRECT_ROUTING_BASE_DOMAIN is set)`;

export const INSPECT_USAGE = `usage:
  flowthrough orders show <orderId> [--json]
         items, states, per-number results, attempts, the timeline of status events, dead letters
  flowthrough orders list [--state S] [--account NAME] [--since T] [--until T] [--limit N] [--json]
         newest first (default limit 50); T is an ISO time or a duration before now (2h, 7d)
  flowthrough accounts show <name> [--json]
  flowthrough numbers show <+E164> [--json]
         desired configuration, observed state where recorded, work rows, last order, custom header`;

export const CONSENTS_USAGE = `usage:
  flowthrough consents list [--status S] [--limit N] [--json]
         every tenant with a consent the backend reported or a customer relationship our orders set;
         S is active, suspended, removed (the backend's status), gone (no longer listed) or unknown (never read)
  flowthrough consents show <tenantId> [--refresh] [--json]
         status, countries, contacts, the customer relationship (ours as ordered, and the backend's),
         and the numbers held waiting for the consent (orders and held reason)

The backend's side is what the worker last read (RECONCILER_CONSENT_SYNC_MS, default ${RECONCILER_VARIABLES.find((v) => v.name === 'RECONCILER_CONSENT_SYNC_MS')?.default} ms);
--refresh reads it from the backend now (BACKEND: OPERATOR_CONNECT_* or ACG_PROVISIONING_*) and records it.`;

export const RECONCILE_USAGE = `usage: flowthrough reconcile --audit [--account NAME] [--repair] [--json]

Drift audit: compares the observed state in PostgreSQL (what the reconciler
believes Operator Connect / Teams Phone Mobile holds) with what the backend
lists for each tenant, and prints every difference. Exit status 0 when there
is none, 3 when there are differences. With OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet
(the default) its calls share the workers' rate budget: while it runs it is one
more member of it, and the workers slow down to make room.

With BACKEND=acg it compares accounts and numbers with Azure Communications
Gateway instead (GET /accounts and GET /numbers; with --account, GET
/accounts/NAME and its numbers): every writable field, the Direct Routing
subdomainStatus and numberCount per service; ACG_PROVISIONING_RATE_LIMIT_SCOPE
decides whether it shares the workers' budget.

  --account NAME   only this account's numbers
  --repair         correct the observed state to the backend's and plan the
                   operations that bring the backend back to the desired
                   state (a running worker carries them out); with
                   BACKEND=acg, accounts that differ are handed to the
                   worker's account sync to be written again
  --json           one JSON object instead of lines`;

export const PUBLISH_USAGE = `usage: flowthrough publish <file.json|->… [--json]

Sends orders to ORDERS_TOPIC (${defaultOf('ORDERS_TOPIC')}) on KAFKA_BROKERS. A file ("-" is
standard input) holds one order or an array of them; an order is a record as in
examples/*.json ({"headers", "key", "value"}) or the order data alone, to which the
CloudEvents binary-mode headers are added. Every order is validated as the intake
validates it first: an invalid one is reported (file, problem) and not sent, and the
exit status is then 1. The key is the order's account.

  --json   one JSON object per order ({"sent": true|false, …}) instead of lines

prints, per order sent:  ORDER-ID → topic partition N offset M`;

export const STATUS_USAGE = `usage: flowthrough status [--follow] [--from-beginning] [--order ID] [--account NAME] [--json]

Prints the status events of STATUS_TOPIC (${defaultOf('STATUS_TOPIC')}), one line each:
  ORDER-ID  ACCOUNT  previous → state  items: …  errors: …
Without --follow, the events the topic holds up to its current end, then exits.

  --follow, -f       keep printing events as they arrive, until SIGINT (exit 0);
                     from the latest offset unless --from-beginning
  --from-beginning   with --follow: replay the topic first
  --order ID         only this order's events
  --account NAME     only this account's events
  --json             one JSON object per line: {id, type, time, partition, offset, data}`;

/**
 * Whether the arguments ask for help: --help or -h anywhere before a "--",
 * or "help" as the first. Checked before anything else runs.
 */
export function helpRequested(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  return options.includes('--help') || options.includes('-h') || options[0] === 'help';
}
