import type { Pool } from 'pg';
import type { Config } from '../platform/config/load-config.js';
import type { Logger } from '../platform/logging/logger.js';
import { BackendPermanentError } from '../operator-connect/index.js';
import type { ConsentReader, ConsentView } from './consent-cache.js';
import * as sql from './consent-state-sql.js';

export interface ConsentStateSyncOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** The backend's consents port (Backend.consents): its list goes through the backend's paced client. */
  readonly reader: ConsentReader;
  /** RECONCILER_CONSENT_SYNC_MS: how often run() lists every consent; 0: never (on demand only). */
  readonly intervalMs: number;
  readonly now?: () => number;
}

/** What one refresh of a tenant found. */
export interface TenantRefresh {
  /** The backend's answer for the tenant; null: it has none (the row, if any, is marked gone). */
  readonly consent: ConsentView | null;
  /** Tenants recorded by the read (a whole list records them all). */
  readonly recorded: number;
}

/** A ConsentView as a row of UPSERT_BACKEND_CONSENTS' recordset; a date the database could not read is left out. */
export function backendConsentRow(c: ConsentView): Record<string, unknown> {
  const time = (text: string | undefined) => (text !== undefined && !Number.isNaN(Date.parse(text)) ? text : null);
  return {
    tenant_id: c.tenantId.toLowerCase(),
    status: c.status,
    consented_countries: [...c.consentedCountries],
    contacts: c.contacts ?? [],
    customer_relationship: c.customerRelationship ?? null,
    consented_on: time(c.consentedOn),
    last_modified_on: time(c.lastModifiedOn),
    product_context: c.productContext ?? null,
    operator_id: c.operatorId ?? null,
    account_name: c.accountName ?? null,
  };
}

function isNotFound(error: unknown): boolean {
  return error instanceof BackendPermanentError && (error.code === 'ConsentNotFound' || error.status === 404);
}

/**
 * Keeps backend_consents what the backend last reported per tenant: run()
 * lists every consent each `intervalMs` (the same paced list the
 * ConsentCache reads for planning) and upserts them; a tenant the list no
 * longer carries keeps its row with gone_at set (its last reported state
 * stays visible; the status is not rewritten, since "removed" is a status
 * the backend reports itself). refresh() reads one tenant now (`flowthrough
 * consents show --refresh`).
 *
 * run() never throws: a failed read is logged and tried again at the next
 * interval, so a backend outage does not count as a failed planning pass.
 * The first list is due one interval after construction. observe() wraps
 * the backend's reader so that what planning reads is recorded too, and a
 * list read for planning pushes the next list back: one read serves both.
 */
export class ConsentStateSync {
  private lastListMs: number;
  private inFlight: Promise<number> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ConsentStateSyncOptions) {
    this.now = options.now ?? Date.now;
    // The first list is one interval after start, not at once: planning's first reads (observed) usually come first
    // and record the tenants it asks about, and a worker restart does not cost an extra list of every consent.
    this.lastListMs = this.now();
  }

  /** Lists and records every consent when the interval has passed since the last list; the tenants recorded (0: not due, off or failed). */
  async run(signal?: AbortSignal): Promise<number> {
    if (this.options.intervalMs <= 0 || this.now() - this.lastListMs < this.options.intervalMs) return 0;
    try {
      return await this.syncAll(signal);
    } catch (error) {
      if (!signal?.aborted) this.options.logger.warn({ err: error }, 'cannot list consents for backend_consents; trying again later');
      return 0;
    }
  }

  /** Lists every consent now and records them (one list at a time: a call during one shares it); throws what the read throws. */
  syncAll(signal?: AbortSignal): Promise<number> {
    if (this.inFlight) return this.inFlight;
    const startedMs = this.now();
    this.lastListMs = startedMs;
    const run = (async () => {
      const consents = await this.options.reader.listConsents(signal ? { signal } : {});
      return this.recordList(consents, startedMs);
    })();
    this.inFlight = run;
    const clear = () => {
      if (this.inFlight === run) this.inFlight = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  /**
   * Reads the tenant's consent now. `wholeList`: the backend has no read of
   * one consent (ACG lists them), so the list is recorded whole.
   */
  async refresh(tenantId: string, options: { wholeList?: boolean; signal?: AbortSignal } = {}): Promise<TenantRefresh> {
    const tenant = tenantId.toLowerCase();
    if (options.wholeList) {
      const startedMs = this.now();
      this.lastListMs = startedMs;
      const all = await this.options.reader.listConsents(options.signal ? { signal: options.signal } : {});
      const recorded = await this.recordList(all, startedMs);
      return { consent: all.find((c) => c.tenantId.toLowerCase() === tenant) ?? null, recorded };
    }
    const startedMs = this.now();
    try {
      const consent = await this.options.reader.getConsent(tenantId, options.signal ? { signal: options.signal } : {});
      return { consent, recorded: await this.record([consent], startedMs) };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.options.pool.query(sql.MARK_GONE, [tenant, new Date(startedMs)]);
      return { consent: null, recorded: 0 };
    }
  }

  /**
   * The backend's reader, recording what it answers for planning (the
   * ConsentCache reads one consent per tenant, or one list when many
   * tenants wait): a whole list also counts as this sync's, so the interval
   * starts again from it. Recording does not hold planning up; a failure is
   * logged.
   */
  observe<R extends ConsentReader>(reader: R): R {
    const recorded = (what: Promise<unknown>) =>
      what.catch((error: unknown) =>
        this.options.logger.warn({ err: error }, 'cannot record consents read for planning in backend_consents'),
      );
    const listConsents: ConsentReader['listConsents'] = async (options) => {
      const startedMs = this.now();
      const consents = await reader.listConsents(options);
      this.lastListMs = Math.max(this.lastListMs, startedMs);
      void recorded(this.recordList(consents, startedMs));
      return consents;
    };
    const getConsent: ConsentReader['getConsent'] = async (tenantId, options) => {
      const startedMs = this.now();
      try {
        const consent = await reader.getConsent(tenantId, options);
        void recorded(this.record([consent], startedMs));
        return consent;
      } catch (error) {
        if (isNotFound(error)) void recorded(this.options.pool.query(sql.MARK_GONE, [tenantId.toLowerCase(), new Date(startedMs)]));
        throw error;
      }
    };
    return new Proxy(reader, {
      get: (target, property, receiver) =>
        property === 'listConsents' ? listConsents : property === 'getConsent' ? getConsent : Reflect.get(target, property, receiver),
    });
  }

  private async recordList(consents: readonly ConsentView[], startedMs: number): Promise<number> {
    const recorded = await this.record(consents, startedMs);
    const listed = [...new Set(consents.map((c) => c.tenantId.toLowerCase()))];
    await this.options.pool.query(sql.MARK_GONE_EXCEPT, [listed, new Date(startedMs)]);
    return recorded;
  }

  private async record(consents: readonly ConsentView[], startedMs: number): Promise<number> {
    // One row per tenant (the last answer wins): ON CONFLICT cannot touch a row twice in one statement.
    const rows = new Map(consents.filter((c) => c.tenantId !== '').map((c) => [c.tenantId.toLowerCase(), backendConsentRow(c)]));
    if (rows.size === 0) return 0;
    await this.options.pool.query(sql.UPSERT_BACKEND_CONSENTS, [JSON.stringify([...rows.values()]), new Date(startedMs)]);
    return rows.size;
  }
}

export interface ConsentStateSyncDeps {
  readonly pool: Pool;
  readonly logger: Logger;
  /** The chosen backend's consents port: `backend.consents` (createReconciler's built backend). */
  readonly consents: ConsentReader;
  readonly now?: () => number;
}

/** The consent state sync as the worker runs it, every RECONCILER_CONSENT_SYNC_MS (0: off). */
export function createConsentStateSync(config: Pick<Config, 'reconciler'>, deps: ConsentStateSyncDeps): ConsentStateSync {
  return new ConsentStateSync({
    pool: deps.pool,
    logger: deps.logger,
    reader: deps.consents,
    intervalMs: config.reconciler.consent.syncMs,
    ...(deps.now ? { now: deps.now } : {}),
  });
}
