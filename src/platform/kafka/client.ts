import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../logging/logger.js';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs warnings about choices we made on purpose, told at debug: delivery is
 * at least once by the outbox's own retries and ce_id dedup, so the idempotent
 * producer's retries are bounded (a send must fail to be retried and parked);
 * every producer of ours names its partitioner, the relay its partitions.
 */
const DELIBERATE = [/^Limiting retries for the idempotent producer/, /^KafkaJS v2\.0\.0 switched default partitioner/];

/** Routes kafkajs' own logging into pino, below our own level so its chatter stays quiet. */
export function kafkaLogCreator(logger: Logger) {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...rest } = log;
      const deliberate = DELIBERATE.some((pattern) => pattern.test(message));
      child[deliberate ? 'debug' : (LEVELS[level] ?? 'info')](rest, message);
    };
}

/**
 * A client for a quick yes/no: is the cluster there? One retry and a short
 * connection timeout, so a start-up probe reports a broker that is down in
 * seconds instead of after the worker clients' whole retry budget.
 */
export function createProbeKafka(config: Pick<Config, 'kafka'>, logger: Logger): Kafka {
  return createKafka(config, logger, '-probe', {
    retry: { initialRetryTime: 300, retries: 1, maxRetryTime: 1_000 },
    connectionTimeout: 3_000,
    logLevel: logLevel.NOTHING,
  });
}

export function createKafka(
  config: Pick<Config, 'kafka'>,
  logger: Logger,
  clientIdSuffix = '',
  overrides: {
    retry?: { initialRetryTime: number; retries: number; maxRetryTime: number };
    connectionTimeout?: number;
    logLevel?: logLevel;
  } = {},
): Kafka {
  const { brokers, clientId, ssl, sasl } = config.kafka;
  return new Kafka({
    clientId: clientId + clientIdSuffix,
    brokers: [...brokers],
    ssl,
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password.reveal() } as SASLOptions } : {}),
    logLevel: overrides.logLevel ?? logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: overrides.retry ?? { initialRetryTime: 300, retries: 8, maxRetryTime: 30_000 },
    ...(overrides.connectionTimeout === undefined ? {} : { connectionTimeout: overrides.connectionTimeout }),
  });
}
