import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs, { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { explainFailure, explainKafkaError } from '../../../../src/platform/errors/explain.js';
import { kafkaBrokers } from '../../../support/test-context.js';
import { closedPort, rejection } from './closed-port.js';

// kafkajs spreads its error classes into module.exports, which Node's named-export detection misses.
// Its typings declare the constructor without the message it takes.
const KafkaJSSASLAuthenticationError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

/** What an admin client's connect() throws, with a retry budget of a few hundred milliseconds. */
async function connectFailure(config: Omit<KafkaConfig, 'clientId' | 'logLevel' | 'retry'>): Promise<unknown> {
  const kafka = new Kafka({
    clientId: 'explain-test',
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
    connectionTimeout: 1_000,
    ...config,
  });
  const admin = kafka.admin();
  try {
    return await rejection(admin.connect());
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('explainKafkaError', () => {
  it('says a closed port is a broker it cannot connect to, naming KAFKA_BROKERS', async () => {
    const broker = `127.0.0.1:${await closedPort()}`;
    const error = await connectFailure({ brokers: [broker] });
    assert.deepEqual(explainKafkaError(error, [broker]), {
      code: 'kafka_unreachable',
      line: `cannot connect to Kafka at ${broker} (KAFKA_BROKERS=${broker}): connection refused; is the broker running?`,
      retryable: true,
    });
  });

  it('says a broker host that does not resolve is not found', async () => {
    const broker = 'no-such-host.invalid:9092';
    const explained = explainKafkaError(await connectFailure({ brokers: [broker] }), [broker]);
    assert.equal(explained.code, 'kafka_unreachable');
    assert.match(
      explained.line,
      /^cannot connect to Kafka at no-such-host\.invalid:9092 \(KAFKA_BROKERS=no-such-host\.invalid:9092\): (host not found|host name lookup failed).*check the host names in KAFKA_BROKERS$/,
    );
  });

  it('says TLS to a plaintext listener failed, naming KAFKA_SSL', async () => {
    const brokers = kafkaBrokers();
    const explained = explainKafkaError(await connectFailure({ brokers, ssl: true }), brokers, { ssl: true });
    assert.equal(explained.code, 'kafka_tls_failed');
    assert.match(explained.line, /^TLS to Kafka at \S+ failed \(KAFKA_SSL=true; KAFKA_BROKERS=\S+\): .*check that the listener speaks TLS/);
  });

  it('says SASL against a listener without it is a login problem, naming KAFKA_SASL_MECHANISM', async () => {
    const brokers = kafkaBrokers();
    const error = await connectFailure({ brokers, sasl: { mechanism: 'plain', username: 'svc', password: 'never-shown' } });
    const explained = explainKafkaError(error, brokers, { saslMechanism: 'plain', saslUsername: 'svc' });
    assert.equal(explained.code, 'kafka_auth_failed');
    assert.match(
      explained.line,
      /refused the SASL login \(KAFKA_SASL_MECHANISM=plain, KAFKA_SASL_USERNAME=svc; KAFKA_BROKERS=\S+\): .*check KAFKA_SASL_MECHANISM/,
    );
    assert.ok(!explained.line.includes('never-shown'));
  });

  it('says a refused SASL login names the user and password settings', () => {
    const error = new KafkaJSSASLAuthenticationError(
      'SASL PLAIN authentication failed: Authentication failed: Invalid username or password',
    );
    const explained = explainKafkaError(error, ['kafka-1:9093'], { ssl: true, saslMechanism: 'scram-sha-512', saslUsername: 'svc' });
    assert.equal(explained.code, 'kafka_auth_failed');
    assert.match(explained.line, /check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD$/);
  });

  it('says an advertised broker it cannot reach is the cluster’s address, not KAFKA_BROKERS', () => {
    const connection = Object.assign(new Error('Connection error: connect ECONNREFUSED 10.0.0.7:9092'), {
      name: 'KafkaJSConnectionError',
      broker: '10.0.0.7:9092',
      code: 'ECONNREFUSED',
    });
    const explained = explainKafkaError(connection, ['localhost:9092']);
    assert.equal(explained.code, 'kafka_unreachable');
    assert.match(
      explained.line,
      /^cannot connect to Kafka broker 10\.0\.0\.7:9092, which the cluster advertised \(KAFKA_BROKERS=localhost:9092\): connection refused; check the broker's advertised\.listeners/,
    );
    const loopback = Object.assign(new Error('x'), { name: 'KafkaJSConnectionError', broker: '127.0.0.1:9092', code: 'ECONNREFUSED' });
    assert.doesNotMatch(explainKafkaError(loopback, ['localhost:9092']).line, /advertised/, 'localhost and 127.0.0.1 are the same host');
  });

  it('is what explainFailure picks for a kafkajs error', async () => {
    const broker = `127.0.0.1:${await closedPort()}`;
    const error = await connectFailure({ brokers: [broker] });
    assert.equal(
      explainFailure(error, { databaseUrl: 'postgres://127.0.0.1:5432/x', kafka: { brokers: [broker] } }).code,
      'kafka_unreachable',
    );
  });
});
