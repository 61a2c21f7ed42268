/**
 * How a claimed set of rows is sent: one queue per (topic, partition), rows
 * in id order, cut into chunks of at most `maxBytes`. Kafka appends one
 * produce request's records for one partition as one batch, all or nothing,
 * so a chunk is either acknowledged whole or not written at all. Pure.
 */

export interface Sized {
  /** Estimated bytes of the row's records (keys, values, headers, framing). */
  readonly bytes: number;
}

export interface PartitionQueue<T> {
  readonly topic: string;
  readonly partition: number;
  readonly rows: T[];
}

/** Rows grouped by (topic, partition), each queue in the rows' order; queues in the order of their first row. */
export function partitionQueues<T extends { readonly topic: string; readonly partition: number }>(rows: readonly T[]): PartitionQueue<T>[] {
  const queues = new Map<string, PartitionQueue<T>>();
  for (const row of rows) {
    const id = `${row.partition}\u0000${row.topic}`;
    let queue = queues.get(id);
    if (!queue) {
      queue = { topic: row.topic, partition: row.partition, rows: [] };
      queues.set(id, queue);
    }
    queue.rows.push(row);
  }
  return [...queues.values()];
}

/** Consecutive chunks of at most `maxBytes`; a row larger than that goes alone. */
export function chunksByBytes<T extends Sized>(rows: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const row of rows) {
    if (current.length > 0 && size + row.bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += row.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Per-record framing in a Kafka record batch (length, attributes, deltas, header counts), generously. */
const RECORD_OVERHEAD = 32;

/** Estimated size of one record in a batch. */
export function recordBytes(
  key: Buffer | string | null,
  value: Buffer | string | null,
  headers: Readonly<Record<string, unknown>>,
): number {
  let bytes = RECORD_OVERHEAD + byteLength(key) + byteLength(value);
  for (const name of Object.keys(headers)) {
    const v = Object.getOwnPropertyDescriptor(headers, name)?.value as unknown;
    for (const item of Array.isArray(v) ? v : [v]) bytes += Buffer.byteLength(name) + byteLength(item as Buffer | string | null) + 4;
  }
  return bytes;
}

function byteLength(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
