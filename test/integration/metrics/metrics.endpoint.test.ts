import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntakeService } from '../../../src/intake/intake-service.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import type { WorkerMetrics } from '../../../src/app/metrics/index.js';
import { workerServices } from '../../../src/app/worker/services.js';
import { Worker, type ServiceFactory, type WorkerDependencies } from '../../../src/app/worker/worker.js';
import { accountItem, collect, intakeTopics, numbersItem, ocNumber, orderRecord, statusEvents } from '../../support/intake-harness.js';
import { connectedProducer, createTestDatabase, onCleanup, randomName, testConfig, testKafka } from '../../support/test-context.js';
import { byLabel, parseExposition, sampleValue } from '../../support/scrape.js';

const { url, pool } = await createTestDatabase();
const topics = await intakeTopics();
const groupId = randomName('metrics');
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const admin = kafka.admin();
await admin.connect();
onCleanup(() => admin.disconnect());
const status = await collect(topics.status);
const dlt = await collect(topics.deadLetter);

// The production composition, with the metric hooks tapped so the test can wait on events.
let published = 0;
let chunks = 0;
const waiters = new Set<() => void>();
const notify = (): void => {
  for (const w of [...waiters]) w();
};
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const w = (): void => {
      if (check()) waiters.delete(w), resolve();
    };
    waiters.add(w);
    w();
  });
}
function tapped(deps: WorkerDependencies): WorkerDependencies {
  const real = deps.metrics;
  const metrics: WorkerMetrics = Object.create(real, {
    onPublished: {
      value: (n: number) => {
        real.onPublished(n);
        published += n;
        notify();
      },
    },
    onChunk: { value: (...args: Parameters<WorkerMetrics['onChunk']>) => (real.onChunk(...args), chunks++, notify()) },
  });
  return { ...deps, metrics };
}
const committed = new Map<number, bigint>();
let intake: IntakeService | undefined;
const { services, routes } = workerServices();
const tap =
  (factory: ServiceFactory): ServiceFactory =>
  (deps) => {
    const made = factory(tapped(deps));
    for (const s of [made].flat()) if (s instanceof IntakeService) intake = s;
    return made;
  };
const config = testConfig({
  DATABASE_URL: url,
  RECONCILER_ENABLED: 'false',
  ORDERS_TOPIC: topics.orders,
  DEAD_LETTER_TOPIC: topics.deadLetter,
  STATUS_TOPIC: topics.status,
  KAFKA_GROUP_ID: groupId,
});
const worker = new Worker({
  config,
  logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  services: services.map(tap),
  routes,
});
assert.ok(intake, 'the worker runs an intake');
const consumer = intake.consumer.kafkaConsumer;
consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
  for (const t of payload.topics) for (const p of t.partitions) committed.set(p.partition, BigInt(p.offset));
  notify();
});
await worker.start();
onCleanup(() => worker.stop());

async function scrape() {
  const response = await fetch(`http://127.0.0.1:${String(worker.httpPort)}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

describe('GET /metrics', () => {
  it('reports what a known run did: decisions, dead letters, orders by state, drained outbox, no lag', async () => {
    const valid = ['m-1', 'm-2', 'm-3', 'm-4'].map((orderId, i) =>
      orderRecord({ orderId, account: `acct-${String(i)}`, items: [accountItem(`acct-${String(i)}`, { sync: false })] }),
    );
    // Operator Connect work stays pending: this worker runs no reconciler.
    valid.push(orderRecord({ orderId: 'm-oc', account: 'oc', items: [accountItem('oc'), numbersItem([ocNumber('+14255559201')])] }));
    const invalid = [
      {
        key: 'acct-0',
        headers: {
          ce_specversion: '1.0',
          ce_id: 'x',
          ce_source: '/bss/test',
          ce_type: 'io.flowthrough.order.v1',
          'content-type': 'application/json',
        },
        value: 'not json',
      },
      orderRecord({ orderId: 'bad-missing', account: 'nobody', items: [numbersItem([ocNumber('+14255559202')])] }),
      orderRecord({ orderId: 'bad-key', account: 'acct-1', items: [accountItem('acct-1')] }),
    ];
    invalid[2] = { ...invalid[2]!, key: 'someone-else' };
    await producer.send({ topic: topics.orders, messages: [...valid, ...invalid] });
    const high = await admin.fetchTopicOffsets(topics.orders);

    const validIds = ['m-1', 'm-2', 'm-3', 'm-4', 'm-oc'];
    await status.waitFor((all) =>
      validIds.every((id) => statusEvents(all).some((e) => e.data.orderId === id && e.data.state !== 'acknowledged')),
    );
    await dlt.waitFor((all) => all.length === invalid.length);
    // Records to publish: a dead letter is one row, a status row may hold several events.
    const outboxRecords = (
      await pool.query<{ n: number }>(`SELECT coalesce(sum(coalesce(array_length(event_ids, 1), 1)), 0)::int AS n FROM outbox`)
    ).rows[0]!.n;
    await until(() => published >= outboxRecords);
    await until(() => high.every((p) => (committed.get(p.partition) ?? -1n) >= BigInt(p.high)));

    const samples = await scrape();
    assert.deepEqual(byLabel(samples, 'flowthrough_intake_records_total', 'decision'), {
      accepted: valid.length,
      duplicate: 0,
      rejected: invalid.length,
    });

    const dbDead = await pool.query<{ code: string; n: number }>(
      'SELECT error_code AS code, count(*)::int AS n FROM dead_letters GROUP BY error_code',
    );
    assert.deepEqual(byLabel(samples, 'flowthrough_dead_letters', 'code'), Object.fromEntries(dbDead.rows.map((r) => [r.code, r.n])));
    assert.equal(
      dbDead.rows.reduce((sum, r) => sum + r.n, 0),
      invalid.length,
    );
    assert.equal(byLabel(samples, 'flowthrough_dead_letters', 'code').account_not_found, 1);
    assert.equal(byLabel(samples, 'flowthrough_dead_letters', 'code').partition_key_mismatch, 1);

    const dbOrders = await pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM orders GROUP BY state');
    const orders = byLabel(samples, 'flowthrough_orders', 'state');
    for (const r of dbOrders.rows) assert.equal(orders[r.state], r.n, r.state);
    assert.equal(
      Object.values(orders).reduce((a, b) => a + b, 0),
      valid.length,
    );
    assert.equal(orders.inProgress, 1, 'the Operator Connect order waits for the reconciler');
    assert.equal(orders.completed, 4);

    assert.equal(sampleValue(samples, 'flowthrough_outbox_backlog'), 0);
    assert.equal(sampleValue(samples, 'flowthrough_outbox_oldest_unpublished_age_seconds'), 0);
    assert.equal(sampleValue(samples, 'flowthrough_outbox_published_total'), outboxRecords);
    assert.equal(sampleValue(samples, 'flowthrough_reconciler_open_work_rows', { service: 'teamsOperatorConnect', outcome: 'pending' }), 1);
    assert.equal(sampleValue(samples, 'flowthrough_reconciler_due_operations'), 0);

    const lag = samples.filter((s) => s.name === 'flowthrough_intake_lag_records');
    assert.deepEqual(
      lag.map((s) => [s.labels.topic, s.labels.partition, s.value]).sort(),
      high.map((p) => [topics.orders, String(p.partition), 0]).sort(),
    );

    assert.equal(sampleValue(samples, 'flowthrough_intake_chunk_records_count'), chunks);
    assert.equal(sampleValue(samples, 'flowthrough_intake_chunk_records_sum'), valid.length + invalid.length);
    assert.equal(sampleValue(samples, 'flowthrough_intake_chunk_duration_seconds_count'), chunks);
    assert.equal(sampleValue(samples, 'flowthrough_metrics_collect_errors_total', { source: 'postgres' }), 0);
    assert.equal(sampleValue(samples, 'flowthrough_metrics_collect_errors_total', { source: 'kafka' }), 0);
    assert.equal(samples.filter((s) => s.name === 'flowthrough_operator_connect_circuit_state').length, 0, 'no flow-through, no circuit');
    assert.ok((sampleValue(samples, 'process_resident_memory_bytes') ?? 0) > 0, 'default process metrics');
  });
});
