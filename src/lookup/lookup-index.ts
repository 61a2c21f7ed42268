import { EventEmitter } from 'node:events';
import type { Pool } from 'pg';
import type { LookupAccount, LookupNumber, LookupRecord } from '../core/custom-header/call-lookup.js';
import { LOOKUP_CHANNEL, parseLookupNotice } from '../contracts/lookup-channel.js';
import type { ComponentHealth, WorkerService } from '../contracts/worker-service.js';
import { NotificationListener } from '../platform/db/notification-listener.js';
import type { Logger } from '../platform/logging/logger.js';
import { retryDelayMs, type RetrySchedule } from '../platform/time/backoff.js';
import { accountPage, numberPage, readAccounts, readNumbers, RecordInterner } from './lookup-records.js';

/** What one round of the index changed: after it, lookups answer from what PostgreSQL held when it read. */
export interface LookupApplied {
  /** A full load replaced the whole index. */
  readonly reload: boolean;
  /** Numbers and accounts re-read by key (empty for a reload). */
  readonly numbers: readonly string[];
  readonly accounts: readonly string[];
}

export interface LookupIndexOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** Rows per page of a full load. */
  readonly pageSize?: number;
  /** Keys per re-read after notices. */
  readonly readBatch?: number;
  /** The LISTEN connection's reconnect backoff, and the retry of a failed re-read. */
  readonly retry?: RetrySchedule;
}

const DEFAULT_PAGE_SIZE = 20_000;
const DEFAULT_READ_BATCH = 5_000;
const DEFAULT_RETRY: RetrySchedule = { baseMs: 250, capMs: 30_000 };

/**
 * The call-time lookup's in-memory index: every live number's record and
 * every live account's Direct Routing subdomain, so that a lookup is a map
 * read, not a query.
 *
 * Kept current through the lookup channel (src/contracts/lookup-channel.ts):
 * LISTEN starts before the full load, so no change can fall between the two;
 * notices name numbers and accounts, which are re-read by key (a re-read
 * starts after the notice arrived, so after its commit: it sees that change
 * or a newer one). A lost LISTEN connection may have lost notices, so its
 * return (and any notice it cannot read, or a failed re-read) brings a full
 * load. Rounds run one at a time, in arrival order; a full load fills a new
 * map page by page while lookups keep reading the old one, then swaps.
 * Every round ends with an 'applied' event.
 */
export class LookupIndex extends EventEmitter<{ applied: [LookupApplied] }> implements WorkerService {
  readonly name = 'lookup-index';
  private numbers = new Map<string, LookupNumber>();
  private accounts = new Map<string, LookupAccount>();
  private readonly listener: NotificationListener;
  private readonly pendingNumbers = new Set<string>();
  private readonly pendingAccounts = new Set<string>();
  private reloadWanted = false;
  private running = false;
  private loaded = false;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Why the index may be behind PostgreSQL right now (null: it is not). */
  private behind: string | null = 'not loaded yet';

  constructor(private readonly options: LookupIndexOptions) {
    super();
    this.listener = new NotificationListener({
      pool: options.pool,
      channel: LOOKUP_CHANNEL,
      logger: options.logger,
      retry: options.retry ?? DEFAULT_RETRY,
      onNotification: (payload) => this.onNotice(payload),
      onReconnected: () => this.wantReload('notices may have been lost while the LISTEN connection was down'),
    });
  }

  /** Listens, then loads everything; start-up waits for the load (readiness says "not loaded yet" meanwhile). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.listener.start();
    const started = performance.now();
    await this.fullLoad();
    this.loaded = true;
    // A reload asked for during the load (a '*' notice, a reconnect) still runs: the load may have read before it.
    if (!this.reloadWanted) this.behind = null;
    this.options.logger.info(
      { numbers: this.numbers.size, accounts: this.accounts.size, ms: Math.round(performance.now() - started) },
      'lookup index loaded',
    );
    this.emit('applied', { reload: true, numbers: [], accounts: [] });
    // Notices that arrived during the load: re-read, since the load may have read before their commit.
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.listener.stop();
  }

  /** Ready once loaded, while its LISTEN connection is up and no reload for lost notices is pending. */
  health(): ComponentHealth {
    if (!this.loaded) return { ready: false, detail: 'lookup index not loaded yet' };
    if (!this.listener.listening)
      return { ready: false, detail: `PostgreSQL LISTEN connection down: ${this.listener.lastProblem ?? 'reconnecting'}` };
    if (this.behind !== null) return { ready: false, detail: `lookup index reloading: ${this.behind}` };
    return { ready: true };
  }

  /** Whether lookups can be answered (after the first full load; later reloads answer from the previous index meanwhile). */
  get ready(): boolean {
    return this.loaded;
  }

  get size(): { numbers: number; accounts: number } {
    return { numbers: this.numbers.size, accounts: this.accounts.size };
  }

  /** The record of a live number; undefined: not provisioned. */
  recordOf(telephoneNumber: string): LookupRecord | undefined {
    const number = this.numbers.get(telephoneNumber);
    if (number === undefined) return undefined;
    return { number, account: this.accounts.get(number.accountName) ?? null };
  }

  private onNotice(payload: string | undefined): void {
    const change = parseLookupNotice(payload);
    if (change.reload) {
      this.wantReload('a notice asked for a full reload');
      return;
    }
    for (const n of change.numbers) this.pendingNumbers.add(n);
    for (const a of change.accounts) this.pendingAccounts.add(a);
    this.kick();
  }

  private wantReload(why: string): void {
    this.reloadWanted = true;
    this.behind = why;
    this.kick();
  }

  /** Starts a round unless one runs (it takes what is pending when it is done); nothing runs before the first load. */
  private kick(): void {
    if (this.running || !this.loaded || this.stopped) return;
    this.running = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) break;
        if (this.reloadWanted) {
          // Notices received so far are covered: the load starts after their commits.
          this.reloadWanted = false;
          this.pendingNumbers.clear();
          this.pendingAccounts.clear();
          const started = performance.now();
          await this.fullLoad();
          if (!this.reloadWanted) this.behind = null;
          this.options.logger.info(
            { numbers: this.numbers.size, accounts: this.accounts.size, ms: Math.round(performance.now() - started) },
            'lookup index reloaded',
          );
          this.failures = 0;
          this.emit('applied', { reload: true, numbers: [], accounts: [] });
          continue;
        }
        if (this.pendingNumbers.size === 0 && this.pendingAccounts.size === 0) break;
        const numbers = [...this.pendingNumbers];
        const accounts = [...this.pendingAccounts];
        this.pendingNumbers.clear();
        this.pendingAccounts.clear();
        await this.reread(numbers, accounts);
        this.failures = 0;
        this.emit('applied', { reload: false, numbers, accounts });
      }
      this.running = false;
    } catch (error) {
      // What failed to be read is unknown now: a full load, after a backoff, sets it right.
      this.running = false;
      this.failures += 1;
      this.reloadWanted = true;
      this.behind = `a read failed: ${error instanceof Error ? error.message : String(error)}`;
      const delay = retryDelayMs(this.options.retry ?? DEFAULT_RETRY, this.failures, Math.random);
      this.options.logger.warn({ error: this.behind, retryInMs: delay }, 'lookup index: read failed; reloading');
      this.retryTimer = setTimeout(() => this.kick(), delay);
    }
  }

  /** Re-reads these keys and applies what PostgreSQL holds: a key it no longer returns is gone. */
  private async reread(numbers: readonly string[], accounts: readonly string[]): Promise<void> {
    const { pool } = this.options;
    const batch = this.options.readBatch ?? DEFAULT_READ_BATCH;
    const interner = new RecordInterner();
    for (let i = 0; i < accounts.length; i += batch) {
      const keys = accounts.slice(i, i + batch);
      const live = await readAccounts(pool, keys);
      for (const k of keys) this.accounts.delete(k);
      for (const a of live) this.accounts.set(a.name, a);
    }
    for (let i = 0; i < numbers.length; i += batch) {
      const keys = numbers.slice(i, i + batch);
      const live = await readNumbers(pool, keys, interner);
      for (const k of keys) this.numbers.delete(k);
      for (const n of live) this.numbers.set(n.telephoneNumber, n);
    }
  }

  /** Every live account and number, page by page into new maps, then swapped in. */
  private async fullLoad(): Promise<void> {
    const { pool } = this.options;
    const size = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    const accounts = new Map<string, LookupAccount>();
    for (let after: string | null = null; ; ) {
      const page = await accountPage(pool, after, size);
      for (const a of page) accounts.set(a.name, a);
      if (page.length < size) break;
      after = page.at(-1)?.name ?? null;
    }
    const numbers = new Map<string, LookupNumber>();
    const interner = new RecordInterner();
    for (let after: string | null = null; ; ) {
      if (this.stopped) return;
      const page = await numberPage(pool, after, size, interner);
      for (const n of page) numbers.set(n.telephoneNumber, n);
      if (page.length < size) break;
      after = page.at(-1)?.telephoneNumber ?? null;
    }
    this.accounts = accounts;
    this.numbers = numbers;
  }
}
