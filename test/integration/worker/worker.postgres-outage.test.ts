import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Worker } from '../../../src/app/worker/worker.js';
import { workerServices } from '../../../src/app/worker/services.js';
import { accountItem, collect, orderRecord, statusEvents } from '../../support/intake-harness.js';
import {
  capturingLogger,
  connectedProducer,
  createTestDatabase,
  onCleanup,
  openPool,
  randomName,
  testConfig,
  testKafka,
} from '../../support/test-context.js';
import { eventually, quickKafka, within } from '../../support/intake-kit.js';

/**
 * PostgreSQL goes away under a running worker: every connection of its
 * database is terminated as a restart does (57P01, "terminating connection
 * due to administrator command") and new ones are refused for a while. The
 * worker must survive (an 'error' event without a listener would end this
 * very process), say in /readyz which components cannot work, and resume by
 * itself: an order published during the outage completes afterwards.
 */

const { url, name } = await createTestDatabase();
const admin = openPool(url.replace(/\/[^/]*$/, '/postgres'), 1);
const run = randomName('outage');
const topics = { orders: `${run}.orders`, deadLetter: `${run}.orders.dlt`, status: `${run}.status` };
const { logger, lines } = capturingLogger({ level: 'info' });
const worker = new Worker({
  config: testConfig({
    DATABASE_URL: url,
    KAFKA_CREATE_TOPICS: 'true',
    ORDERS_TOPIC: topics.orders,
    DEAD_LETTER_TOPIC: topics.deadLetter,
    STATUS_TOPIC: topics.status,
    KAFKA_GROUP_ID: run,
    RECONCILER_ENABLED: 'false',
    OUTBOX_POLL_INTERVAL_MS: '200',
    OUTBOX_RETRY_CAP_MS: '1000',
  }),
  logger,
  ...workerServices(),
});
onCleanup(() => worker.stop());
await worker.start();
const base = `http://127.0.0.1:${worker.httpPort}`;
const producer = await connectedProducer(testKafka());
const status = await collect(topics.status, quickKafka());

async function readyz(): Promise<{
  status: number;
  body: { notReady?: string[]; checks: Array<{ name: string; ok: boolean; detail?: string }> };
}> {
  const response = await fetch(`${base}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as { notReady?: string[]; checks: Array<{ name: string; ok: boolean; detail?: string }> },
  };
}

function completed(orderId: string): Promise<void> {
  return within(
    status.waitFor((all) => statusEvents(all).some((e) => e.data.orderId === orderId && e.data.state === 'completed')),
    60_000,
    `${orderId} to complete`,
  );
}

after(async () => {
  await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
  await admin.end();
});

describe('a PostgreSQL outage under a running worker', () => {
  it('is survived, reported in /readyz, and ridden out: work resumes by itself', async () => {
    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ orderId: 'before', account: 'outage-a', items: [accountItem('outage-a', { sync: false })] })],
    });
    await completed('before');
    assert.equal((await readyz()).status, 200);

    // The outage: new connections refused, every existing one terminated (the LISTEN clients too).
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ orderId: 'during', account: 'outage-a', items: [accountItem('outage-a', { sync: false })] })],
    });

    let during: Awaited<ReturnType<typeof readyz>> | undefined;
    await eventually(
      async () => {
        during = await readyz();
        return (
          during.status === 503 &&
          (during.body.notReady ?? []).includes('postgres') &&
          (during.body.notReady ?? []).includes('outbox-relay')
        );
      },
      '/readyz to report the outage',
      30_000,
    );
    const postgres = during?.body.checks.find((c) => c.name === 'postgres');
    assert.match(postgres?.detail ?? '', /not currently accepting connections|terminat/);
    console.log(`/readyz during the outage: ${JSON.stringify(during?.body)}`);

    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await completed('during');
    await eventually(async () => (await readyz()).status === 200, '/readyz to be 200 again', 30_000);
    assert.ok(
      lines.some((l) => l.includes('PostgreSQL LISTEN connection lost')),
      'the relay noticed its LISTEN connection go',
    );
    assert.ok(
      lines.some((l) => l.includes('PostgreSQL LISTEN connection restored')),
      'and restored it',
    );
  });
});
