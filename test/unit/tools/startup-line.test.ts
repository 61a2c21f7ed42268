import assert from 'node:assert/strict';
import { it } from 'node:test';
import { STARTUP_LINE } from '../../../tools/shared/startup-line.js';

it("recognises the commands' start-up line, and nothing else", () => {
  assert.match('flowthrough worker: Kafka 127.0.0.1:9092, PostgreSQL postgres://postgres:***@127.0.0.1:5432/flowthrough', STARTUP_LINE);
  assert.doesNotMatch('flowthrough: database_missing: database "x" does not exist', STARTUP_LINE);
  assert.doesNotMatch('Error: flowthrough worker: Kafka down', STARTUP_LINE);
});
