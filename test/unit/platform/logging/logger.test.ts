import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { loadConfig } from '../../../../src/platform/config/load-config.js';
import { capturingLogger } from '../../../support/test-context.js';

describe('logger redaction', () => {
  const config = loadConfig({
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'svc-flowthrough',
    KAFKA_SASL_PASSWORD: 'sasl-Pa55word!"quoted"',
    DATABASE_URL: 'postgres://app:db-Pa55word@db.internal:5432/flowthrough',
  });

  const saslPassword = (): string => {
    const sasl = config.kafka.sasl;
    assert.ok(sasl && 'password' in sasl);
    return sasl.password.reveal();
  };

  it('never writes a configured secret, whatever carries it', async () => {
    const { logger, lines } = capturingLogger({ secrets: config.secrets });
    logger.info({ config }, 'starting with configuration');
    logger.info({ kafka: config.kafka }, 'kafka settings');
    logger.info({ sasl: config.kafka.sasl }, 'sasl block');
    logger.warn(`connection string was ${config.database.url}`);
    logger.error({ err: new Error(`auth failed for password ${saslPassword()}`) }, 'failure');
    logger.info({ nested: { deeper: { value: saslPassword() } } }, 'deeply nested');
    logger.info({ headers: { authorization: 'Bearer eyJhbGciOi.fake.token' } }, 'outbound call');
    await tick();
    assert.equal(lines.length, 7);
    for (const line of lines) {
      assert.ok(!line.includes('sasl-Pa55word'), `SASL password leaked: ${line}`);
      assert.ok(!line.includes('db-Pa55word'), `database password leaked: ${line}`);
      assert.ok(!line.includes('eyJhbGciOi'), `bearer token leaked: ${line}`);
    }
    assert.ok(lines.some((l) => l.includes('[Redacted]')));
    // The non-secret parts stay readable.
    assert.ok(lines[0]?.includes('svc-flowthrough'), 'the SASL user name is not a secret and stays');
    assert.ok(lines[3]?.includes('db.internal'), 'the database host stays');
  });

  it('keeps lines valid JSON after scrubbing', async () => {
    const { logger, lines } = capturingLogger({ secrets: config.secrets });
    logger.info({ text: `a "${saslPassword()}" b` }, 'quoted secret');
    await tick();
    const parsed = JSON.parse(lines[0] ?? '{}') as { text: string };
    assert.equal(parsed.text, 'a "[Redacted]" b');
  });
});
