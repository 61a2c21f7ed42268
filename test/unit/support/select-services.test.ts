import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectServices } from '../../support/harness/select-services.js';

describe('test service selection', () => {
  it('prefers services given by the environment', () => {
    assert.deepEqual(selectServices({ KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://x/y' }, true), {
      kafka: 'environment',
      postgres: 'environment',
    });
  });
  it('uses testcontainers when a container runtime answers and nothing is given', () => {
    assert.deepEqual(selectServices({}, true), { kafka: 'testcontainers', postgres: 'testcontainers' });
  });
  it('falls back to the project launcher without a container runtime', () => {
    assert.deepEqual(selectServices({}, false), { kafka: 'launcher', postgres: 'launcher' });
  });
  it('decides per service', () => {
    assert.deepEqual(selectServices({ DATABASE_URL: 'postgres://x/y' }, false), { kafka: 'launcher', postgres: 'environment' });
    assert.deepEqual(selectServices({ KAFKA_BROKERS: 'k:1', DATABASE_URL: '  ' }, true), {
      kafka: 'environment',
      postgres: 'testcontainers',
    });
  });
});
