import type { Pool, PoolClient } from 'pg';
import { retryDelayMs, type RetrySchedule } from '../time/backoff.js';
import type { Logger } from '../logging/logger.js';

export interface NotificationListenerOptions {
  readonly pool: Pool;
  /** A fixed identifier of ours (LISTEN takes no parameter). */
  readonly channel: string;
  readonly logger: Logger;
  readonly onNotification: (payload: string | undefined) => void;
  /**
   * After the connection came back: notifications sent while it was down are
   * lost, so the owner should look for work at once.
   */
  readonly onReconnected?: () => void;
  readonly retry?: RetrySchedule;
  readonly random?: () => number;
}

const DEFAULT_RETRY: RetrySchedule = { baseMs: 250, capMs: 30_000 };
const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/**
 * A LISTEN connection that survives PostgreSQL restarts. It holds one pool
 * client for its life; when that connection fails (an 'error' or 'end'
 * event: a restart, a network cut, an idle timeout), it is discarded and a
 * new one is made with capped, jittered backoff until it works, one log line
 * per failed attempt. The owner is woken after a reconnect, since
 * notifications sent meanwhile were lost. Never throws after start().
 */
export class NotificationListener {
  private readonly options: NotificationListenerOptions;
  private client: PoolClient | undefined;
  /** Clients this listener gave back to the pool: their later 'end' or 'error' events are not news. */
  private readonly released = new WeakSet<PoolClient>();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private problem: string | null = null;

  constructor(options: NotificationListenerOptions) {
    if (!CHANNEL.test(options.channel)) throw new Error(`not a channel name: ${options.channel}`);
    this.options = options;
  }

  /** Whether the LISTEN connection is up; `problem` says why not. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  get lastProblem(): string | null {
    return this.problem;
  }

  /** Connects once; a failure here is the caller's (start-up decides whether to wait). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`UNLISTEN ${this.options.channel}`).catch(() => undefined);
      this.giveBack(client, false);
    }
  }

  private giveBack(client: PoolClient, destroy: boolean): void {
    if (this.released.has(client)) return;
    this.released.add(client);
    client.release(destroy);
  }

  private async connect(): Promise<void> {
    const client = await this.options.pool.connect();
    const onLost = (error?: Error): void => {
      if (this.released.has(client)) return;
      this.lose(client, error);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (notice) => this.options.onNotification(notice.payload));
    try {
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      this.giveBack(client, true);
      throw error;
    }
    if (this.stopped) {
      this.giveBack(client, false);
      return;
    }
    this.client = client;
  }

  private lose(client: PoolClient, error: Error | undefined): void {
    if (this.client === client) this.client = undefined;
    this.giveBack(client, true);
    if (this.stopped) return;
    this.problem = error?.message ?? 'connection ended';
    this.options.logger.warn({ channel: this.options.channel, error: this.problem }, 'PostgreSQL LISTEN connection lost; reconnecting');
    this.schedule();
  }

  private schedule(): void {
    this.attempts += 1;
    const delay = retryDelayMs(this.options.retry ?? DEFAULT_RETRY, this.attempts, this.options.random ?? Math.random);
    this.timer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.connect();
    } catch (error) {
      this.problem = error instanceof Error ? error.message : String(error);
      this.options.logger.warn(
        { channel: this.options.channel, attempt: this.attempts, error: this.problem },
        'PostgreSQL LISTEN reconnect failed; trying again',
      );
      this.schedule();
      return;
    }
    if (this.stopped) return;
    this.options.logger.info({ channel: this.options.channel, attempts: this.attempts }, 'PostgreSQL LISTEN connection restored');
    this.attempts = 0;
    this.problem = null;
    this.options.onReconnected?.();
  }
}
