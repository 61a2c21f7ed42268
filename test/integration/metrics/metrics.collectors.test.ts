import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { CachedValue } from '../../../src/app/metrics/cached-value.js';
import { circuitStateValue, partitionLags, WorkerMetrics } from '../../../src/app/metrics/index.js';
import { parseExposition, sampleValue } from '../../support/scrape.js';

describe('metrics collectors', () => {
  it('maps the circuit state to 0 closed, 1 half-open, 2 open', () => {
    assert.equal(circuitStateValue('closed'), 0);
    assert.equal(circuitStateValue('half-open'), 1);
    assert.equal(circuitStateValue('open'), 2);
  });

  it('reports the circuit state from the hook and from the breaker read at scrape time', async () => {
    const metrics = new WorkerMetrics({ pool: failingPool(), admin: failingAdmin(), logger: silent(), ordersTopic: 't', groupId: 'g' });
    metrics.onCircuitStateChange('open');
    assert.equal(sampleValue(parseExposition(await metrics.registry.metrics()), 'flowthrough_operator_connect_circuit_state'), 2);
    let state: 'closed' | 'open' | 'half-open' = 'open';
    metrics.observeCircuit(() => state);
    state = 'half-open';
    assert.equal(sampleValue(parseExposition(await metrics.registry.metrics()), 'flowthrough_operator_connect_circuit_state'), 1);
  });

  it('computes lag as high watermark minus committed offset, from the log start when nothing is committed', () => {
    const lags = partitionLags(
      [
        { partition: 1, high: '10', low: '0' },
        { partition: 0, high: '7', low: '0' },
        { partition: 2, high: '12', low: '4' },
      ],
      [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '3' },
        { partition: 2, offset: '-1' },
      ],
    );
    assert.deepEqual(lags, [
      { partition: 0, lag: 0 },
      { partition: 1, lag: 7 },
      { partition: 2, lag: 8 },
    ]);
  });

  it('keeps serving /metrics when PostgreSQL and Kafka fail: those gauges are empty, the failures counted', async () => {
    const metrics = new WorkerMetrics({ pool: failingPool(), admin: failingAdmin(), logger: silent(), ordersTopic: 't', groupId: 'g' });
    metrics.onChunk({ accepted: 2, duplicates: 1, rejected: 1, numbers: 0 }, 12);
    const samples = parseExposition(await metrics.registry.metrics());
    for (const name of [
      'flowthrough_orders',
      'flowthrough_dead_letters',
      'flowthrough_outbox_backlog',
      'flowthrough_outbox_oldest_unpublished_age_seconds',
      'flowthrough_intake_lag_records',
      'flowthrough_reconciler_due_operations',
      'flowthrough_operator_connect_circuit_state',
    ]) {
      assert.equal(samples.filter((s) => s.name === name).length, 0, name);
    }
    // One failed load per source, shared by every gauge that reads it.
    assert.equal(sampleValue(samples, 'flowthrough_metrics_collect_errors_total', { source: 'postgres' }), 1);
    assert.equal(sampleValue(samples, 'flowthrough_metrics_collect_errors_total', { source: 'kafka' }), 1);
    assert.equal(sampleValue(samples, 'flowthrough_intake_records_total', { decision: 'accepted' }), 2);
    assert.equal(sampleValue(samples, 'flowthrough_intake_chunk_records_sum'), 4);
    assert.ok(
      samples.some((s) => s.name === 'process_cpu_user_seconds_total'),
      'default process metrics',
    );
  });

  it('caches a loaded value for its TTL, shares a load in flight, and does not cache a failure', async () => {
    let now = 0;
    let loads = 0;
    let fail = false;
    const cached = new CachedValue(
      async () => {
        loads++;
        if (fail) throw new Error('down');
        return loads;
      },
      1_000,
      () => now,
    );
    assert.deepEqual(await Promise.all([cached.get(), cached.get()]), [1, 1]);
    now = 999;
    assert.equal(await cached.get(), 1);
    now = 1_000;
    fail = true;
    await assert.rejects(cached.get());
    fail = false;
    assert.equal(await cached.get(), 3);
  });
});

function silent() {
  return createLogger({ level: 'silent' });
}

function failingPool(): Pool {
  return { query: () => Promise.reject(new Error('connection refused')) } as unknown as Pool;
}

function failingAdmin(): Admin {
  const fail = () => Promise.reject(new Error('broker down'));
  return { fetchTopicOffsets: fail, fetchOffsets: fail } as unknown as Admin;
}
