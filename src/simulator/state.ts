import { randomUUID } from 'node:crypto';
import type {
  Consent,
  ConsentStatus,
  Contact,
  NumberConfiguration,
  NumberStatus,
  RelationshipStatus,
} from '../contracts/operator-connect-api.js';
import { isoAt, type Clock } from './clock.js';
import { countryOf } from '../core/telephony/country-of-number.js';
import type { ConsentSeed, NumberSeed } from './seeds.js';

interface ConsentRecord {
  id: string;
  tenantId: string;
  status: ConsentStatus;
  consentedOn: string;
  lastModifiedOn: string;
  consentedCountries: string[];
  contacts: Contact[];
  relationship: { status: RelationshipStatus; comment: string | null; lastModifiedOn: string };
  /** civic address id → its location ids */
  civicAddresses: Map<string, Set<string>>;
}

export interface NumberRecord {
  readonly telephoneNumber: string;
  readonly tenantId: string;
  readonly teamsPhoneMobile: boolean;
  readonly configuration: NumberConfiguration;
  readonly assignedToUser: boolean;
  readonly acquiredOn: string;
  readonly lastModifiedOn: string;
  readonly lastOrderId: string | null;
}

export type ConsentPatch = Omit<Partial<ConsentSeed>, 'tenantId'>;

/** The service's memory: consents (with the tenants' civic addresses) and the numbers tenants hold. */
export class SimulatorState {
  private readonly consents = new Map<string, ConsentRecord>();
  private readonly numbers = new Map<string, NumberRecord>();

  constructor(
    private readonly operatorId: string,
    private readonly clock: Clock,
  ) {}

  load(seed: { consents: readonly ConsentSeed[]; numbers: readonly NumberSeed[] }): void {
    for (const consent of seed.consents) this.upsertConsent(consent.tenantId, consent);
    for (const number of seed.numbers) this.placeNumber(number, null);
  }

  clear(): void {
    this.consents.clear();
    this.numbers.clear();
  }

  /** The enterprise side (Teams Admin Center): create a consent or change it. */
  upsertConsent(tenantId: string, patch: ConsentPatch): Consent {
    const key = tenantId.toLowerCase();
    const now = isoAt(this.clock);
    const existing = this.consents.get(key);
    const record: ConsentRecord = existing ?? {
      id: randomUUID(),
      tenantId: key,
      status: 'active',
      consentedOn: patch.consentedOn ?? now,
      lastModifiedOn: now,
      consentedCountries: [],
      contacts: [],
      relationship: { status: 'ConsentAcknowledged', comment: null, lastModifiedOn: now },
      civicAddresses: new Map(),
    };
    if (patch.status) record.status = patch.status;
    if (patch.consentedCountries) record.consentedCountries = patch.consentedCountries.map((c) => c.toUpperCase());
    if (patch.contacts) record.contacts = [...patch.contacts];
    if (patch.customerRelationship) {
      record.relationship = {
        status: patch.customerRelationship.status,
        comment: patch.customerRelationship.comment ?? null,
        lastModifiedOn: now,
      };
    }
    if (patch.civicAddresses) {
      record.civicAddresses = new Map(patch.civicAddresses.map((a) => [a.id, new Set(a.locationIds ?? [])]));
    }
    record.lastModifiedOn = now;
    this.consents.set(key, record);
    return this.toConsent(record);
  }

  /** The operator side: the one writable part of a consent. */
  setRelationship(tenantId: string, status: RelationshipStatus, comment: string | null): Consent | undefined {
    const record = this.consents.get(tenantId.toLowerCase());
    if (!record) return undefined;
    const now = isoAt(this.clock);
    record.relationship = { status, comment, lastModifiedOn: now };
    record.lastModifiedOn = now;
    return this.toConsent(record);
  }

  consent(tenantId: string): Consent | undefined {
    const record = this.consents.get(tenantId.toLowerCase());
    return record ? this.toConsent(record) : undefined;
  }

  /** Consents in a stable order (by tenant id) so paging is repeatable. */
  listConsents(): Consent[] {
    return [...this.consents.values()].sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1)).map((r) => this.toConsent(r));
  }

  hasCivicAddress(tenantId: string, civicAddressId: string): boolean {
    return this.consents.get(tenantId.toLowerCase())?.civicAddresses.has(civicAddressId) ?? false;
  }

  /** A location is known if any of the tenant's civic addresses (or the given one) lists it. */
  hasLocation(tenantId: string, locationId: string, civicAddressId?: string): boolean {
    const addresses = this.consents.get(tenantId.toLowerCase())?.civicAddresses;
    if (!addresses) return false;
    if (civicAddressId !== undefined) return addresses.get(civicAddressId)?.has(locationId) ?? false;
    return [...addresses.values()].some((locations) => locations.has(locationId));
  }

  number(telephoneNumber: string): NumberRecord | undefined {
    return this.numbers.get(telephoneNumber);
  }

  numbersOf(tenantId: string): NumberRecord[] {
    const key = tenantId.toLowerCase();
    return [...this.numbers.values()].filter((n) => n.tenantId === key).sort((a, b) => (a.telephoneNumber < b.telephoneNumber ? -1 : 1));
  }

  allNumbers(): NumberRecord[] {
    return [...this.numbers.values()];
  }

  placeNumber(seed: NumberSeed, orderId: string | null): NumberRecord {
    const now = isoAt(this.clock);
    const previous = this.numbers.get(seed.telephoneNumber);
    const tenantId = seed.tenantId.toLowerCase();
    const sameHolder = previous?.tenantId === tenantId;
    const record: NumberRecord = {
      telephoneNumber: seed.telephoneNumber,
      tenantId,
      teamsPhoneMobile: seed.teamsPhoneMobile ?? false,
      configuration: { ...seed.configuration },
      assignedToUser: seed.assignedToUser ?? (sameHolder ? previous.assignedToUser : false),
      acquiredOn: sameHolder ? previous.acquiredOn : now,
      lastModifiedOn: now,
      lastOrderId: orderId,
    };
    this.numbers.set(seed.telephoneNumber, record);
    return record;
  }

  reconfigure(telephoneNumber: string, configuration: NumberConfiguration, orderId: string): void {
    const previous = this.numbers.get(telephoneNumber);
    if (!previous) return;
    this.numbers.set(telephoneNumber, {
      ...previous,
      configuration: { ...configuration },
      lastModifiedOn: isoAt(this.clock),
      lastOrderId: orderId,
    });
  }

  setAssignedToUser(telephoneNumber: string, assignedToUser: boolean): NumberRecord | undefined {
    const previous = this.numbers.get(telephoneNumber);
    if (!previous) return undefined;
    const record = { ...previous, assignedToUser, lastModifiedOn: isoAt(this.clock) };
    this.numbers.set(telephoneNumber, record);
    return record;
  }

  removeNumber(telephoneNumber: string): void {
    this.numbers.delete(telephoneNumber);
  }

  /** The status of a number as one tenant sees it: another tenant's number is simply not theirs. */
  numberStatus(tenantId: string, telephoneNumber: string): NumberStatus {
    const record = this.numbers.get(telephoneNumber);
    const key = tenantId.toLowerCase();
    if (!record || record.tenantId !== key) {
      return {
        telephoneNumber,
        tenantId: key,
        status: 'unassigned',
        assignedToUser: false,
        teamsPhoneMobile: null,
        isoCountryCode: countryOf(telephoneNumber) ?? null,
        configuration: null,
        acquiredOn: null,
        lastModifiedOn: null,
        lastOrderId: null,
      };
    }
    return {
      telephoneNumber,
      tenantId: key,
      status: 'assigned',
      assignedToUser: record.assignedToUser,
      teamsPhoneMobile: record.teamsPhoneMobile,
      isoCountryCode: countryOf(telephoneNumber) ?? null,
      configuration: record.configuration,
      acquiredOn: record.acquiredOn,
      lastModifiedOn: record.lastModifiedOn,
      lastOrderId: record.lastOrderId,
    };
  }

  private toConsent(record: ConsentRecord): Consent {
    return {
      id: record.id,
      tenantId: record.tenantId,
      operatorId: this.operatorId,
      productContext: 'teams',
      status: record.status,
      consentedOn: record.consentedOn,
      lastModifiedOn: record.lastModifiedOn,
      consentedCountries: [...record.consentedCountries],
      contacts: [...record.contacts],
      customerRelationship: { ...record.relationship },
    };
  }
}
