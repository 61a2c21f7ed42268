import type { TokenCredential } from '@azure/identity';
import { CompressionTypes, Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../logging/logger.js';
import { kafkaSaslOptions, kafkaTlsOptions } from './security.js';
import { componentLogger } from '../logging/component-logger.js';

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

/**
 * Error answers kafkajs logs at error level although it retries them itself
 * (a broker that is starting, a coordinator moving): told at warn, because a
 * request that finally fails reaches our own code, which says what to do.
 */
const RETRIED_RESPONSE = /^Response \w+\(key: \d+, version: \d+\)$/;

/**
 * A consumer's crash as kafkajs tells it: our consumer's CRASH listener
 * (transactional-batch-consumer.ts) reports the same crash at the level it
 * deserves, with what to do, and restarts what kafkajs does not.
 */
const TOLD_BY_OUR_LISTENER = [/^Crash: /, /^Restarting the consumer in \d+ms$/];

/** Routes kafkajs' own logging into pino, below our own level so its chatter stays quiet. */
export function kafkaLogCreator(logger: Logger) {
  const child = componentLogger(logger, 'kafkajs');
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...rest } = log;
      const deliberate = DELIBERATE.some((pattern) => pattern.test(message));
      const retried =
        level === logLevel.ERROR && (RETRIED_RESPONSE.test(message) || TOLD_BY_OUR_LISTENER.some((pattern) => pattern.test(message)));
      child[deliberate ? 'debug' : retried ? 'warn' : (LEVELS[level] ?? 'info')](rest, message);
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

export interface KafkaOverrides {
  readonly retry?: { initialRetryTime: number; retries: number; maxRetryTime: number };
  readonly connectionTimeout?: number;
  readonly logLevel?: logLevel;
  /** OAUTHBEARER: a credential made beforehand (tests count its tokens); absent: made from KAFKA_OAUTH_*. */
  readonly credential?: TokenCredential;
}

/**
 * The one way a Kafka client is made: brokers, TLS and SASL from KAFKA_*,
 * and the profile's producer and consumer defaults (see withProfileDefaults).
 */
export function createKafka(config: Pick<Config, 'kafka'>, logger: Logger, clientIdSuffix = '', overrides: KafkaOverrides = {}): Kafka {
  const { brokers, clientId, ssl, tls, reauthenticationThresholdMs } = config.kafka;
  const sasl = kafkaSaslOptions(config.kafka, logger, overrides.credential);
  const kafka = new Kafka({
    clientId: clientId + clientIdSuffix,
    brokers: [...brokers],
    ssl: kafkaTlsOptions(ssl, tls),
    ...(sasl ? { sasl } : {}),
    ...(reauthenticationThresholdMs === undefined ? {} : { reauthenticationThreshold: reauthenticationThresholdMs }),
    logLevel: overrides.logLevel ?? logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: overrides.retry ?? { initialRetryTime: 300, retries: 8, maxRetryTime: 30_000 },
    ...(overrides.connectionTimeout === undefined ? {} : { connectionTimeout: overrides.connectionTimeout }),
  });
  return withClientPolicies(kafka, config.kafka);
}

interface Connectable {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * A connect() that fails after a socket opened (a login refused on our side:
 * no token) would leave that socket open and the process alive; it is closed
 * before the error goes on, whoever called connect().
 */
function closedOnFailedConnect<T extends Connectable>(client: T): T {
  const connect = client.connect.bind(client);
  client.connect = async () => {
    try {
      await connect();
    } catch (error) {
      await client.disconnect().catch(() => undefined);
      throw error;
    }
  };
  return client;
}

/**
 * Every producer and consumer of the client gets KAFKA_METADATA_MAX_AGE_MS
 * (Event Hubs closes connections idle for 240 s) and every send
 * KAFKA_COMPRESSION, unless the caller names its own; KAFKA_IDEMPOTENT_PRODUCER
 * =false turns idempotence off whatever a producer asks; every client closes
 * what a failed connect() opened. One place, so no caller can forget.
 */
function withClientPolicies(
  kafka: Kafka,
  settings: Pick<Config['kafka'], 'metadataMaxAgeMs' | 'compression' | 'idempotentProducer'>,
): Kafka {
  const { metadataMaxAgeMs, compression, idempotentProducer } = settings;
  // Our producers send one request at a time (maxInFlightRequests 1), so order holds without idempotence.
  const idempotence = idempotentProducer === false ? { idempotent: false } : {};
  const metadata = metadataMaxAgeMs === undefined ? {} : { metadataMaxAge: metadataMaxAgeMs };
  const codec = compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const makeProducer = kafka.producer.bind(kafka);
  const makeConsumer = kafka.consumer.bind(kafka);
  const makeAdmin = kafka.admin.bind(kafka);
  kafka.producer = (options) => {
    const producer = closedOnFailedConnect(makeProducer({ ...metadata, ...options, ...idempotence }));
    const send = producer.send.bind(producer);
    const sendBatch = producer.sendBatch.bind(producer);
    producer.send = (record) => send({ compression: codec, ...record });
    producer.sendBatch = (batch) => sendBatch({ compression: codec, ...batch });
    return producer;
  };
  kafka.consumer = (options) => closedOnFailedConnect(makeConsumer({ ...metadata, ...options }));
  kafka.admin = (options) => closedOnFailedConnect(makeAdmin(options));
  return kafka;
}
