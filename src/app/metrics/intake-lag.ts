import type { Admin } from 'kafkajs';

export interface PartitionLag {
  readonly partition: number;
  readonly lag: number;
}

interface TopicOffset {
  readonly partition: number;
  readonly high: string;
  readonly low: string;
}

interface GroupOffset {
  readonly partition: number;
  readonly offset: string;
}

/**
 * Records not yet committed by the group, per partition: high watermark minus
 * committed offset. A partition the group never committed (offset -1) counts
 * from the log start, since the intake reads from the beginning.
 */
export function partitionLags(topicOffsets: readonly TopicOffset[], groupOffsets: readonly GroupOffset[]): PartitionLag[] {
  const committed = new Map(groupOffsets.map((p) => [p.partition, BigInt(p.offset)]));
  return topicOffsets
    .map(({ partition, high, low }) => {
      const c = committed.get(partition) ?? -1n;
      const lag = BigInt(high) - (c < 0n ? BigInt(low) : c);
      return { partition, lag: Number(lag > 0n ? lag : 0n) };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** Reads the intake group's lag on its topic through a connected admin client. */
export async function fetchIntakeLag(admin: Admin, groupId: string, topic: string): Promise<PartitionLag[]> {
  const [topicOffsets, groupOffsets] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  return partitionLags(topicOffsets, groupOffsets.find((t) => t.topic === topic)?.partitions ?? []);
}
