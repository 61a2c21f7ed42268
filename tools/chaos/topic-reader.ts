import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

/**
 * Reads a topic from its start up to the end it has now (the high
 * watermark of every partition, taken first), with a consumer group of its
 * own, and hands every record over in partition order. Used once the run
 * has settled, so the broker restart is over and nothing is missed.
 */
export async function readWholeTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  onMessage: (partition: number, message: KafkaMessage) => void,
  timeoutMs = 60_000,
): Promise<Map<number, bigint>> {
  const end = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  const position = new Map<number, bigint>();
  const done = (): boolean => [...end].every(([partition, high]) => high === 0n || (position.get(partition) ?? 0n) >= high);
  if (done()) return end;
  const groupId = `chaos-reader-${randomBytes(5).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 10 * 1024 * 1024, maxWaitTimeInMs: 250 });
  let finish: (() => void) | undefined;
  const caughtUp = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          const high = end.get(batch.partition) ?? 0n;
          if (offset < high) onMessage(batch.partition, message);
          position.set(batch.partition, offset + 1n);
        }
        if (done()) finish?.();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reading ${topic} to its end took longer than ${timeoutMs / 1_000} s`)), timeoutMs);
    });
    try {
      await Promise.race([caughtUp, expired]);
    } finally {
      clearTimeout(timer);
    }
    return end;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}
