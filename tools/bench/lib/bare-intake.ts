import type { KafkaMessage } from 'kafkajs';
import { createPool } from '../../../src/platform/db/pool.js';
import type { IntakeInstance, IntakeRunArgs, IntakeUnderTest } from './intake-comparison.js';
import type { NumberRow } from './order-generator.js';
import { planUpsertBatches, upsertStatement } from './raw-upsert.js';

/**
 * A reference intake with the worker's shape and none of its content:
 * eachBatch → JSON.parse → one transaction per chunk upserting the orders'
 * numbers into `numbers` → offset commit after the database commit. No
 * envelope or schema validation, no accounts, orders, outbox or dedup. It is
 * the ceiling of consume + write + commit composed, and the working example of
 * an IntakeUnderTest.
 */

const CHUNK = 500;
const ROWS_PER_STATEMENT = 1_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The numbers an order upserts, as `numbers` rows; anything unexpected is skipped (this intake is bare). */
export function numberRowsOf(message: KafkaMessage): NumberRow[] {
  if (!message.value) return [];
  const order: unknown = JSON.parse(message.value.toString('utf8'));
  if (!isObject(order) || typeof order.orderId !== 'string' || typeof order.account !== 'string' || typeof order.requestedAt !== 'string')
    return [];
  const { orderId, account, requestedAt } = order;
  const rows: NumberRow[] = [];
  for (const item of Array.isArray(order.items) ? (order.items as unknown[]) : []) {
    if (!isObject(item) || item.resource !== 'numbers' || item.action !== 'upsert' || !Array.isArray(item.numbers)) continue;
    for (const number of item.numbers as unknown[]) {
      if (!isObject(number) || typeof number.telephoneNumber !== 'string') continue;
      rows.push({
        telephoneNumber: number.telephoneNumber,
        accountName: account,
        serviceDetails: JSON.stringify(number.serviceDetails ?? {}),
        customSipHeader: null,
        lastOrderId: orderId,
        lastRequestedAt: requestedAt,
      });
    }
  }
  return rows;
}

export const bareIntakeUnderTest: IntakeUnderTest = {
  name: 'bareIntake',
  location: { module: import.meta.url, exportName: 'bareIntakeUnderTest' },
  async create(args: IntakeRunArgs): Promise<IntakeInstance> {
    const pool = createPool({
      url: args.config.database.url,
      max: args.partitionsConsumedConcurrently,
      logger: args.logger,
      applicationName: 'flowthrough-bench-bare-intake',
    });
    const consumer = args.kafka.consumer({
      groupId: args.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
    });
    const statement = upsertStatement('numbers');
    return {
      consumer,
      async start() {
        await consumer.connect();
        await consumer.subscribe({ topic: args.topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: args.partitionsConsumedConcurrently,
          eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
            for (let start = 0; start < batch.messages.length; start += CHUNK) {
              if (!isRunning() || isStale()) return;
              const chunk = batch.messages.slice(start, start + CHUNK);
              const last = chunk.at(-1);
              if (!last) continue;
              const [statements = []] = planUpsertBatches(chunk.flatMap(numberRowsOf), 1, ROWS_PER_STATEMENT);
              const client = await pool.connect();
              try {
                await client.query('BEGIN');
                for (const values of statements) await client.query({ name: 'bench_bare_intake_upsert', text: statement, values });
                await client.query('COMMIT');
              } catch (error) {
                await client.query('ROLLBACK').catch(() => undefined);
                throw error;
              } finally {
                client.release();
              }
              resolveOffset(last.offset);
              const next = (BigInt(last.offset) + 1n).toString();
              await commitOffsetsIfNecessary({
                topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
              });
              await heartbeat();
            }
          },
        });
      },
      async stop() {
        await consumer.disconnect().catch(() => undefined);
        await pool.end().catch(() => undefined);
      },
    };
  },
};
