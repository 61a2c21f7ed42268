import { randomUUID } from 'node:crypto';
import type { Logger } from '../platform/logging/logger.js';
import {
  TERMINAL_ORDER_STATUSES,
  type NumberEntry,
  type NumberResult,
  type Order,
  type OrderOperation,
  type OrderStatus,
} from '../contracts/operator-connect-api.js';
import { isoAt, type Clock } from './clock.js';
import type { Counters } from './counters.js';
import type { Ledger } from './ledger.js';
import { decideRelease, decideUpdate, decideUpload, type Decision } from './number-rules.js';
import type { SimulatorState } from './state.js';

export type OrderRequest =
  | { readonly operation: 'upload'; readonly teamsPhoneMobile: boolean; readonly numbers: readonly NumberEntry[] }
  | { readonly operation: 'update'; readonly numbers: readonly NumberEntry[] }
  | { readonly operation: 'release'; readonly numbers: readonly { readonly telephoneNumber: string }[] };

interface OrderRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly requestId: string;
  readonly request: OrderRequest;
  readonly createdAt: string;
  status: OrderStatus;
  lastModifiedAt: string;
  completedAt: string | null;
  results: NumberResult[];
  /** Every status the order has had, in order: lets a test check the lifecycle without racing timers. */
  history: OrderStatus[];
}

export interface OrderBookDeps {
  readonly state: SimulatorState;
  readonly ledger: Ledger;
  readonly counters: Counters;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly processingDelayMs: number;
  readonly mode: 'automatic' | 'manual';
}

/**
 * Asynchronous number orders: accepted as pending, inProgress half-way
 * through the processing delay, then applied number by number against the
 * state of that moment (a consent may have changed meanwhile) and settled as
 * complete, partialSuccess or failed. Every applied number goes to the ledger.
 */
export class OrderBook {
  private readonly orders = new Map<string, OrderRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Map<string, { resolve: (order: Order) => void; reject: (error: Error) => void }[]>();

  constructor(private readonly deps: OrderBookDeps) {}

  accept(tenantId: string, requestId: string, request: OrderRequest): Order {
    const now = isoAt(this.deps.clock);
    const record: OrderRecord = {
      // Random, not seeded: a restarted simulator must never reissue an id a client still polls.
      id: randomUUID(),
      tenantId,
      requestId,
      request,
      createdAt: now,
      status: 'pending',
      lastModifiedAt: now,
      completedAt: null,
      results: [],
      history: ['pending'],
    };
    this.orders.set(record.id, record);
    this.deps.counters.orderAccepted();
    if (this.deps.mode === 'automatic') this.schedule(record);
    return this.view(record);
  }

  get(id: string): Order | undefined {
    const record = this.orders.get(id);
    return record ? this.view(record) : undefined;
  }

  history(id: string): readonly OrderStatus[] | undefined {
    const record = this.orders.get(id);
    return record ? [...record.history] : undefined;
  }

  /** Resolves when the order reaches a terminal status (at once if it has). */
  whenSettled(id: string): Promise<Order> {
    const record = this.orders.get(id);
    if (!record) return Promise.reject(new Error(`no order ${id}`));
    if (TERMINAL_ORDER_STATUSES.includes(record.status)) return Promise.resolve(this.view(record));
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(id, list);
    });
  }

  /** Settles every open order now, oldest first (manual mode, or to hurry automatic ones). */
  processOpenOrders(): readonly Order[] {
    const open = [...this.orders.values()].filter((o) => !TERMINAL_ORDER_STATUSES.includes(o.status));
    return open.map((record) => {
      this.settle(record);
      return this.view(record);
    });
  }

  /** Stops the timers; waiters learn that their order will not settle. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const list of this.waiters.values()) for (const w of list) w.reject(new Error('the simulator stopped before the order settled'));
    this.waiters.clear();
  }

  /** After a restart: open orders go on being processed (automatic mode). */
  resume(): void {
    if (this.deps.mode !== 'automatic') return;
    for (const record of this.orders.values()) if (!TERMINAL_ORDER_STATUSES.includes(record.status)) this.schedule(record);
  }

  clear(): void {
    this.stop();
    this.orders.clear();
  }

  private schedule(record: OrderRecord): void {
    const half = Math.floor(this.deps.processingDelayMs / 2);
    this.after(half, () => {
      if (record.status === 'pending') {
        record.status = 'inProgress';
        record.history.push('inProgress');
        record.lastModifiedAt = isoAt(this.deps.clock);
      }
      this.after(this.deps.processingDelayMs - half, () => this.settle(record));
    });
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private settle(record: OrderRecord): void {
    if (TERMINAL_ORDER_STATUSES.includes(record.status)) return;
    // Settled early (manual processing): it still passes through inProgress, as the contract says.
    if (record.status === 'pending') record.history.push('inProgress');
    const results = record.request.numbers.map((entry) => this.applyOne(record, entry));
    const succeeded = results.filter((r) => r.status === 'succeeded').length;
    const now = isoAt(this.deps.clock);
    record.results = results;
    record.status = succeeded === results.length ? 'complete' : succeeded === 0 ? 'failed' : 'partialSuccess';
    record.history.push(record.status);
    record.lastModifiedAt = now;
    record.completedAt = now;
    this.deps.logger.debug(
      { orderId: record.id, operation: record.request.operation, status: record.status, succeeded, total: results.length },
      'order settled',
    );
    const view = this.view(record);
    for (const w of this.waiters.get(record.id) ?? []) w.resolve(view);
    this.waiters.delete(record.id);
  }

  private applyOne(record: OrderRecord, entry: { readonly telephoneNumber: string }): NumberResult {
    const { state } = this.deps;
    const request = record.request;
    const tenantId = record.tenantId;
    let decision: Decision;
    switch (request.operation) {
      case 'upload': {
        const number = entry as NumberEntry;
        decision = decideUpload(state, tenantId, request.teamsPhoneMobile, number);
        if (decision.ok) {
          const { telephoneNumber, ...configuration } = number;
          state.placeNumber({ tenantId, telephoneNumber, teamsPhoneMobile: request.teamsPhoneMobile, configuration }, record.id);
        }
        break;
      }
      case 'update': {
        const number = entry as NumberEntry;
        decision = decideUpdate(state, tenantId, number);
        if (decision.ok) {
          const { telephoneNumber, ...configuration } = number;
          state.reconfigure(telephoneNumber, configuration, record.id);
        }
        break;
      }
      case 'release':
        decision = decideRelease(state, tenantId, entry.telephoneNumber);
        if (decision.ok) state.removeNumber(entry.telephoneNumber);
        break;
    }
    if (!decision.ok)
      return { telephoneNumber: entry.telephoneNumber, status: 'failed', errorCode: decision.errorCode, message: decision.message };
    this.deps.ledger.record({
      tenantId,
      telephoneNumber: entry.telephoneNumber,
      operation: request.operation,
      requestId: record.requestId,
      orderId: record.id,
      at: isoAt(this.deps.clock),
    });
    return { telephoneNumber: entry.telephoneNumber, status: 'succeeded' };
  }

  private view(record: OrderRecord): Order {
    const succeeded = record.results.filter((r) => r.status === 'succeeded').length;
    return {
      id: record.id,
      operation: record.request.operation satisfies OrderOperation,
      tenantId: record.tenantId,
      teamsPhoneMobile: record.request.operation === 'upload' ? record.request.teamsPhoneMobile : false,
      status: record.status,
      createdAt: record.createdAt,
      lastModifiedAt: record.lastModifiedAt,
      completedAt: record.completedAt,
      numberCount: record.request.numbers.length,
      succeededCount: succeeded,
      failedCount: record.results.length - succeeded,
      results: record.results.map((r) => ({ ...r })),
    };
  }
}
