import { createHash } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { statusEventChecker } from './status-event-check.js';

/**
 * Reads the status topic from its start while the run goes on and checks
 * every record against the contract (status-event-check.ts).
 */

export interface StatusRecord {
  readonly partition: number;
  readonly offset: string;
  readonly ceId: string | undefined;
  readonly ceSource: string | undefined;
  readonly ceType: string | undefined;
  readonly orderId: string | undefined;
  readonly state: string | undefined;
  /** sha256 of the value and every header: two records with one ce_id must be byte-identical. */
  readonly fingerprint: string;
  /** Why it is not a valid status event; undefined when it is. */
  readonly problem: string | undefined;
}

export interface StatusCollector {
  readonly records: readonly StatusRecord[];
  /** Resolves true once every partition was read up to `end`, false when `deadline` (epoch ms) passes first. */
  caughtUp(end: ReadonlyMap<number, string>, deadline: number): Promise<boolean>;
  stop(): Promise<void>;
}

function firstHeader(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : first;
}

function fingerprint(value: Buffer | null, headers: IHeaders): string {
  const hash = createHash('sha256').update(value ?? Buffer.alloc(0));
  for (const name of Object.keys(headers).sort()) {
    const raw = headers[name];
    for (const v of Array.isArray(raw) ? raw : [raw]) hash.update(`\u0000${name}\u0000`).update(v ?? '');
  }
  return hash.digest('hex');
}

export async function startStatusCollector(kafka: Kafka, topic: string, groupId: string): Promise<StatusCollector> {
  const check = statusEventChecker();
  const records: StatusRecord[] = [];
  const position = new Map<number, bigint>();
  const waiters = new Set<() => void>();
  // Short fetch waits: the collector catches up and disconnects quickly (kafkajs waits out a fetch in flight).
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 10 * 1024 * 1024,
    maxWaitTimeInMs: 250,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const headers = message.headers ?? {};
        const checked = check(headers, message.value);
        records.push({
          partition: batch.partition,
          offset: message.offset,
          ceId: checked.id ?? firstHeader(headers, 'ce_id'),
          ceSource: checked.source ?? firstHeader(headers, 'ce_source'),
          ceType: checked.type,
          orderId: checked.orderId,
          state: checked.state,
          fingerprint: fingerprint(message.value, headers),
          problem: checked.problem,
        });
        position.set(batch.partition, BigInt(message.offset) + 1n);
      }
      for (const wake of waiters) wake();
    },
  });
  return {
    records,
    caughtUp: (end, deadline) =>
      new Promise<boolean>((resolve) => {
        const done = (): boolean =>
          [...end].every(([partition, high]) => BigInt(high) === 0n || (position.get(partition) ?? 0n) >= BigInt(high));
        if (done()) return resolve(true);
        const timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
        const wake = (): void => void (done() && finish(true));
        const finish = (result: boolean): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(result);
        };
        waiters.add(wake);
      }),
    stop: () => consumer.disconnect(),
  };
}
