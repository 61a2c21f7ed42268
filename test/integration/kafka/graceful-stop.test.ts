import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransactionalBatchConsumer } from '../../../src/platform/kafka/transactional-batch-consumer.js';
import { createTestDatabase, createTopics, randomName, silentLogger, testKafka } from '../../support/test-context.js';

describe('stopping a consumer mid-batch', () => {
  it('finishes the batch in hand, commits it, then leaves', async () => {
    const { pool } = await createTestDatabase();
    await pool.query('CREATE TABLE effects (value text)');
    const [topic] = await createTopics(['graceful'], 1);
    const kafka = testKafka();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topic!, messages: [{ value: 'x' }] });
    await producer.disconnect();

    let release = (): void => undefined;
    const released = new Promise<void>((r) => (release = r));
    let entered = (): void => undefined;
    const inFlight = new Promise<void>((r) => (entered = r));
    const groupId = randomName('group');
    const consumer = new TransactionalBatchConsumer({
      kafka,
      pool,
      logger: silentLogger(),
      groupId,
      topic: topic!,
      apply: async (client, records) => {
        entered();
        await released;
        for (const r of records) await client.query('INSERT INTO effects VALUES ($1)', [r.message.value?.toString()]);
      },
    });
    await consumer.start();
    await inFlight;
    const stopping = consumer.stop();
    release();
    await stopping;

    const { rows } = await pool.query('SELECT value FROM effects');
    assert.deepEqual(rows, [{ value: 'x' }]);
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic!] });
    await admin.disconnect();
    assert.equal(offsets?.partitions[0]?.offset, '1');
  });
});
