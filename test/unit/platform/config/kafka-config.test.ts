import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../../src/platform/config/load-config.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
}

const EVENT_HUBS = { KAFKA_PROFILE: 'event-hubs', KAFKA_BROKERS: 'flowthrough-prod.servicebus.windows.net:9093' };

describe('Kafka settings', () => {
  it('connects to the local stack when KAFKA_BROKERS is unset and FLOWTHROUGH_KAFKA_PORT is set; KAFKA_BROKERS wins', () => {
    assert.deepEqual(loadConfig({ FLOWTHROUGH_KAFKA_PORT: '19092' }).kafka.brokers, ['127.0.0.1:19092']);
    assert.deepEqual(loadConfig({ FLOWTHROUGH_KAFKA_PORT: '19092', KAFKA_BROKERS: 'b1:9092' }).kafka.brokers, ['b1:9092']);
    assert.deepEqual(loadConfig({}).kafka.brokers, ['127.0.0.1:9092']);
  });

  it('verifies TLS by default and reads the CA, the client certificate and the server name', () => {
    const { kafka } = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/etc/ca.pem',
      KAFKA_SSL_CERT_FILE: '/etc/client.pem',
      KAFKA_SSL_KEY_FILE: '/etc/client.key',
      KAFKA_SSL_SERVERNAME: 'kafka.internal',
    });
    assert.equal(kafka.ssl, true);
    assert.equal(kafka.tls?.rejectUnauthorized, true);
    assert.deepEqual(
      [kafka.tls?.caFile, kafka.tls?.certFile, kafka.tls?.keyFile, kafka.tls?.servername],
      ['/etc/ca.pem', '/etc/client.pem', '/etc/client.key', 'kafka.internal'],
    );
  });

  it('refuses TLS files without KAFKA_SSL, half a client certificate, and SASL without its parts', () => {
    const problems = problemsOf({
      KAFKA_SSL_CA_FILE: '/etc/ca.pem',
      KAFKA_SSL_CERT_FILE: '/etc/client.pem',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
    });
    assert.ok(problems.some((p) => p.startsWith('KAFKA_SSL_CA_FILE: set, but KAFKA_SSL is false')));
    assert.ok(problems.includes('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE: set both or neither'));
    assert.ok(
      problems.some((p) =>
        p.startsWith('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is scram-sha-512'),
      ),
    );
  });

  it('reads OAUTHBEARER settings, requires a scope and a client secret credential complete, and never shows the secret', () => {
    const config = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'oauthbearer',
      KAFKA_OAUTH_CREDENTIAL: 'client-secret',
      KAFKA_OAUTH_TENANT_ID: 't1',
      KAFKA_OAUTH_CLIENT_ID: 'c1',
      KAFKA_OAUTH_CLIENT_SECRET: 'oauth-s3cret',
      KAFKA_OAUTH_SCOPE: 'https://ns.servicebus.windows.net/.default',
    });
    const sasl = config.kafka.sasl;
    assert.ok(sasl?.mechanism === 'oauthbearer');
    assert.deepEqual(
      [sasl.oauth.tenantId, sasl.oauth.clientId, sasl.oauth.scope],
      ['t1', 'c1', 'https://ns.servicebus.windows.net/.default'],
    );
    assert.ok(config.secrets.some((s) => s.reveal() === 'oauth-s3cret'));
    assert.doesNotMatch(JSON.stringify(config), /oauth-s3cret/);

    const problems = problemsOf({ KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_CREDENTIAL: 'client-secret' });
    assert.ok(problems.some((p) => p.startsWith('KAFKA_OAUTH_SCOPE: required when KAFKA_SASL_MECHANISM is oauthbearer')));
    for (const name of ['KAFKA_OAUTH_TENANT_ID', 'KAFKA_OAUTH_CLIENT_ID', 'KAFKA_OAUTH_CLIENT_SECRET'])
      assert.ok(
        problems.some((p) => p.startsWith(`${name}: required`)),
        name,
      );
  });

  it('event-hubs profile: TLS, gzip, metadata under the idle limit, 1 MB records, no idempotence, the scope from the namespace', () => {
    const config = loadConfig({ ...EVENT_HUBS, KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_OAUTH_CREDENTIAL: 'managed-identity' });
    assert.equal(config.kafka.profile, 'event-hubs');
    assert.equal(config.kafka.ssl, true);
    assert.equal(config.kafka.compression, 'gzip');
    assert.equal(config.kafka.metadataMaxAgeMs, 180_000);
    assert.equal(config.kafka.idempotentProducer, false);
    assert.deepEqual(
      [config.outbox.maxBatchBytes, config.outbox.statusEventMaxBytes, config.intake.deadLetterMaxRecordBytes],
      [900_000, 900_000, 900_000],
    );
    const sasl = config.kafka.sasl;
    assert.ok(sasl?.mechanism === 'oauthbearer');
    assert.equal(sasl.oauth.scope, 'https://flowthrough-prod.servicebus.windows.net/.default');
  });

  it('event-hubs profile: refuses what Event Hubs refuses, each in one problem', () => {
    const problems = problemsOf({
      ...EVENT_HUBS,
      KAFKA_SSL: 'false',
      KAFKA_CREATE_TOPICS: 'true',
      KAFKA_METADATA_MAX_AGE_MS: '300000',
      OUTBOX_MAX_BATCH_BYTES: '2000000',
    });
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems.join('\n'), /KAFKA_SSL=false: KAFKA_PROFILE=event-hubs needs TLS/);
    assert.match(problems.join('\n'), /KAFKA_CREATE_TOPICS=true: KAFKA_PROFILE=event-hubs cannot create topics/);
    assert.match(problems.join('\n'), /KAFKA_METADATA_MAX_AGE_MS=300000: .*240 s/);
    assert.match(problems.join('\n'), /OUTBOX_MAX_BATCH_BYTES=2000000: .*1 MB/);
  });

  it('default profile keeps the defaults: no compression, idempotent producers, kafkajs metadata age', () => {
    const { kafka } = loadConfig({});
    assert.deepEqual(
      [kafka.profile, kafka.compression, kafka.idempotentProducer, kafka.metadataMaxAgeMs],
      ['default', 'none', true, 300_000],
    );
  });
});
