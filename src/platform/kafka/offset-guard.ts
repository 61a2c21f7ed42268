/**
 * The live side of the intake's offset checks: which partitions are stopped
 * (paused in kafkajs, named in readiness), where kafkajs' position stands as
 * far as this consumer knows, the check at assignment, and the poll that
 * picks up an operator's reset (seek there, resume).
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from '../logging/logger.js';
import { fixCommand, judgeAhead, judgeRange, type BatchVerdict, type StopReason } from './offset-integrity.js';
import { listPartitionStates, storeStop, type PartitionKey, type PartitionState } from './offset-store.js';

export interface PartitionStop {
  readonly partition: number;
  readonly reason: StopReason;
  readonly detail: string;
  /** What to run, in the words of the log line. */
  readonly fix: string;
}

export interface OffsetGuardOptions {
  readonly consumer: Consumer;
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly groupId: string;
  readonly topic: string;
  /** How often the stored offsets are read for an operator's reset. */
  readonly resetPollMs: number;
  /** This consumer stopped a partition, or found it stopped after a restart or rebalance. */
  readonly onPartitionStopped?: (partition: number, reason: StopReason) => void;
  /** A stopped partition is no longer stopped here: reset by an operator, or assigned elsewhere. */
  readonly onPartitionResumed?: (partition: number) => void;
}

export class OffsetGuard {
  private readonly options: OffsetGuardOptions;
  private assigned: readonly number[] = [];
  private readonly stopped = new Map<number, PartitionStop>();
  /** The offset kafkajs fetches next, as far as this consumer knows (its batches, filtered batches, its seeks). */
  private readonly positions = new Map<number, bigint>();
  /** The stored offset this consumer sought to, until a batch from it was applied. */
  private readonly soughtTo = new Map<number, bigint>();
  /** The reset marker (reset_at) last acted on, per partition. */
  private readonly resetsSeen = new Map<number, number>();
  private admin: Promise<Admin> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private running = false;
  private joins = 0;

  constructor(options: OffsetGuardOptions) {
    this.options = options;
  }

  start(): void {
    this.running = true;
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.options.resetPollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  /** The stopped partitions among the ones given (this member's assignment). */
  stops(partitions: readonly number[]): PartitionStop[] {
    return partitions.flatMap((p) => {
      const stop = this.stopped.get(p);
      return stop ? [stop] : [];
    });
  }

  isStopped(partition: number): boolean {
    return this.stopped.has(partition);
  }

  /** A new assignment: positions are unknown again; stops and resets are read from PostgreSQL, offsets checked against the logs. */
  onJoin(partitions: readonly number[]): void {
    this.joins += 1;
    this.assigned = partitions;
    this.positions.clear();
    this.soughtTo.clear();
    this.resetsSeen.clear();
    for (const p of [...this.stopped.keys()]) if (!partitions.includes(p)) this.forget(p);
    const join = this.joins;
    void this.checkAssignment(join).catch((error: unknown) => {
      if (!this.running) return;
      this.options.logger.warn({ err: error }, 'intake: could not check the stored offsets at assignment; each batch is still checked');
    });
  }

  /** kafkajs' position is past a batch this consumer finished. */
  batchDone(partition: number, lastOffset: bigint): void {
    this.positions.set(partition, lastOffset + 1n);
    this.soughtTo.delete(partition);
  }

  /** kafkajs passed over a batch of transaction markers or aborted records on its own. */
  batchFiltered(partition: number, firstOffset: bigint | null, lastOffset: bigint): void {
    const position = this.positions.get(partition);
    if (position !== undefined && firstOffset === position) this.positions.set(partition, lastOffset + 1n);
    else this.positions.delete(partition);
  }

  /** The batch was fetched from a position this consumer can account for. */
  explains(partition: number, fetchedOffset: bigint, next: bigint): boolean {
    return this.positions.get(partition) === fetchedOffset || this.soughtTo.get(partition) === next;
  }

  /** Makes kafkajs read the partition from `offset` (takes effect at its next fetch; the batch in hand turns stale). */
  seek(partition: number, offset: bigint, why: string): void {
    try {
      this.options.consumer.seek({ topic: this.options.topic, partition, offset: offset.toString() });
    } catch (error) {
      this.options.logger.warn({ err: error, partition }, 'intake: seek failed; the next batch is checked again');
      return;
    }
    this.positions.set(partition, offset);
    this.soughtTo.set(partition, offset);
    this.options.logger.info(
      { topic: this.options.topic, partition, offset: offset.toString() },
      `intake: reading partition ${partition} from offset ${offset} (${why})`,
    );
  }

  /** Asks the broker about a position ahead of the stored offset (judgeAhead). */
  async judgeAhead(partition: number, next: bigint): Promise<BatchVerdict> {
    const admin = await this.connectedAdmin();
    const { groupId, topic } = this.options;
    const [logs, groups] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const log = logs.find((l) => l.partition === partition);
    if (!log) throw new Error(`partition ${partition} of ${topic} is not in the broker's metadata`);
    const committedText = groups.find((g) => g.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset;
    const committed = committedText === undefined || BigInt(committedText) < 0n ? null : BigInt(committedText);
    return judgeAhead(next, BigInt(log.low), committed, groupId);
  }

  /**
   * The partition is stopped: paused, so kafkajs fetches nothing from it and
   * nothing of it is applied or skipped; readiness names it; one error line.
   */
  markStopped(partition: number, reason: StopReason, detail: string, next: bigint, found: { since: Date | null } | null): void {
    this.pause(partition);
    if (this.stopped.has(partition)) return;
    const fix = fixCommand(reason, partition, next);
    this.stopped.set(partition, { partition, reason, detail, fix });
    const { topic, groupId } = this.options;
    const what = found ? `stays stopped${found.since ? ` (since ${found.since.toISOString()})` : ''}` : 'stopped';
    this.options.logger.error(
      { topic, partition, groupId, reason, storedOffset: next.toString() },
      `intake partition ${partition} of ${topic} ${what}: ${detail}. Nothing from it is applied or skipped until an operator decides; fix: ${fix} ("flowthrough offsets show" lists every partition)`,
    );
    this.options.onPartitionStopped?.(partition, reason);
  }

  private forget(partition: number): void {
    if (this.stopped.delete(partition)) this.options.onPartitionResumed?.(partition);
  }

  private pause(partition: number): void {
    try {
      this.options.consumer.pause([{ topic: this.options.topic, partitions: [partition] }]);
    } catch {
      // Not running: the next join pauses it again from PostgreSQL.
    }
  }

  private resume(partition: number): void {
    try {
      this.options.consumer.resume([{ topic: this.options.topic, partitions: [partition] }]);
    } catch {
      // Not running: a new run starts with nothing paused.
    }
  }

  private key(partition: number): PartitionKey {
    return { groupId: this.options.groupId, topic: this.options.topic, partition };
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.running) return Promise.reject(new Error('the intake consumer is stopping'));
    if (!this.admin) {
      const admin = this.options.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }

  /** Stops found in PostgreSQL, resets to act on, and stored offsets outside their logs. */
  private async checkAssignment(join: number): Promise<void> {
    const { pool, groupId, topic } = this.options;
    const partitions = this.assigned;
    if (partitions.length === 0) return;
    const rows = await listPartitionStates(pool, groupId, topic, partitions);
    if (join !== this.joins) return;
    this.actOn(rows, true);
    const unchecked = rows.filter((r) => r.stoppedReason === null && !r.resetPending && r.next >= 0n);
    if (unchecked.length === 0) return;
    const logs = await (await this.connectedAdmin()).fetchTopicOffsets(topic);
    for (const row of unchecked) {
      const log = logs.find((l) => l.partition === row.partition);
      if (!log || join !== this.joins) continue;
      const problem = judgeRange(row.next, BigInt(log.low), BigInt(log.high));
      if (problem && (await storeStop(pool, this.key(row.partition), problem.reason, problem.detail, row.next))) {
        this.markStopped(row.partition, problem.reason, problem.detail, row.next, null);
      }
    }
  }

  /** Reads the stored state of the assigned partitions for an operator's reset (and stops made elsewhere). */
  private async poll(): Promise<void> {
    if (!this.running || this.polling || this.assigned.length === 0) return;
    this.polling = true;
    try {
      const join = this.joins;
      const rows = await listPartitionStates(this.options.pool, this.options.groupId, this.options.topic, this.assigned);
      if (join === this.joins) this.actOn(rows, false);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'intake: could not read the stored offsets for resets; trying again');
    } finally {
      this.polling = false;
    }
  }

  /**
   * Brings this consumer in line with the stored state. At a join the rows are
   * the whole truth; a poll's rows may predate a stop this consumer has just
   * made, so only a reset (reset_pending) lifts a stop then. Either way each
   * batch reads its row locked, so a stop in PostgreSQL always holds.
   */
  private actOn(rows: readonly PartitionState[], atJoin: boolean): void {
    for (const row of rows) {
      const p = row.partition;
      if (row.stoppedReason !== null) {
        this.markStopped(p, row.stoppedReason, row.stoppedDetail ?? row.stoppedReason, row.next, { since: row.stoppedAt });
        continue;
      }
      if (this.stopped.has(p) && (atJoin || row.resetPending)) {
        // Reset by an operator: no longer stopped.
        this.forget(p);
        this.options.logger.warn(
          { topic: this.options.topic, partition: p, offset: row.next.toString(), resetTo: row.resetTo, resetBy: row.resetBy },
          `intake partition ${p} of ${this.options.topic} resumes from offset ${row.next} after a reset (${row.resetTo ?? 'by an operator'}${row.resetBy ? `, by ${row.resetBy}` : ''})`,
        );
      }
      const marker = row.resetAt?.getTime();
      if (row.resetPending && marker !== undefined && this.resetsSeen.get(p) !== marker) {
        this.resetsSeen.set(p, marker);
        this.seek(p, row.next, `reset to ${row.resetTo ?? row.next}`);
      }
      if (!this.stopped.has(p) && this.isPaused(p)) this.resume(p);
    }
  }

  private isPaused(partition: number): boolean {
    try {
      return this.options.consumer.paused().some((t) => t.topic === this.options.topic && t.partitions.includes(partition));
    } catch {
      return false;
    }
  }
}
