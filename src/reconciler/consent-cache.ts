import type { ConsentFacts } from '../core/reconcile/plan-work.js';
import type { Logger } from '../platform/logging/logger.js';
import { BackendPermanentError } from '../operator-connect/index.js';

/** A tenant contact as the backend reports it (Operator Connect Contact, ACG ContactDetails). */
export interface ConsentContact {
  readonly fullName: string;
  readonly email: string;
  readonly telephoneNumber?: string;
  readonly companyName?: string;
  readonly companySize?: string;
}

/** The operator-side customer relationship of a consent as the backend reports it. */
export interface ReportedRelationship {
  readonly status?: string;
  readonly comment?: string | null;
  readonly lastModifiedOn?: string;
}

/**
 * A tenant's consent as planning reads it, from either backend (Operator Connect consent, ACG request for information).
 * Planning needs the first three; the rest is what the backends also give, kept for operators (backend_consents).
 */
export interface ConsentView {
  readonly tenantId: string;
  readonly status: string;
  readonly consentedCountries: readonly string[];
  readonly contacts?: readonly ConsentContact[];
  readonly customerRelationship?: ReportedRelationship;
  readonly consentedOn?: string;
  readonly lastModifiedOn?: string;
  readonly productContext?: string;
  readonly operatorId?: string;
  /** ACG: the account whose teamsTenantId is the tenant's. */
  readonly accountName?: string;
}

export interface ConsentReader {
  getConsent(tenantId: string, options?: { signal?: AbortSignal }): Promise<ConsentView>;
  listConsents(options?: { signal?: AbortSignal }): Promise<readonly ConsentView[]>;
}

/** From this many tenants on, one paged list of every consent is cheaper than a read per tenant. */
export const LIST_CONSENTS_FROM = 3;

/**
 * Consents read from the backend, reused for `cacheMs`. Planning asks
 * synchronously (lookup); what it could not answer is read afterwards
 * (refresh) and planning runs again.
 */
export class ConsentCache {
  private readonly entries = new Map<string, { facts: Exclude<ConsentFacts, 'unknown'>; atMs: number; generation: number }>();
  /** Answers read during a pass count as fresh for the rest of that pass, whatever cacheMs says. */
  private generation = 0;
  private readonly wanted = new Set<string>();

  constructor(
    private readonly reader: ConsentReader,
    private readonly cacheMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  lookup(tenantId: string): ConsentFacts {
    const entry = this.entries.get(tenantId);
    if (entry && (entry.generation === this.generation || this.now() - entry.atMs < this.cacheMs)) return entry.facts;
    this.wanted.add(tenantId);
    return 'unknown';
  }

  /** A new planning pass: what the previous pass read must be fresh by cacheMs again. */
  startPass(): void {
    this.generation += 1;
  }

  /** Reads the consents planning asked for; true when at least one answer came. */
  async refresh(signal?: AbortSignal): Promise<boolean> {
    const tenants = [...this.wanted];
    this.wanted.clear();
    const generation = this.generation;
    let any = false;
    if (tenants.length >= LIST_CONSENTS_FROM) {
      try {
        const all = new Map((await this.reader.listConsents(signal ? { signal } : {})).map((c) => [c.tenantId, c]));
        const atMs = this.now();
        // The list answered for every tenant that has a consent: keep them all (as fresh as the ones asked for),
        // so tenants whose orders arrive in the next passes do not cost another list and another planning pass.
        for (const [tenantId, consent] of all)
          this.entries.set(tenantId, {
            facts: { status: consent.status, consentedCountries: consent.consentedCountries },
            atMs,
            generation,
          });
        for (const tenantId of tenants) if (!all.has(tenantId)) this.entries.set(tenantId, { facts: null, atMs, generation });
        return true;
      } catch (error) {
        this.logger.warn({ err: error, tenants: tenants.length }, 'cannot list consents; uploads wait');
        return false;
      }
    }
    await Promise.all(
      tenants.map(async (tenantId) => {
        try {
          const consent = await this.reader.getConsent(tenantId, signal ? { signal } : {});
          this.entries.set(tenantId, {
            facts: { status: consent.status, consentedCountries: consent.consentedCountries },
            atMs: this.now(),
            generation,
          });
          any = true;
        } catch (error) {
          if (error instanceof BackendPermanentError && (error.code === 'ConsentNotFound' || error.status === 404)) {
            this.entries.set(tenantId, { facts: null, atMs: this.now(), generation });
            any = true;
          } else {
            this.logger.warn({ err: error, tenantId }, 'cannot read the consent; uploads for the tenant wait');
          }
        }
      }),
    );
    return any;
  }

  get pending(): number {
    return this.wanted.size;
  }
}
