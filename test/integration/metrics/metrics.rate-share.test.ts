import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { WorkerMetrics } from '../../../src/app/metrics/index.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { parseExposition, sampleValue } from '../../support/scrape.js';

const NAME = 'flowthrough_operator_connect_rate_share_per_second';

describe('metrics: the Operator Connect rate share', () => {
  it('has no value without a client, then reads the client pacing rate (its fleet share) at scrape time', async () => {
    const metrics = new WorkerMetrics({
      pool: { query: () => Promise.reject(new Error('connection refused')) } as unknown as Pool,
      admin: {
        fetchTopicOffsets: () => Promise.reject(new Error('down')),
        fetchOffsets: () => Promise.reject(new Error('down')),
      } as unknown as Admin,
      logger: createLogger({ level: 'silent' }),
      ordersTopic: 't',
      groupId: 'g',
    });
    assert.equal(parseExposition(await metrics.registry.metrics()).filter((s) => s.name === NAME).length, 0);
    let share = 10;
    metrics.observeRateShare(() => share);
    assert.equal(sampleValue(parseExposition(await metrics.registry.metrics()), NAME), 10);
    share = 10 / 3;
    assert.ok(Math.abs((sampleValue(parseExposition(await metrics.registry.metrics()), NAME) ?? 0) - 10 / 3) < 1e-9);
  });
});
