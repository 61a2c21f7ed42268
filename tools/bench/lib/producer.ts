import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { topicExtent, type EndOffsets } from './offsets.js';
import {
  phaseCount,
  recordBytes,
  WORKLOAD_PHASES,
  phaseRecords,
  workloadCounts,
  type BenchRecord,
  type WorkloadCounts,
  type WorkloadPhase,
  type WorkloadSpec,
} from './order-generator.js';
import { BYTES_PER_MB, perSecond } from './stats.js';

export interface PublishOptions {
  /** Messages per `send` (one produce request per partition leader). */
  readonly batchSize?: number;
  /**
   * Bytes per `send` at most: kafkajs puts a send's records for one partition
   * in one record batch, which the broker refuses above message.max.bytes
   * (1 MiB by default), and 100-number orders are ~24 KB each.
   */
  readonly maxBatchBytes?: number;
  /** `send` calls in flight at once. */
  readonly inFlight?: number;
}

export interface ProduceResult {
  readonly records: number;
  readonly bytes: number;
  readonly elapsedMs: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
}

/** Under the broker's default message.max.bytes (1,048,588) with room for record overhead. */
export const MAX_SEND_BYTES = 900 * 1024;

export const DEFAULT_PUBLISH: Required<PublishOptions> = { batchSize: 1_000, maxBatchBytes: MAX_SEND_BYTES, inFlight: 4 };

/** Splits messages into runs of at most maxBytes (each at least one message), for sends the broker accepts. */
export function chunkByBytes(messages: readonly Message[], maxBytes: number = MAX_SEND_BYTES): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = recordBytes({
      key: message.key ?? null,
      value: message.value instanceof Buffer ? message.value : null,
      headers: message.headers ?? {},
    });
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A producer as fast as kafkajs goes without changing delivery guarantees: acks -1, no compression. */
export function benchProducer(kafka: Kafka): Producer {
  return kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
}

/**
 * Sends records in batches of `batchSize` (and at most `maxBatchBytes`) with up to `inFlight` sends
 * outstanding (acks -1). kafkajs keeps one connection per broker, which the
 * broker serves in order, so records of one key keep their order. The clock
 * runs from the first send to the last acknowledgement; pulling records from
 * a lazy iterable counts, so pass an array to time the producer alone.
 */
export async function publishRecords(
  producer: Producer,
  topic: string,
  records: Iterable<BenchRecord>,
  options: PublishOptions = {},
): Promise<ProduceResult> {
  const { batchSize, maxBatchBytes, inFlight } = { ...DEFAULT_PUBLISH, ...options };
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let count = 0;
  let bytes = 0;
  let batch: Message[] = [];
  let batchBytes = 0;
  const send = async (): Promise<void> => {
    const messages = batch;
    batch = [];
    batchBytes = 0;
    const sent: Promise<void> = producer
      .send({ topic, messages, acks: -1 })
      .then(
        () => undefined,
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => pending.delete(sent));
    pending.add(sent);
    if (pending.size >= inFlight) await Promise.race(pending);
    if (failure) throw failure.error;
  };
  const started = performance.now();
  for (const record of records) {
    const size = recordBytes(record);
    if (batch.length > 0 && batchBytes + size > maxBatchBytes) await send();
    batch.push({ key: record.key, value: record.value, headers: record.headers });
    count += 1;
    bytes += size;
    batchBytes += size;
    if (batch.length >= batchSize) await send();
  }
  if (batch.length > 0) await send();
  await Promise.all(pending);
  if (failure) throw failure.error;
  const elapsedMs = performance.now() - started;
  return {
    records: count,
    bytes,
    elapsedMs,
    recordsPerSec: perSecond(count, elapsedMs),
    mbPerSec: perSecond(bytes / BYTES_PER_MB, elapsedMs),
  };
}

export interface WorkloadPublication extends ProduceResult {
  readonly topic: string;
  readonly counts: WorkloadCounts;
  /** The topic's high watermarks after publishing: where a consumer of it is done. */
  readonly endOffsets: EndOffsets;
}

/**
 * Publishes the workload to `topic` phase by phase (accounts first, each phase
 * acknowledged before the next starts), generating records lazily so memory
 * stays flat. Its rate includes generating the records: it is the BSS side,
 * not a ceiling (the ceilings scenario times a pre-generated array instead).
 */
export async function publishWorkload(
  kafka: Kafka,
  topic: string,
  spec: WorkloadSpec,
  options: PublishOptions = {},
): Promise<WorkloadPublication> {
  const producer = benchProducer(kafka);
  const admin = kafka.admin();
  await producer.connect();
  await admin.connect();
  try {
    let records = 0;
    let bytes = 0;
    let elapsedMs = 0;
    for (const phase of WORKLOAD_PHASES) {
      const result = await publishRecords(producer, topic, phaseRecords(spec, phase), options);
      records += result.records;
      bytes += result.bytes;
      elapsedMs += result.elapsedMs;
    }
    const counts = workloadCounts(spec);
    const extent = await topicExtent(admin, topic);
    if (extent.records !== counts.orders)
      throw new Error(`topic ${topic} holds ${extent.records} records after publishing ${counts.orders}: is it shared or not empty?`);
    return {
      topic,
      counts,
      endOffsets: extent.endOffsets,
      records,
      bytes,
      elapsedMs,
      recordsPerSec: perSecond(records, elapsedMs),
      mbPerSec: perSecond(bytes / BYTES_PER_MB, elapsedMs),
    };
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

export interface PhasePublication extends ProduceResult {
  readonly phase: WorkloadPhase;
  readonly topic: string;
  readonly endOffsets: EndOffsets;
}

/**
 * Publishes each phase of the workload to its own topic (accounts first, each
 * acknowledged before the next starts), so each phase can be consumed and
 * timed on its own. Records are generated lazily, as publishWorkload does.
 */
export async function publishPhases(
  kafka: Kafka,
  topics: Readonly<Record<WorkloadPhase, string>>,
  spec: WorkloadSpec,
  options: PublishOptions = {},
): Promise<PhasePublication[]> {
  const producer = benchProducer(kafka);
  const admin = kafka.admin();
  await producer.connect();
  await admin.connect();
  try {
    const published: PhasePublication[] = [];
    for (const phase of WORKLOAD_PHASES) {
      const topic = topics[phase];
      const result = await publishRecords(producer, topic, phaseRecords(spec, phase), options);
      const extent = await topicExtent(admin, topic);
      const expected = phaseCount(spec, phase);
      if (extent.records !== expected)
        throw new Error(`topic ${topic} holds ${extent.records} records after publishing ${expected}: is it shared or not empty?`);
      published.push({ ...result, phase, topic, endOffsets: extent.endOffsets });
    }
    return published;
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}
