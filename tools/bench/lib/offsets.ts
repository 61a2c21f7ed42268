import type { Admin } from 'kafkajs';

/** Per partition: the offset after the last record (the high watermark), as kafkajs spells offsets. */
export type EndOffsets = ReadonlyMap<number, string>;

export interface TopicExtent {
  readonly endOffsets: EndOffsets;
  /** Records between the low and high watermarks, over all partitions. */
  readonly records: number;
}

export async function topicExtent(admin: Admin, topic: string): Promise<TopicExtent> {
  const partitions = await admin.fetchTopicOffsets(topic);
  const endOffsets = new Map<number, string>();
  let records = 0n;
  for (const p of partitions) {
    endOffsets.set(p.partition, p.high);
    records += BigInt(p.high) - BigInt(p.low);
  }
  return { endOffsets, records: Number(records) };
}

export function describeOffsets(offsets: EndOffsets): string {
  return [...offsets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, offset]) => `${partition}:${offset}`)
    .join(' ');
}
