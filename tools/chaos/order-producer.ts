import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { chunkByBytes } from '../bench/lib/producer.js';
import type { ChaosRecord } from './workload.js';

/**
 * The BSS side: publishes records in order, paced over a window, and rides
 * out a broker outage the way a BSS must: a send that fails is sent again
 * (a new producer after a failure) until the broker takes it. A retried send
 * may have landed the first time too: those copies are byte-identical
 * resends, which the intake must recognise as duplicates.
 */

export interface PublishProgress {
  /** Records acknowledged so far. */
  readonly sent: number;
  /** Sends that failed and were repeated. */
  readonly failedSends: number;
  /** Epoch ms of the first acknowledgement of each orderId. */
  readonly ackedAt: ReadonlyMap<string, number>;
}

export interface OrderPublisher {
  readonly progress: PublishProgress;
  /** Publishes `records` now (unpaced), retrying through outages; for the dead-letter scenario's records. */
  sendNow(records: readonly ChaosRecord[]): Promise<void>;
  /** Publishes the main stream spread evenly over `windowMs`; resolves once all were acknowledged. */
  publishPaced(records: readonly ChaosRecord[], windowMs: number, shouldStop: () => boolean): Promise<void>;
  close(): Promise<void>;
}

const RETRY_PAUSE_MS = 500;

export function orderPublisher(kafka: Kafka, topic: string, log: (line: string) => void): OrderPublisher {
  const ackedAt = new Map<string, number>();
  let sent = 0;
  let failedSends = 0;
  let producer: Producer | undefined;
  let failing = false;
  let closing = false;
  // One send at a time: records of one account keep their order.
  let queue: Promise<void> = Promise.resolve();

  const connected = async (): Promise<Producer> => {
    if (closing) throw new Error('the publisher is closed');
    if (producer) return producer;
    const p = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await p.connect();
    producer = p;
    return p;
  };

  const sendOnce = async (records: readonly ChaosRecord[], shouldStop: () => boolean = () => false): Promise<void> => {
    const messages: Message[] = records.map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers } }));
    for (const chunk of chunkByBytes(messages)) {
      for (;;) {
        try {
          const p = await connected();
          await p.send({ topic, messages: chunk, acks: -1 });
          if (failing) log('producer: the broker takes records again');
          failing = false;
          break;
        } catch (error) {
          if (shouldStop() || closing) throw error;
          failedSends += 1;
          if (!failing)
            log(
              `producer: a send failed (${error instanceof Error ? error.message : String(error)}); sending it again until the broker takes it`,
            );
          failing = true;
          const broken = producer;
          producer = undefined;
          await broken?.disconnect().catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
        }
      }
    }
    const now = Date.now();
    for (const r of records) if (!ackedAt.has(r.orderId)) ackedAt.set(r.orderId, now);
    sent += records.length;
  };

  const serial = (work: () => Promise<void>): Promise<void> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    get progress() {
      return { sent, failedSends, ackedAt };
    },
    sendNow: (records) => serial(() => sendOnce(records)),
    publishPaced: async (records, windowMs, shouldStop) => {
      const started = performance.now();
      let next = 0;
      while (next < records.length) {
        if (shouldStop()) throw new Error('publishing stopped before every record was sent');
        const due = Math.min(records.length, Math.max(next + 1, Math.ceil(((performance.now() - started) / windowMs) * records.length)));
        const batch = records.slice(next, due);
        await serial(() => sendOnce(batch, shouldStop));
        next = due;
        const wait = (next / records.length) * windowMs - (performance.now() - started);
        if (wait > 0 && next < records.length) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1_000)));
      }
    },
    close: async () => {
      // A send retrying through an outage gives up now; one stuck in kafkajs' own retries is not waited for long.
      closing = true;
      const p = producer;
      producer = undefined;
      await Promise.race([queue, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      await Promise.race([p?.disconnect().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
}
