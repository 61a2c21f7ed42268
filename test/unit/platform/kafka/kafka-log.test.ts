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
