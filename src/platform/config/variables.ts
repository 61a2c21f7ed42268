/**
 * Every environment variable flowthrough reads, with its default and meaning.
 * This table (with its siblings: ops-, reconciler-, operator-connect- and
 * acg-variables.ts) is the single place defaults live; README's
 * configuration tables are written from them by `npm run docs:config`
 * (tools/docs/config-tables.ts) and a test fails when they differ.
 */
import { entraVariables } from './entra-variables.js';
import { KAFKA_CONNECTION_VARIABLES } from './kafka-variables.js';

export type { VariableSpec, VariableType } from './variable-spec.js';
import type { VariableSpec } from './variable-spec.js';

export const VARIABLES = [
  {
    name: 'LOG_LEVEL',
    type: 'string',
    default: 'info',
    enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    description: 'pino log level; debug or trace also prints the stack trace of a command that fails',
  },
  {
    name: 'DATABASE_URL',
    type: 'url',
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    secret: false,
    description: 'PostgreSQL connection string (its password, if any, is redacted in logs)',
  },
  {
    name: 'DATABASE_POOL_MAX',
    type: 'integer',
    default: '10',
    minimum: 1,
    maximum: 200,
    description: 'maximum PostgreSQL connections per worker',
  },
  {
    name: 'DATABASE_SSL_MODE',
    type: 'string',
    default: '',
    enum: ['', 'disable', 'require', 'verify-ca', 'verify-full'],
    description:
      "PostgreSQL TLS: require (encrypt, trust any certificate), verify-ca (the certificate signed by DATABASE_SSL_CA_FILE), verify-full (and naming the host); empty: what DATABASE_URL's sslmode says (none: disable)",
  },
  {
    name: 'DATABASE_SSL_CA_FILE',
    type: 'string',
    default: '',
    description: 'PEM file of the CA(s) that sign the PostgreSQL server certificate (verify-ca, verify-full); empty: the system roots',
  },
  {
    name: 'DATABASE_SSL_CERT_FILE',
    type: 'string',
    default: '',
    description: 'PEM client certificate for PostgreSQL (optional, with DATABASE_SSL_KEY_FILE)',
  },
  { name: 'DATABASE_SSL_KEY_FILE', type: 'string', default: '', description: 'PEM private key of DATABASE_SSL_CERT_FILE' },
  {
    name: 'DATABASE_AUTH',
    type: 'string',
    default: 'password',
    enum: ['password', 'entra'],
    description:
      "PostgreSQL authentication: password (DATABASE_URL's) or entra (an Entra ID access token per new connection, DATABASE_ENTRA_*)",
  },
  ...entraVariables('DATABASE_ENTRA', 'DATABASE_AUTH=entra', {
    default: 'https://ossrdbms-aad.database.windows.net/.default',
    description: 'token scope for Azure Database for PostgreSQL',
  }),
  ...KAFKA_CONNECTION_VARIABLES,
  { name: 'KAFKA_GROUP_ID', type: 'string', default: 'flowthrough-intake', description: 'consumer group of the order intake' },
  {
    name: 'KAFKA_SESSION_TIMEOUT_MS',
    type: 'integer',
    default: '30000',
    minimum: 6000,
    maximum: 300000,
    description:
      "how long the group waits for a silent intake consumer (a killed worker) before giving its partitions to others; within the broker's group.min/max.session.timeout.ms",
  },
  {
    name: 'KAFKA_HEARTBEAT_INTERVAL_MS',
    type: 'integer',
    default: '3000',
    minimum: 100,
    maximum: 100000,
    description: 'intake consumer heartbeats; at most a third of KAFKA_SESSION_TIMEOUT_MS',
  },
  {
    name: 'KAFKA_REBALANCE_TIMEOUT_MS',
    type: 'integer',
    default: '60000',
    minimum: 1000,
    maximum: 600000,
    description: 'how long a rebalance waits for every member to rejoin; a member killed mid-rebalance holds the group this long',
  },
  { name: 'ORDERS_TOPIC', type: 'string', default: 'provisioning.orders.v1', description: 'topic of BSS order events' },
  { name: 'DEAD_LETTER_TOPIC', type: 'string', default: 'provisioning.orders.v1.dlt', description: 'topic of rejected order records' },
  { name: 'STATUS_TOPIC', type: 'string', default: 'provisioning.status.v1', description: 'topic of order status events' },
  { name: 'HTTP_HOST', type: 'string', default: '0.0.0.0', description: 'address the HTTP server (health, metrics, read API) binds' },
  {
    name: 'HTTP_PORT',
    type: 'integer',
    default: '8080',
    minimum: 0,
    maximum: 65535,
    description: 'port of the HTTP server: /healthz, /readyz, /metrics and the read API (0 picks a free one)',
  },
  {
    name: 'STARTUP_TIMEOUT_MS',
    type: 'integer',
    default: '0',
    minimum: 0,
    maximum: 86400000,
    description:
      'how long the worker waits at start for PostgreSQL (migrated) and the brokers, retrying with backoff and answering /readyz 503 meanwhile; 0 waits for ever; past it the worker exits with a one-line error',
  },
  {
    name: 'SHUTDOWN_TIMEOUT_MS',
    type: 'integer',
    default: '30000',
    minimum: 100,
    maximum: 600000,
    description: 'graceful shutdown budget before a forced exit',
  },
  {
    name: 'KAFKA_CREATE_TOPICS',
    type: 'boolean',
    default: 'false',
    description:
      'create the orders, dead-letter and status topics at start if missing (development; production topics are provisioned by ops); when false, start-up waits until they exist',
  },
  {
    name: 'KAFKA_TOPIC_PARTITIONS',
    type: 'integer',
    default: '3',
    minimum: 1,
    maximum: 1000,
    description: 'partitions of topics created by KAFKA_CREATE_TOPICS',
  },
  {
    name: 'STATUS_EVENT_SOURCE',
    type: 'string',
    default: '/flowthrough',
    description: 'ce_source of published status events (a URI reference naming this deployment)',
  },
  {
    name: 'INTAKE_CHUNK_SIZE',
    type: 'integer',
    default: '500',
    minimum: 1,
    maximum: 10000,
    description: 'order records per PostgreSQL transaction, at most',
  },
  {
    name: 'INTAKE_CHUNK_BYTES',
    type: 'integer',
    default: '1048576',
    minimum: 1024,
    maximum: 67108864,
    description: 'order record bytes per PostgreSQL transaction, at most (bounds memory with large orders; a larger record goes alone)',
  },
  {
    name: 'INTAKE_PARTITIONS_CONCURRENTLY',
    type: 'integer',
    default: '3',
    minimum: 1,
    maximum: 64,
    description: 'partitions the intake processes at once (one transaction each)',
  },
  {
    name: 'INTAKE_MAX_RECORD_BYTES',
    type: 'integer',
    default: '4194304',
    minimum: 1024,
    maximum: 67108864,
    description:
      'largest order record value the intake parses; a larger one is dead-lettered as too_large (a 10,000-number order is about 2.5 MB)',
  },
  {
    name: 'INTAKE_MAX_JSON_DEPTH',
    type: 'integer',
    default: '64',
    minimum: 8,
    maximum: 1000,
    description: 'deepest JSON nesting an order record may have; a deeper one is dead-lettered as too_deep before it is parsed',
  },
  {
    name: 'INTAKE_MAX_FUTURE_SKEW_MS',
    type: 'integer',
    default: '300000',
    minimum: 0,
    maximum: 604800000,
    description: "how far in the future an order's requestedAt may lie (BSS clock skew); later is dead-lettered as requested_at_in_future",
  },
  {
    name: 'DEAD_LETTER_MAX_RECORD_BYTES',
    type: 'integer',
    default: '3145728',
    minimum: 65536,
    maximum: 67108864,
    description:
      "largest dead-letter copy (key, value and headers) published whole; a larger original stays in PostgreSQL and the dead-letter record carries a reference (keep it below the dead-letter topic's max.message.bytes)",
  },
  {
    name: 'OUTBOX_BATCH_SIZE',
    type: 'integer',
    default: '1000',
    minimum: 1,
    maximum: 10000,
    description:
      "outbox rows the relay claims per cycle (one PostgreSQL transaction); each partition's rows go in produce requests of at most OUTBOX_MAX_BATCH_BYTES",
  },
  {
    name: 'STATUS_EVENT_MAX_BYTES',
    type: 'integer',
    default: '900000',
    minimum: 65536,
    maximum: 67108864,
    description:
      "largest status event value; an event whose per-number results would exceed it carries counts per state instead, and a link to the whole results (orders show, read API). Keep it below the status topic's max.message.bytes (Event Hubs: 1 MB)",
  },
  {
    name: 'OUTBOX_POLL_INTERVAL_MS',
    type: 'integer',
    default: '1000',
    minimum: 10,
    maximum: 60000,
    description: 'longest wait of the relay between looks (it is woken by NOTIFY at once)',
  },
  {
    name: 'OUTBOX_RETENTION_HOURS',
    type: 'integer',
    default: '168',
    minimum: 1,
    maximum: 8760,
    description: 'how long published outbox rows (the status history) are kept',
  },
  {
    name: 'OUTBOX_MAX_BATCH_BYTES',
    type: 'integer',
    default: '1048576',
    minimum: 1024,
    maximum: 67108864,
    description:
      "record bytes the relay sends to one partition in one produce request, at most (keep it below the topics' max.message.bytes; a larger row goes alone)",
  },
  {
    name: 'OUTBOX_MAX_ATTEMPTS',
    type: 'integer',
    default: '5',
    minimum: 1,
    maximum: 1000,
    description:
      'attempts the broker may refuse for one outbox row (a record too large for its topic, say) before the row is parked and the rows behind it flow (flowthrough outbox list --parked, outbox retry)',
  },
  {
    name: 'OUTBOX_RETRY_BASE_MS',
    type: 'integer',
    default: '1000',
    minimum: 1,
    maximum: 600000,
    description: 'first backoff of the relay after the broker refused a row or failed a cycle; doubles per failure (jittered)',
  },
  {
    name: 'OUTBOX_RETRY_CAP_MS',
    type: 'integer',
    default: '30000',
    minimum: 1,
    maximum: 3600000,
    description: 'largest backoff of the relay, for refused rows and for cycles the broker failed',
  },
  {
    name: 'CUSTOM_HEADER_NAME',
    type: 'string',
    default: 'X-MS-Operator-Content',
    pattern: '^[A-Za-z0-9-]{1,64}$',
    description:
      "name of the one custom SIP header of the deployment, which carries a number's custom header contents (flowthrough header, numbers show)",
  },
] as const satisfies readonly VariableSpec[];

export type VariableName = (typeof VARIABLES)[number]['name'];

/**
 * Read by the `flowthrough` command itself (src/app/cli/main.ts), not by a
 * loader: loadConfig never parses them, so no value here can stop a command.
 * Listed so README documents them with the others.
 */
export const CLI_VARIABLES = [
  {
    name: 'FLOWTHROUGH_DEBUG',
    type: 'string',
    default: '',
    description:
      '1 or true: a command that fails prints its stack trace after the one-line error (as LOG_LEVEL debug or trace does); any other value is ignored',
  },
  {
    name: 'FLOWTHROUGH_KAFKA_PORT',
    type: 'string',
    default: '',
    description:
      "the local stack's broker port (npm run stack, which reads it too); with KAFKA_BROKERS unset, every command connects to 127.0.0.1:<port>",
  },
] as const satisfies readonly VariableSpec[];
