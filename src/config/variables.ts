/**
 * Every environment variable flowthrough reads, with its default and meaning.
 * This table is the single place defaults live; README's configuration table
 * is checked against it by a test.
 */
export type VariableType = 'string' | 'integer' | 'boolean' | 'list' | 'url';

export interface VariableSpec {
  readonly name: string;
  readonly type: VariableType;
  readonly default?: string;
  readonly description: string;
  /** Secret values are redacted from every log line. */
  readonly secret?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

export const VARIABLES = [
  { name: 'LOG_LEVEL', type: 'string', default: 'info', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'pino log level' },
  { name: 'DATABASE_URL', type: 'url', default: 'postgres://postgres@127.0.0.1:5432/postgres', secret: false, description: 'PostgreSQL connection string (its password, if any, is redacted in logs)' },
  { name: 'DATABASE_POOL_MAX', type: 'integer', default: '10', minimum: 1, maximum: 200, description: 'maximum PostgreSQL connections per worker' },
  { name: 'KAFKA_BROKERS', type: 'list', default: '127.0.0.1:9092', description: 'comma-separated Kafka bootstrap brokers (host:port)' },
  { name: 'KAFKA_CLIENT_ID', type: 'string', default: 'flowthrough', description: 'Kafka client id' },
  { name: 'KAFKA_SSL', type: 'boolean', default: 'false', description: 'connect to Kafka over TLS' },
  { name: 'KAFKA_SASL_MECHANISM', type: 'string', default: '', enum: ['', 'plain', 'scram-sha-256', 'scram-sha-512'], description: 'SASL mechanism; empty disables SASL' },
  { name: 'KAFKA_SASL_USERNAME', type: 'string', default: '', description: 'SASL user name' },
  { name: 'KAFKA_SASL_PASSWORD', type: 'string', default: '', secret: true, description: 'SASL password (secret)' },
  { name: 'KAFKA_GROUP_ID', type: 'string', default: 'flowthrough-intake', description: 'consumer group of the order intake' },
  { name: 'ORDERS_TOPIC', type: 'string', default: 'provisioning.orders.v1', description: 'topic of BSS order events' },
  { name: 'DEAD_LETTER_TOPIC', type: 'string', default: 'provisioning.orders.v1.dlt', description: 'topic of rejected order records' },
  { name: 'STATUS_TOPIC', type: 'string', default: 'provisioning.status.v1', description: 'topic of order status events' },
  { name: 'HTTP_HOST', type: 'string', default: '0.0.0.0', description: 'address the health/metrics HTTP server binds' },
  { name: 'HTTP_PORT', type: 'integer', default: '8080', minimum: 0, maximum: 65535, description: 'port of the health/metrics HTTP server (0 picks a free one)' },
  { name: 'SHUTDOWN_TIMEOUT_MS', type: 'integer', default: '30000', minimum: 100, maximum: 600000, description: 'graceful shutdown budget before a forced exit' },
  { name: 'CUSTOM_HEADER_NAME', type: 'string', default: 'X-MS-Operator-Content', pattern: '^[A-Za-z0-9-]{1,64}$', description: 'the one custom SIP header name of the deployment' },
] as const satisfies readonly VariableSpec[];

export type VariableName = (typeof VARIABLES)[number]['name'];
