import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../../src/platform/config/load-config.js';

describe('loadConfig', () => {
  it('applies every default when the environment is empty', () => {
    const config = loadConfig({});
    assert.equal(config.database.url, 'postgres://postgres@127.0.0.1:5432/postgres');
    assert.deepEqual(config.kafka.brokers, ['127.0.0.1:9092']);
    assert.equal(config.topics.orders, 'provisioning.orders.v1');
    assert.equal(config.topics.deadLetter, 'provisioning.orders.v1.dlt');
    assert.equal(config.topics.status, 'provisioning.status.v1');
    assert.equal(config.http.port, 8080);
    assert.equal(config.kafka.sasl, null);
    assert.equal(config.customHeaderName, 'X-MS-Operator-Content');
  });

  it('parses lists, integers and booleans', () => {
    const config = loadConfig({ KAFKA_BROKERS: ' a:1 , b:2 ', HTTP_PORT: '9000', KAFKA_SSL: 'true' });
    assert.deepEqual(config.kafka.brokers, ['a:1', 'b:2']);
    assert.equal(config.http.port, 9000);
    assert.equal(config.kafka.ssl, true);
  });

  it('lists every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        HTTP_PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'not a url',
        SHUTDOWN_TIMEOUT_MS: '5',
        KAFKA_SASL_MECHANISM: 'plain',
      });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    const names = error.problems.map((p) => p.split(/[=:]/)[0]);
    assert.deepEqual(
      names.sort(),
      ['DATABASE_URL', 'HTTP_PORT', 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD', 'LOG_LEVEL', 'SHUTDOWN_TIMEOUT_MS'].sort(),
    );
    assert.match(error.message, /HTTP_PORT="eighty": must be an integer/);
  });

  it('reads the intake group timings, and refuses a heartbeat longer than a third of the session', () => {
    assert.deepEqual(loadConfig({}).kafka.group, { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000, rebalanceTimeoutMs: 60_000 });
    assert.deepEqual(
      loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '10000', KAFKA_HEARTBEAT_INTERVAL_MS: '1000', KAFKA_REBALANCE_TIMEOUT_MS: '15000' }).kafka
        .group,
      {
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1_000,
        rebalanceTimeoutMs: 15_000,
      },
    );
    assert.throws(
      () => loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' }),
      /KAFKA_HEARTBEAT_INTERVAL_MS: at most a third of KAFKA_SESSION_TIMEOUT_MS=6000 \(got 3000\)/,
    );
  });

  it('reads READ_API_PUBLIC_URL without its trailing slash, and refuses what is not an http(s) base', () => {
    assert.equal(loadConfig({}).readApi.publicUrl, null);
    assert.equal(
      loadConfig({ READ_API_PUBLIC_URL: 'https://api.example.com/provisioning/' }).readApi.publicUrl,
      'https://api.example.com/provisioning',
    );
    for (const bad of ['not a url', 'ftp://api.example.com', 'https://api.example.com/?x=1', 'https://user:pw@api.example.com']) {
      assert.throws(
        () => loadConfig({ READ_API_PUBLIC_URL: bad }),
        (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('READ_API_PUBLIC_URL=')),
        bad,
      );
    }
  });

  it('never echoes a secret value in its errors', () => {
    assert.throws(
      () => loadConfig({ KAFKA_SASL_MECHANISM: 'bogus', KAFKA_SASL_PASSWORD: 'hunter2-very-secret' }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes('hunter2-very-secret'),
    );
  });

  it('collects secrets: the SASL password and the database password', () => {
    const config = loadConfig({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 's3cret-sasl',
      DATABASE_URL: 'postgres://app:db%40pass@db:5432/x',
    });
    assert.deepEqual(config.secrets.map((s) => s.reveal()).sort(), ['db@pass', 's3cret-sasl']);
    assert.equal(JSON.stringify(config.kafka.sasl), '{"mechanism":"plain","username":"svc","password":"[Redacted]"}');
    const sasl = config.kafka.sasl;
    assert.ok(sasl && 'password' in sasl);
    assert.equal(sasl.password.reveal(), 's3cret-sasl');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({});
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.kafka));
    assert.ok(Object.isFrozen(config.kafka.brokers));
  });
});
