import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { headersAsText } from '../../platform/kafka/record-headers.js';
import { REPLAY_HEADERS } from './replay-headers.js';
import type { ProducedAt, ReplayMessage, ReplaySink } from './replay.js';

/**
 * Publishes replayed records with the idempotent producer (acks=all), keyed
 * as they were, so they land on the partition the key chooses. Remembers the
 * partition the partitioner picked for each record to report its offset.
 */
export class KafkaReplaySink implements ReplaySink {
  private readonly producer: Producer;
  private readonly chosen = new Map<string, number>();

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: () => {
        const inner = Partitioners.DefaultPartitioner();
        return (args) => {
          const partition = inner(args);
          const id = headersAsText(args.message.headers).get(REPLAY_HEADERS.replayOf);
          if (id !== undefined) this.chosen.set(id, partition);
          return partition;
        };
      },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish(messages: readonly ReplayMessage[]): Promise<ProducedAt[]> {
    this.chosen.clear();
    const sent: Message[] = messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers, timestamp: String(m.timestamp) }));
    const metadata = await this.producer.send({ topic: this.topic, acks: -1, messages: sent });
    // Within one partition the records of a send keep their order: offsets count up from baseOffset.
    const next = new Map<number, bigint>();
    for (const m of metadata) if (m.baseOffset !== undefined) next.set(m.partition, BigInt(m.baseOffset));
    return messages.map((m) => {
      const partition = this.chosen.get(m.deadLetterId) ?? null;
      const offset = partition === null ? undefined : next.get(partition);
      if (partition !== null && offset !== undefined) next.set(partition, offset + 1n);
      return { partition, offset: offset === undefined ? null : offset.toString() };
    });
  }
}
