import assert from 'node:assert/strict';
import { it } from 'node:test';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from '../../../../src/platform/kafka/client.js';
import { capturingLogger } from '../../../support/test-context.js';

it("tells kafkajs' warnings about our deliberate choices at debug, every other warning as a warning", () => {
  const { logger, lines } = capturingLogger({ level: 'info' });
  const log = kafkaLogCreator(logger)();
  const entry = (message: string) => ({ namespace: 'Producer', level: logLevel.WARN, label: 'WARN', log: { message, timestamp: '' } });
  log(entry('Limiting retries for the idempotent producer may invalidate EoS guarantees'));
  log(entry('KafkaJS v2.0.0 switched default partitioner. To retain …'));
  log(entry('Connection error: connect ECONNREFUSED 127.0.0.1:9092'));
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /"level":40.*ECONNREFUSED/);
});

it('tells an error answer kafkajs retries, and a crash our listener reports, as warnings; any other kafkajs error as an error', async () => {
  const { logger, lines } = capturingLogger({ level: 'info' });
  const log = kafkaLogCreator(logger)();
  const entry = (message: string, error: string) => ({
    namespace: 'Connection',
    level: logLevel.ERROR,
    label: 'ERROR',
    log: { message, timestamp: '', error },
  });
  log(entry('Response InitProducerId(key: 22, version: 1)', "The coordinator is loading and hence can't process requests for this group"));
  log(entry('Crash: KafkaJSProtocolError: The coordinator is loading', 'The coordinator is loading'));
  log(entry('Restarting the consumer in 300ms', ''));
  log(entry('Failed to connect to seed broker, trying another broker from the list: x', 'x'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.length, 4);
  assert.match(lines[0] ?? '', /"level":40.*Response InitProducerId/);
  // Our consumer's crash listener tells the crash at its own level; kafkajs' lines about it are warnings.
  assert.match(lines[1] ?? '', /"level":40.*Crash/);
  assert.match(lines[2] ?? '', /"level":40.*Restarting the consumer/);
  assert.match(lines[3] ?? '', /"level":50.*Failed to connect to seed broker/);
});
