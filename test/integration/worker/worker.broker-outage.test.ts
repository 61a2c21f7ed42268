import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { loadStackConfig } from '../../../tools/stack/stack-config.js';
import { brokerDown, brokerReset, brokerUp } from '../../../tools/stack/kafka-broker.js';
import { accountItem, collect, orderRecord, statusEvents } from '../../support/intake-harness.js';
import { createTestDatabase, onCleanup, randomName } from '../../support/test-context.js';
import { eventually, startWorker, within } from '../../support/intake-kit.js';
import { freePort } from '../../../tools/shared/free-port.js';

/**
 * The broker goes away for longer than kafkajs' retry budget, then comes back
 * with its data (a restart). Observed before: the consumer crashed with a
 * non-retriable error, kafkajs left it dead (group empty, lag growing) and
 * only a process restart recovered. Now the intake reports itself not ready
 * while its consumer is down and restarts it by itself: an order published
 * after the broker returns completes. A broker of this test's own (other
 * ports), so the suite's broker is not disturbed.
 */

const stack = loadStackConfig({
  ...process.env,
  FLOWTHROUGH_KAFKA_PORT: String(await freePort()),
  FLOWTHROUGH_KAFKA_CONTROLLER_PORT: String(await freePort()),
  FLOWTHROUGH_KAFKA_HEAP_MB: '384',
});
const quiet = (): void => undefined;
const up = await brokerUp(stack, quiet);
// Registered first, so it runs last: consumers leave their group while the broker still answers.
onCleanup(() => brokerReset(stack, quiet));

// A small retry budget: the consumer gives up (crashes) within seconds of the broker going away.
const kafka = new Kafka({
  clientId: randomName('outage'),
  brokers: [up.state.bootstrap],
  logLevel: logLevel.NOTHING,
  retry: { initialRetryTime: 200, retries: 2, maxRetryTime: 1_000 },
});
const consumerFor = kafka.consumer.bind(kafka);
kafka.consumer = (config) => consumerFor({ maxWaitTimeInMs: 100, ...config });

const { pool } = await createTestDatabase();
const run = randomName('b');
const topics = { orders: `${run}.orders`, deadLetter: `${run}.orders.dlt`, status: `${run}.status` };
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({
  waitForLeaders: true,
  topics: [topics.orders, topics.deadLetter, topics.status].map((topic) => ({ topic, numPartitions: 1 })),
});
await admin.disconnect();
const worker = await startWorker(pool, topics, { groupId: run, kafka });
const status = await collect(topics.status, kafka);

async function publish(orderId: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ orderId, account: 'broker-a', items: [accountItem('broker-a', { sync: false })] })],
    });
  } finally {
    await producer.disconnect();
  }
}

function completed(orderId: string): Promise<void> {
  return within(
    status.waitFor((all) => statusEvents(all).some((e) => e.data.orderId === orderId && e.data.state === 'completed')),
    90_000,
    `${orderId} to complete`,
  );
}

describe('a broker outage longer than kafkajs retries', () => {
  it('leaves the intake not ready meanwhile, and it resumes by itself when the broker is back', async () => {
    await publish('before');
    await completed('before');
    await eventually(async () => worker.intake.health().ready, 'the intake to be ready', 30_000);

    await brokerDown(stack, quiet);
    let detail = '';
    await eventually(
      async () => {
        const health = worker.intake.health();
        detail = health.detail ?? '';
        return !health.ready && /KafkaJS/.test(detail);
      },
      'the intake consumer to give up (crash) while the broker is away',
      90_000,
    );
    assert.equal(worker.intake.health().ready, false);

    await brokerUp(stack, quiet);
    await publish('after');
    await completed('after');
    await eventually(async () => worker.intake.health().ready, 'the intake to be ready again', 60_000);
    assert.ok(worker.joins() >= 2, 'the consumer joined its group again');
    assert.equal(typeof detail, 'string');
  });
});
