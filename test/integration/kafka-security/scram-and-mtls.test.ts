import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { errorLines, flowOver } from '../../support/secure-flow.js';
import { startSecureKafka } from '../../support/secure-kafka.js';
import { runCli } from '../../support/run-cli.js';
import { createTestDatabase, randomName, silentLogger } from '../../support/test-context.js';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { createKafka } from '../../../src/platform/kafka/client.js';
import { Partitioners } from 'kafkajs';

/**
 * The worker and the commands over the broker's SASL_SSL listener (SCRAM,
 * PLAIN) and its mutual-TLS listener, started by the project's launcher with
 * --secure; wrong credentials and an untrusted certificate fail in one line.
 */

const kafka = await startSecureKafka();
const { url } = await createTestDatabase();

/** `flowthrough publish` of one example in `env`: the first command every newcomer runs. */
function publish(env: Record<string, string>) {
  const topic = randomName('orders');
  return runCli(
    ['publish', 'examples/01-contoso-account.json'],
    { ...env, DATABASE_URL: url, ORDERS_TOPIC: topic, LOG_LEVEL: 'info' },
    60_000,
  );
}

/** stderr lines other than the start-up line naming the services. */
const problems = (stderr: string): string[] => stderr.split('\n').filter((l) => l.length > 0 && !/^flowthrough [a-z]+: Kafka /.test(l));

describe('Kafka security: SCRAM and mutual TLS', () => {
  it('runs intake, relay and dead-letter replay over SASL_SSL with SCRAM-SHA-512', async () => {
    const { worker, events, replay } = await flowOver(kafka, 'scram-sha-512');
    const states = (orderId: string) =>
      events()
        .filter((e) => e.data.orderId === orderId)
        .map((e) => e.data.state);
    assert.deepEqual(states('ORD-2026-000103').at(0), 'rejected');
    // Contoso's numbers end partial by design (examples/README: one number the backend refuses).
    assert.equal(states('ORD-2026-000103').at(-1), 'partial');
    assert.equal(states('ORD-2026-000101').at(-1), 'completed');
    assert.equal(states('ORD-2026-000102').at(-1), 'completed');
    assert.match(replay.stdout, /"replayed":\s*1|"replayed"/);
    assert.deepEqual(errorLines(worker.lines), []);
    assert.equal(await worker.stop(), 0);
  });

  it('runs the same flow over mutual TLS (client certificate, no SASL)', async () => {
    const { worker, events } = await flowOver(kafka, 'mtls');
    assert.equal(
      events()
        .filter((e) => e.data.orderId === 'ORD-2026-000103')
        .at(-1)?.data.state,
      'partial',
    );
    assert.deepEqual(errorLines(worker.lines), []);
    assert.equal(await worker.stop(), 0);
  });

  for (const mode of ['plain', 'scram-sha-256'] as const) {
    it(`connects with SASL ${mode} over TLS`, async () => {
      const result = await publish(kafka.env(mode));
      // The topic does not exist: the answer came from the broker's metadata, after the login.
      assert.equal(result.code, 1);
      assert.match(problems(result.stderr).join('\n'), /^flowthrough publish: topic orders_\w+ \(ORDERS_TOPIC\) does not exist/);
    });
  }

  it('event-hubs profile: its producers send gzip batches and are not idempotent, even when asked to be', async () => {
    const topic = randomName('eh-profile');
    const config = loadConfig({ ...kafka.env('scram-sha-512'), KAFKA_PROFILE: 'event-hubs' });
    const client = createKafka(config, silentLogger(), '-profile-test');
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    // As the relay asks: idempotent, one request in flight.
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'contoso', value: 'x'.repeat(10_000) }] });
    await producer.disconnect();
    // The record batch as the broker stored it (v2 layout): attributes at byte 21, producerId at byte 43.
    const segment = await readFile(join(kafka.dataDir, `${topic}-0`, '00000000000000000000.log'));
    assert.equal(segment.readInt8(16), 2, 'record batch magic');
    assert.equal(segment.readInt16BE(21) & 0x07, 1, 'compression codec: gzip');
    assert.equal(segment.readBigInt64BE(43), -1n, 'no producer id: not idempotent');
    assert.ok(segment.readInt32BE(8) < 1_000, `a compressed batch of ${segment.readInt32BE(8)} bytes for 10,000 bytes of value`);
  });

  it('checks the broker certificate against KAFKA_SSL_SERVERNAME when it is set', async () => {
    const named = await publish({ ...kafka.env('scram-sha-512'), KAFKA_SSL_SERVERNAME: 'localhost' });
    assert.match(problems(named.stderr).join('\n'), /does not exist/, named.stderr);
    const misnamed = await publish({ ...kafka.env('scram-sha-512'), KAFKA_SSL_SERVERNAME: 'kafka.elsewhere.example' });
    assert.equal(misnamed.code, 1);
    const lines = problems(misnamed.stderr);
    assert.equal(lines.length, 1, misnamed.stderr);
    assert.match(lines[0] ?? '', /TLS to Kafka at 127\.0\.0\.1:\d+ failed .*kafka\.elsewhere\.example/);
  });

  it('refuses a wrong SCRAM password in one line naming the settings, never the password', async () => {
    const env = { ...kafka.env('scram-sha-512'), KAFKA_SASL_PASSWORD: 'not-the-password' };
    const result = await publish(env);
    assert.equal(result.code, 1);
    const lines = problems(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0] ?? '',
      /refused the SASL login \(KAFKA_SASL_MECHANISM=scram-sha-512, KAFKA_SASL_USERNAME=flowthrough; KAFKA_BROKERS=127\.0\.0\.1:\d+\).*check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    assert.doesNotMatch(result.stderr, /not-the-password/);
  });

  it('refuses the mTLS listener without a client certificate, and a broker certificate from an unknown CA', async () => {
    const { KAFKA_SSL_CERT_FILE: _c, KAFKA_SSL_KEY_FILE: _k, ...noCertificate } = kafka.env('mtls');
    const anonymous = await publish(noCertificate);
    assert.equal(anonymous.code, 1);
    assert.equal(problems(anonymous.stderr).length, 1, anonymous.stderr);
    assert.match(problems(anonymous.stderr)[0] ?? '', /Kafka at 127\.0\.0\.1:\d+/);

    const { KAFKA_SSL_CA_FILE: _ca, ...systemRoots } = kafka.env('scram-sha-512');
    const untrusted = await publish(systemRoots);
    assert.equal(untrusted.code, 1);
    const lines = problems(untrusted.stderr);
    assert.equal(lines.length, 1, untrusted.stderr);
    assert.match(lines[0] ?? '', /TLS to Kafka at 127\.0\.0\.1:\d+ failed .*self-signed certificate.*KAFKA_SSL_CA_FILE is empty/);
  });
});
