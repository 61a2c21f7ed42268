import type { Kafka, Message } from 'kafkajs';
import { topicExtent, type EndOffsets } from './offsets.js';
import { benchProducer, chunkByBytes } from './producer.js';
import { BYTES_PER_MB, perSecond } from './stats.js';
import { timeIntake, type IntakeTimer, type IntakeTiming } from './time-intake.js';

/**
 * The Kafka ceiling of a consume→produce worker: a bare kafkajs consumer group
 * (eachBatch, autoCommit off) that produces every record unchanged (key, value,
 * headers; acks -1) to another topic and then commits the batch's offset. No
 * parsing, no database. Run it on the very topic the intake consumes, under
 * another group id: same partitions, same bytes. Without a target topic it is
 * the read ceiling instead: consume → commit, nothing produced.
 */
export interface RawPipeOptions {
  readonly sourceTopic: string;
  /** Created empty with the source's partition count; the caller deletes it. Absent: consume → commit only. */
  readonly targetTopic?: string;
  readonly groupId: string;
  readonly endOffsets: EndOffsets;
  /** kafkajs `partitionsConsumedConcurrently`: use the intake's value. */
  readonly partitionsConsumedConcurrently: number;
  /** Bytes on the source topic (from the publication), for MB/s; the pipe itself counts nothing. */
  readonly sourceBytes?: number;
  readonly timeoutMs?: number;
}

export interface RawPipeResult {
  readonly records: number;
  readonly timing: IntakeTiming;
  /** Records per second, first fetch → last offset commit. */
  readonly recordsPerSec: number;
  /** NaN unless sourceBytes was given. */
  readonly mbPerSec: number;
}

export async function measureRawPipe(kafka: Kafka, options: RawPipeOptions): Promise<RawPipeResult> {
  const { sourceTopic, targetTopic, groupId, endOffsets } = options;
  const producer = benchProducer(kafka);
  // The same group settings as the intake's consumer (src/platform/kafka/transactional-batch-consumer.ts).
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, allowAutoTopicCreation: false });
  let timer: IntakeTimer | undefined;
  await producer.connect();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: sourceTopic, fromBeginning: true });
    timer = timeIntake(consumer, {
      topic: sourceTopic,
      endOffsets,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        if (targetTopic !== undefined) {
          const messages: Message[] = batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} }));
          // A fetched batch holds up to ~1 MiB: re-sent as one record batch it could pass message.max.bytes.
          // (sendBatch would merge the chunks again, so one send each, all in flight.)
          await Promise.all(chunkByBytes(messages).map((chunk) => producer.send({ topic: targetTopic, messages: chunk, acks: -1 })));
        }
        const last = batch.lastOffset();
        resolveOffset(last);
        await commitOffsetsIfNecessary({
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }],
        });
        await heartbeat();
      },
    });
    const timing = await timer.done;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const source = await topicExtent(admin, sourceTopic);
      if (targetTopic !== undefined) {
        const target = await topicExtent(admin, targetTopic);
        if (target.records !== source.records)
          throw new Error(`raw pipe: ${target.records} records reached ${targetTopic}, ${source.records} were in ${sourceTopic}`);
      }
      return {
        records: source.records,
        timing,
        recordsPerSec: perSecond(source.records, timing.elapsedMs),
        mbPerSec: options.sourceBytes === undefined ? Number.NaN : perSecond(options.sourceBytes / BYTES_PER_MB, timing.elapsedMs),
      };
    } finally {
      await admin.disconnect();
    }
  } finally {
    timer?.cancel(new Error('raw pipe stopped before the end of the topic'));
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}
