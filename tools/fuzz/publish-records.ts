import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { chunkByBytes, MAX_SEND_BYTES } from '../bench/lib/producer.js';
import type { FuzzRecord, SentRecord } from './fuzz-record.js';

/**
 * Sends the plan in order with kafkajs' idempotent producer (no record
 * written twice by a retry, so offsets are what the plan says), each record
 * to its planned partition, and returns every record with its offset.
 * Sends are sequential and at most MAX_SEND_BYTES each (a bigger record
 * goes alone), so per-partition order is the plan's order.
 */
export async function publishRecords(
  kafka: Kafka,
  topic: string,
  records: readonly FuzzRecord[],
  onProgress: (sent: number) => void,
): Promise<SentRecord[]> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const messages: Message[] = records.map((r) => ({
      key: r.message.key,
      value: r.message.value,
      headers: r.message.headers,
      partition: r.partition,
    }));
    const byMessage = new Map(messages.map((m, i) => [m, records[i] as FuzzRecord]));
    const sent: SentRecord[] = [];
    for (const chunk of chunkByBytes(messages, MAX_SEND_BYTES)) {
      const metadata = await producer.send({ topic, messages: chunk, acks: -1 });
      const next = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
      for (const message of chunk) {
        const record = byMessage.get(message) as FuzzRecord;
        const offset = next.get(record.partition);
        if (offset === undefined) throw new Error(`no offset came back for partition ${record.partition} (record #${record.index})`);
        sent.push({ ...record, offset: offset.toString() });
        next.set(record.partition, offset + 1n);
      }
      onProgress(sent.length);
    }
    return sent;
  } finally {
    await producer.disconnect();
  }
}
