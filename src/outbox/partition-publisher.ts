import type { Message, Producer } from 'kafkajs';
import type { OutboxRow } from './outbox-records.js';
import { chunksByBytes, type PartitionQueue } from './publish-plan.js';
import { describeSendFailure, sendFailureKind } from './send-failure.js';

/** A claimed row ready to send: its records with their partition, and their size. */
export interface PlannedRow {
  readonly row: OutboxRow;
  readonly topic: string;
  readonly partition: number;
  readonly messages: Message[];
  readonly bytes: number;
}

export interface RowFailure {
  readonly row: OutboxRow;
  readonly partition: number | null;
  readonly error: string;
  /** Park now, whatever the attempts: the row cannot be decoded, no retry helps. */
  readonly parkNow: boolean;
}

export interface BrokerFailure {
  readonly topic: string;
  readonly partition: number | null;
  readonly error: unknown;
}

export interface PartitionOutcome {
  readonly acked: PlannedRow[];
  readonly refused?: RowFailure;
  readonly brokerFailure?: BrokerFailure;
}

/**
 * Sends one (topic, partition)'s claimed rows: a produce for one partition is
 * appended atomically, so a chunk is all or nothing, and exactly the
 * acknowledged rows are reported. A chunk the broker refuses is narrowed to
 * the row it refuses.
 */
export class PartitionPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly maxBatchBytes: number,
  ) {}

  /**
   * One partition's rows, in order, chunk after chunk; stops at the first
   * failure, so the rows behind it wait (per-key order). Never throws.
   */
  async publish(queue: PartitionQueue<PlannedRow>, running: () => boolean): Promise<PartitionOutcome> {
    const acked: PlannedRow[] = [];
    const { topic, partition } = queue;
    for (const chunk of chunksByBytes(queue.rows, this.maxBatchBytes)) {
      const error = await this.send(topic, chunk);
      if (error === undefined) {
        acked.push(...chunk);
        continue;
      }
      if (sendFailureKind(error) === 'broker' || !running()) return { acked, brokerFailure: { topic, partition, error } };
      if (chunk.length === 1) return { acked, refused: refusal(chunk[0] as PlannedRow, partition, error) };
      // The broker refused the chunk: send its rows one by one to find the one it refuses; those before it are published.
      for (const row of chunk) {
        const alone = await this.send(topic, [row]);
        if (alone === undefined) {
          acked.push(row);
          continue;
        }
        if (sendFailureKind(alone) === 'broker' || !running()) return { acked, brokerFailure: { topic, partition, error: alone } };
        return { acked, refused: refusal(row, partition, alone) };
      }
      // Every row went alone: the chunk was refused as a whole (too large together); carry on.
    }
    return { acked };
  }

  /** Sends records of one partition in one produce request; the error, or undefined once acknowledged. */
  private async send(topic: string, rows: readonly PlannedRow[]): Promise<unknown> {
    try {
      await this.producer.send({ topic, acks: -1, messages: rows.flatMap((r) => r.messages) });
      return undefined;
    } catch (error) {
      return error ?? new Error('send failed without an error');
    }
  }
}

function refusal(row: PlannedRow, partition: number, error: unknown): RowFailure {
  return { row: row.row, partition, error: describeSendFailure(error), parkNow: false };
}
