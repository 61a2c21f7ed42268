import type { Clock } from '../simulator/clock.js';
import { AcgError, notFound } from './acg-error.js';
import { newEtag } from './etag.js';
import type { CivicAddressSeed, NumberErrorSeed, RequestForInformationSeed } from './options.js';
import type { ProvisioningQueue } from './provisioning.js';

type Json = Record<string, unknown>;

/** A stored resource: what the client wrote (writable properties only) plus what the service keeps. */
interface Entry {
  resource: Json;
  etag: string;
  status: 'pending' | 'synced' | 'failed';
  errors: Json[];
}

interface AccountEntry extends Entry {
  /** Teams Direct Routing subdomain: provisioned once its provisioning ran. */
  subdomainProvisioned: boolean;
}

export interface Versioned {
  readonly body: Json;
  readonly etag: string;
}

/** Services whose per-account details carry a numberCount, as the swagger names them. */
const SERVICES = ['teamsOperatorConnect', 'teamsDirectRouting', 'teamsPhoneMobile', 'zoomPhoneCloudPeering', 'azureOperatorCallProtection'];
/** Number services synced to Microsoft Teams: pending until the sync ends. */
const SYNCED_SERVICES = ['teamsOperatorConnect', 'teamsPhoneMobile'];

const record = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const enabled = (details: unknown, service: string): boolean => record(record(details)[service]).enabled === true;

/**
 * The ACG service's data: accounts, their numbers, Teams requests for
 * information and civic addresses, each with an ETag and a provisioning
 * status that ProvisioningQueue settles after a delay. Handlers decide HTTP;
 * this decides what the service holds.
 */
export class AcgState {
  private readonly accounts = new Map<string, AccountEntry>();
  private readonly numbers = new Map<string, Entry>();
  private readonly rfis = new Map<string, Entry>();
  private readonly civic = new Map<string, Map<string, Json>>();
  private readonly numberErrors = new Map<string, Json[]>();

  constructor(
    private readonly queue: ProvisioningQueue,
    private readonly clock: Clock,
    private readonly operatorId: string,
  ) {}

  // Accounts

  accountEtag(name: string): string | undefined {
    return this.accounts.get(name)?.etag;
  }

  account(name: string): Versioned {
    const entry = this.accounts.get(name);
    if (!entry) throw notFound(`Account ${name}`);
    return { body: this.accountView(name, entry), etag: entry.etag };
  }

  listAccounts(): Json[] {
    return [...this.accounts.keys()].sort().map((name) => this.accountView(name, this.accounts.get(name) as AccountEntry));
  }

  /** Creates or replaces; true when created. The account goes pending until provisioned. */
  putAccount(name: string, resource: Json): boolean {
    const previous = this.accounts.get(name);
    const entry: AccountEntry = {
      resource: { ...resource, name },
      etag: newEtag(),
      status: 'pending',
      errors: [],
      subdomainProvisioned: false,
    };
    const subdomain = record(record(record(resource.serviceDetails).teamsDirectRouting).configuration).subdomain;
    // Same subdomain as before: it stays provisioned.
    const before = record(record(record(previous?.resource.serviceDetails).teamsDirectRouting).configuration).subdomain;
    entry.subdomainProvisioned = previous?.subdomainProvisioned === true && subdomain === before;
    this.accounts.set(name, entry);
    this.queue.schedule(() => {
      if (this.accounts.get(name) !== entry) return;
      entry.status = 'synced';
      if (typeof subdomain === 'string') entry.subdomainProvisioned = true;
      entry.etag = newEtag();
    });
    return previous === undefined;
  }

  /** Deletes the account; its numbers too when `withNumbers`, else 409 while it has any. */
  deleteAccount(name: string, withNumbers: boolean): boolean {
    if (!this.accounts.has(name)) return false;
    const owned = [...this.numbers.entries()].filter(([, n]) => n.resource.accountName === name);
    if (owned.length > 0 && !withNumbers) {
      throw new AcgError(
        409,
        'AccountHasNumbers',
        `Account ${name} still has ${owned.length} number(s); delete them first or pass deleteNumbers=true.`,
      );
    }
    for (const [tn] of owned) this.numbers.delete(tn);
    this.accounts.delete(name);
    return true;
  }

  private accountView(name: string, entry: AccountEntry): Json {
    const details = { ...record(entry.resource.serviceDetails) };
    const owned = [...this.numbers.values()].filter((n) => n.resource.accountName === name);
    for (const service of SERVICES) {
      if (details[service] === undefined) continue;
      const numberCount = owned.filter((n) => enabled(n.resource.serviceDetails, service)).length;
      details[service] = { ...record(details[service]), numberCount };
    }
    if (details.teamsDirectRouting !== undefined) {
      details.teamsDirectRouting = {
        ...record(details.teamsDirectRouting),
        subdomainStatus: entry.subdomainProvisioned ? 'provisioned' : 'notProvisioned',
      };
    }
    return { ...entry.resource, serviceDetails: details, serviceProvisioningStatus: entry.status, serviceProvisioningErrors: entry.errors };
  }

  // Numbers

  numberEtag(accountName: string, telephoneNumber: string): string | undefined {
    const entry = this.numbers.get(telephoneNumber);
    return entry?.resource.accountName === accountName ? entry.etag : undefined;
  }

  number(accountName: string, telephoneNumber: string): Versioned {
    this.requireAccount(accountName);
    const entry = this.numbers.get(telephoneNumber);
    if (!entry || entry.resource.accountName !== accountName) throw notFound(`Number ${telephoneNumber} on account ${accountName}`);
    return { body: this.numberView(entry), etag: entry.etag };
  }

  listNumbers(accountName?: string): Json[] {
    if (accountName !== undefined) this.requireAccount(accountName);
    return [...this.numbers.keys()]
      .sort()
      .map((tn) => this.numbers.get(tn) as Entry)
      .filter((n) => accountName === undefined || n.resource.accountName === accountName)
      .map((n) => this.numberView(n));
  }

  /** Checks a batch first (all or nothing), then creates or replaces each number; true per number created. */
  putNumbers(accountName: string, resources: readonly Json[]): boolean[] {
    const account = this.requireAccount(accountName);
    const seen = new Set<string>();
    resources.forEach((resource, i) => {
      const tn = String(resource.telephoneNumber);
      const target = resources.length > 1 ? `numbers[${i}]` : 'telephoneNumber';
      if (seen.has(tn)) throw new AcgError(400, 'DuplicateNumbers', `${tn} appears more than once in the request.`);
      seen.add(tn);
      if (resource.accountName !== accountName) {
        throw new AcgError(400, 'InvalidRequestBody', `${target}: accountName ${String(resource.accountName)} is not ${accountName}.`);
      }
      const owner = this.numbers.get(tn)?.resource.accountName;
      if (owner !== undefined && owner !== accountName) {
        throw new AcgError(409, 'NumberOwnedByAnotherAccount', `${tn} belongs to another account; delete it there first.`);
      }
      for (const service of SERVICES) {
        if (enabled(resource.serviceDetails, service) && !enabled(account.resource.serviceDetails, service)) {
          throw new AcgError(400, 'ServiceNotEnabledOnAccount', `${target}: ${service} is not enabled on account ${accountName}.`);
        }
      }
    });
    return resources.map((resource) => this.putNumber(account, resource));
  }

  deleteNumber(accountName: string, telephoneNumber: string): boolean {
    this.requireAccount(accountName);
    const entry = this.numbers.get(telephoneNumber);
    if (!entry || entry.resource.accountName !== accountName) return false;
    this.numbers.delete(telephoneNumber);
    return true;
  }

  /** A business error the next sync of this number ends with (test double of Teams refusing it). */
  scriptNumberError(error: NumberErrorSeed): void {
    const list = this.numberErrors.get(error.telephoneNumber) ?? [];
    list.push({ code: error.code, message: error.message });
    this.numberErrors.set(error.telephoneNumber, list);
  }

  private putNumber(account: AccountEntry, resource: Json): boolean {
    const tn = String(resource.telephoneNumber);
    const created = !this.numbers.has(tn);
    const needsSync = SYNCED_SERVICES.some(
      (s) => enabled(resource.serviceDetails, s) && record(record(account.resource.serviceDetails)[s]).syncEnabled === true,
    );
    const entry: Entry = { resource, etag: newEtag(), status: needsSync ? 'pending' : 'synced', errors: [] };
    this.numbers.set(tn, entry);
    if (needsSync) {
      this.queue.schedule(() => {
        if (this.numbers.get(tn) !== entry) return;
        const errors = this.numberErrors.get(tn) ?? [];
        this.numberErrors.delete(tn);
        entry.status = errors.length > 0 ? 'failed' : 'synced';
        entry.errors = errors;
        entry.etag = newEtag();
      });
    }
    return created;
  }

  private numberView(entry: Entry): Json {
    return { ...entry.resource, serviceProvisioningStatus: entry.status, serviceProvisioningErrors: entry.errors };
  }

  /** The account, or the 404 a call on a missing one gets. */
  requireAccount(name: string): AccountEntry {
    const entry = this.accounts.get(name);
    if (!entry) throw notFound(`Account ${name}`);
    return entry;
  }

  // Teams requests for information

  seedRequestForInformation(seed: RequestForInformationSeed): void {
    const tenantId = seed.tenantId.toLowerCase();
    const at = seed.consentedOn ?? new Date(this.clock.now()).toISOString();
    const resource: Json = {
      id: this.rfis.get(tenantId)?.resource.id ?? crypto.randomUUID(),
      tenantId,
      productContext: seed.productContext ?? 'teams',
      operatorId: this.operatorId,
      status: seed.status ?? 'active',
      consentedOn: at,
      lastModifiedOn: at,
      consentedCountries: [...(seed.consentedCountries ?? [])],
      contacts: (seed.contacts ?? []).map((c) => ({ ...c })),
      ...(seed.customerRelationship ? { customerRelationship: { ...seed.customerRelationship, lastModifiedOn: at } } : {}),
    };
    this.rfis.set(tenantId, { resource, etag: newEtag(), status: 'synced', errors: [] });
  }

  rfiEtag(tenantId: string): string | undefined {
    return this.rfis.get(tenantId.toLowerCase())?.etag;
  }

  requestForInformation(tenantId: string): Versioned {
    const entry = this.rfis.get(tenantId.toLowerCase());
    if (!entry) throw notFound(`Request for information of tenant ${tenantId}`);
    return { body: this.rfiView(entry), etag: entry.etag };
  }

  listRequestsForInformation(): Json[] {
    return [...this.rfis.keys()].sort().map((t) => this.rfiView(this.rfis.get(t) as Entry));
  }

  /** JSON merge patch of customerRelationship (status, comment); syncs to Teams after the delay. */
  patchRequestForInformation(tenantId: string, patch: Json): Versioned {
    const entry = this.rfis.get(tenantId.toLowerCase());
    if (!entry) throw notFound(`Request for information of tenant ${tenantId}`);
    const now = new Date(this.clock.now()).toISOString();
    if (patch.customerRelationship === null) delete entry.resource.customerRelationship;
    else if (patch.customerRelationship !== undefined) {
      const merged: Json = { ...record(entry.resource.customerRelationship) };
      for (const [k, v] of Object.entries(record(patch.customerRelationship))) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      entry.resource.customerRelationship = { ...merged, lastModifiedOn: now };
    }
    entry.resource.lastModifiedOn = now;
    entry.status = 'pending';
    entry.etag = newEtag();
    const version = entry.etag;
    this.queue.schedule(() => {
      if (entry.etag !== version) return;
      entry.status = 'synced';
      entry.etag = newEtag();
    });
    return { body: this.rfiView(entry), etag: entry.etag };
  }

  private rfiView(entry: Entry): Json {
    const tenantId = entry.resource.tenantId;
    const account = [...this.accounts.entries()].find(([, a]) => record(a.resource.serviceDetails).teamsTenantId === tenantId)?.[0];
    return {
      ...entry.resource,
      ...(account ? { accountName: account } : {}),
      serviceProvisioningStatus: entry.status,
      serviceProvisioningErrors: entry.errors,
    };
  }

  // Civic addresses (read-only in the API)

  seedCivicAddress(seed: CivicAddressSeed): void {
    const map = this.civic.get(seed.accountName) ?? new Map<string, Json>();
    map.set(seed.address.id, { ...seed.address });
    this.civic.set(seed.accountName, map);
  }

  civicAddresses(accountName: string): Json[] {
    this.requireAccount(accountName);
    return [...(this.civic.get(accountName)?.values() ?? [])];
  }

  civicAddress(accountName: string, id: string): Json {
    const found = this.civicAddresses(accountName).find((a) => a.id === id);
    if (!found) throw notFound(`Civic address ${id} of account ${accountName}`);
    return found;
  }

  clear(): void {
    this.accounts.clear();
    this.numbers.clear();
    this.rfis.clear();
    this.civic.clear();
    this.numberErrors.clear();
  }
}
