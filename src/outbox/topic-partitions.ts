import { Partitioners, type Admin, type PartitionMetadata } from 'kafkajs';

/** A topic's partitions, or why they could not be read. */
export type TopicLookup =
  | { readonly ok: true; readonly partitions: readonly PartitionMetadata[] }
  | { readonly ok: false; readonly error: unknown };

/**
 * Which partition each record goes to, decided before sending so that the
 * relay can send each partition on its own: kafkajs' default partitioner
 * (what the producer used when it chose itself, so every key keeps its
 * partition: murmur2 of the key modulo the partition count, as the Java
 * client), over topic metadata read through an admin client and cached for
 * `ttlMs` (kafkajs' own metadataMaxAge is 5 minutes); a failed send
 * invalidates its topic, so a topic that gained partitions is re-read.
 */
export class TopicPartitions {
  private readonly cache = new Map<string, { readonly at: number; readonly partitions: readonly PartitionMetadata[] }>();
  private readonly partitioner = Partitioners.DefaultPartitioner();

  constructor(
    private readonly admin: Pick<Admin, 'fetchTopicMetadata'>,
    private readonly ttlMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every topic's partitions; one topic that cannot be read does not fail the others. */
  async lookup(topics: Iterable<string>): Promise<Map<string, TopicLookup>> {
    const out = new Map<string, TopicLookup>();
    await Promise.all(
      [...new Set(topics)].map(async (topic) => {
        const cached = this.cache.get(topic);
        if (cached && this.now() - cached.at < this.ttlMs) {
          out.set(topic, { ok: true, partitions: cached.partitions });
          return;
        }
        try {
          const { topics: found } = await this.admin.fetchTopicMetadata({ topics: [topic] });
          const partitions = found.find((t) => t.name === topic)?.partitions ?? [];
          if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions in the broker's metadata`);
          this.cache.set(topic, { at: this.now(), partitions });
          out.set(topic, { ok: true, partitions });
        } catch (error) {
          this.cache.delete(topic);
          out.set(topic, { ok: false, error });
        }
      }),
    );
    return out;
  }

  /** The partition kafkajs' default partitioner picks for this key (round robin over available partitions without one). */
  partitionOf(topic: string, partitions: readonly PartitionMetadata[], key: Buffer | null): number {
    return this.partitioner({ topic, partitionMetadata: partitions as PartitionMetadata[], message: { key, value: null } });
  }

  /** Re-read the topic's metadata before its next use. */
  invalidate(topic: string): void {
    this.cache.delete(topic);
  }
}
