import { canonicalJson } from '../order/canonical-json.js';
import type { AcgAccountBody, AcgAccountServiceDetails } from './account-resource.js';
import {
  ACG_NUMBER_SERVICES,
  acgNumberFromWire,
  sameAcgNumber,
  type AcgNumberBody,
  type AcgNumberHolding,
  type AcgNumberService,
} from './number-resource.js';

/**
 * The drift audit under BACKEND=acg, pure half: what we believe Azure
 * Communications Gateway holds (numbers.observed['acgNumber'], and the
 * accounts rows the account sync wrote) against what it lists, every writable
 * field of docs/acg-provisioning-api.md §2 and §3 compared, plus the
 * read-only numberCount and subdomainStatus.
 */

type Json = Readonly<Record<string, unknown>>;

const record = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

// Numbers

/** One of our numbers as the audit reads it. */
export interface OurAcgNumber {
  readonly telephoneNumber: string;
  /** numbers.account_name: the account the number is ordered under. */
  readonly accountName: string;
  /** numbers.observed['acgNumber']: what we believe ACG holds; null: nothing. */
  readonly observed: AcgNumberHolding | null;
  /** An open backend operation carries it: left out (and ACG's answer for it too). */
  readonly inFlight: boolean;
}

/** A number as ACG lists it: the account it is listed under and its writable part (acgNumberFromWire). */
export interface ListedAcgNumber {
  readonly accountName: string;
  readonly resource: AcgNumberBody;
}

export type AcgNumberDifferenceKind = 'missing_in_backend' | 'unexpected_in_backend' | 'resource_differs' | 'account_differs';

export interface AcgNumberDifference {
  readonly resource: 'number';
  readonly telephoneNumber: string;
  /** The account we observed it under; else the one ACG lists it under. */
  readonly accountName: string;
  readonly kind: AcgNumberDifferenceKind;
  /** resource_differs: the fields that differ, e.g. serviceDetails.teamsOperatorConnect.configuration.usage, configuration.customSipHeader. */
  readonly fields: readonly string[];
  /** What we believe ACG holds. */
  readonly observed: AcgNumberHolding | null;
  /** What ACG lists. */
  readonly actual: ListedAcgNumber | null;
  /** We have a numbers row for it (an unknown number is reported, never repaired). */
  readonly known: boolean;
}

/**
 * A NumberResource from a list answer: from Accounts_ListNumbers the account
 * it was listed under (`listedUnder`), from ListNumbers (every number of the
 * deployment) its own accountName. Throws a TypeError when neither names one.
 */
export function listedAcgNumber(wire: unknown, listedUnder?: string): ListedAcgNumber {
  const accountName = listedUnder ?? text(record(wire)?.accountName);
  if (accountName === undefined) throw new TypeError('listedAcgNumber: a NumberResource listed without its accountName');
  return { accountName, resource: acgNumberFromWire(accountName, wire) };
}

/** A string array sorted, so lists compared in any order compare equal. */
function sortedLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? [...value].sort() : value.map(sortedLists);
  const r = record(value);
  return r ? Object.fromEntries(Object.entries(r).map(([k, v]) => [k, sortedLists(v)])) : value;
}

/** The paths (a.b.c) at which two JSON values differ: a block present on one side only is one path. */
function differingPaths(a: unknown, b: unknown, prefix: string, out: string[]): void {
  const x = record(a);
  const y = record(b);
  if (x && y) {
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort())
      differingPaths(x[key], y[key], prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) out.push(prefix);
}

/** The writable fields in which two resources of a number differ (account and number aside), in the normal form. */
export function acgNumberFieldsDiffering(a: AcgNumberBody, b: AcgNumberBody): string[] {
  const normal = (body: AcgNumberBody) => {
    const { serviceDetails, configuration } = acgNumberFromWire(body.accountName, body);
    return sortedLists({ serviceDetails, configuration });
  };
  const out: string[] = [];
  differingPaths(normal(a), normal(b), '', out);
  return out;
}

export interface CompareAcgNumbersOptions {
  /**
   * The accounts whose listing `theirs` holds in full ('all': ListNumbers,
   * the whole deployment). A number we observed under another account is not
   * judged: its listing was not read.
   */
  readonly listed: ReadonlySet<string> | 'all';
}

const byNumber = (a: AcgNumberDifference, b: AcgNumberDifference): number =>
  a.telephoneNumber < b.telephoneNumber ? -1 : a.telephoneNumber > b.telephoneNumber ? 1 : 0;

/**
 * Compares what we observed for our numbers with what ACG lists, one
 * difference per number, sorted by number. Numbers in flight are left out on
 * both sides. A number ACG lists that `ours` does not name is unknown to us.
 */
export function compareAcgNumbers(
  ours: readonly OurAcgNumber[],
  theirs: readonly ListedAcgNumber[],
  options: CompareAcgNumbersOptions,
): AcgNumberDifference[] {
  const listedHere = (account: string): boolean => options.listed === 'all' || options.listed.has(account);
  const mine = new Map(ours.map((n) => [n.telephoneNumber, n]));
  const actualOf = new Map(theirs.map((t) => [t.resource.telephoneNumber, t]));
  const differences: AcgNumberDifference[] = [];
  for (const n of ours) {
    if (n.inFlight) continue;
    const { observed } = n;
    const actual = actualOf.get(n.telephoneNumber) ?? null;
    const base = { resource: 'number' as const, telephoneNumber: n.telephoneNumber, observed, actual, known: true };
    if (observed === null) {
      if (actual !== null) differences.push({ ...base, accountName: actual.accountName, kind: 'unexpected_in_backend', fields: [] });
    } else if (actual === null) {
      if (listedHere(observed.accountName))
        differences.push({ ...base, accountName: observed.accountName, kind: 'missing_in_backend', fields: [] });
    } else if (actual.accountName !== observed.accountName) {
      differences.push({ ...base, accountName: observed.accountName, kind: 'account_differs', fields: ['accountName'] });
    } else if (!sameAcgNumber(observed, { accountName: actual.accountName, consentTenantId: null, resource: actual.resource })) {
      const fields = acgNumberFieldsDiffering(observed.resource, actual.resource);
      differences.push({
        ...base,
        accountName: observed.accountName,
        kind: 'resource_differs',
        fields: fields.length > 0 ? fields : ['resource'],
      });
    }
  }
  for (const t of theirs) {
    if (mine.has(t.resource.telephoneNumber)) continue;
    differences.push({
      resource: 'number',
      telephoneNumber: t.resource.telephoneNumber,
      accountName: t.accountName,
      kind: 'unexpected_in_backend',
      fields: [],
      observed: null,
      actual: t,
      known: false,
    });
  }
  return differences.sort(byNumber);
}

/**
 * The holding the audit records as observed for a number ACG lists: its
 * account and resource; the consent tenant is kept from what we observed
 * before (it is not an ACG field), none when we observed nothing.
 */
export function observedFromListed(listed: ListedAcgNumber, before: AcgNumberHolding | null): AcgNumberHolding {
  return { accountName: listed.accountName, consentTenantId: before?.consentTenantId ?? null, resource: listed.resource };
}

// Accounts

/** The read-only part of an AccountResource the audit compares. */
export interface AcgAccountReadOnly {
  readonly serviceProvisioningStatus: string | undefined;
  /** serviceDetails.teamsDirectRouting.subdomainStatus. */
  readonly subdomainStatus: string | undefined;
  /** serviceDetails.<service>.numberCount, per service ACG reports one for. */
  readonly numberCounts: Readonly<Partial<Record<AcgNumberService, number>>>;
}

/** An account as ACG answers it (Accounts_Get, Accounts_List): its writable part and what the audit reads of the rest. */
export interface ListedAcgAccount {
  readonly name: string;
  readonly body: AcgAccountBody;
  readonly readOnly: AcgAccountReadOnly;
}

const syncedFromWire = (value: unknown): { enabled: boolean; syncEnabled: boolean } | undefined => {
  const d = record(value);
  return d ? { enabled: d.enabled === true, syncEnabled: d.syncEnabled === true } : undefined;
};

/**
 * The writable part of an AccountResource as ACG answers it, in
 * acgAccountBody's form: read-only properties (serviceProvisioningStatus,
 * serviceProvisioningErrors, every numberCount, subdomainStatus) and
 * undeclared ones dropped; teamsTenantId in lower case, as we store it.
 * Throws a TypeError when the answer has no name.
 */
export function acgAccountFromWire(wire: unknown): AcgAccountBody {
  const w = record(wire);
  const name = text(w?.name);
  if (!w || name === undefined) throw new TypeError('acgAccountFromWire: an AccountResource without name');
  const sd = record(w.serviceDetails) ?? {};
  const tenant = text(sd.teamsTenantId);
  const oc = syncedFromWire(sd.teamsOperatorConnect);
  const drWire = record(sd.teamsDirectRouting);
  const dr = syncedFromWire(drWire);
  const drConfig = record(drWire?.configuration);
  const tokens = record(drConfig?.subdomainTokens);
  const tpm = syncedFromWire(sd.teamsPhoneMobile);
  const zoom = syncedFromWire(sd.zoomPhoneCloudPeering);
  const aocp = record(sd.azureOperatorCallProtection);
  const correlationId = text(w.correlationId);
  const serviceDetails: AcgAccountServiceDetails = {
    ...(tenant !== undefined ? { teamsTenantId: tenant.toLowerCase() } : {}),
    ...(oc ? { teamsOperatorConnect: oc } : {}),
    ...(dr
      ? {
          teamsDirectRouting: {
            ...dr,
            ...(drConfig
              ? {
                  configuration: {
                    callScreening: drConfig.callScreening === true,
                    subdomain: text(drConfig.subdomain) ?? '',
                    subdomainTokens: { region1Token: text(tokens?.region1Token) ?? '', region2Token: text(tokens?.region2Token) ?? '' },
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(tpm ? { teamsPhoneMobile: tpm } : {}),
    ...(zoom ? { zoomPhoneCloudPeering: zoom } : {}),
    ...(aocp ? { azureOperatorCallProtection: { enabled: aocp.enabled === true } } : {}),
  };
  return { name, ...(correlationId !== undefined ? { correlationId } : {}), serviceDetails };
}

/** An AccountResource answer, split into what is compared with our desired body and what is read-only. */
export function listedAcgAccount(wire: unknown): ListedAcgAccount {
  const body = acgAccountFromWire(wire);
  const w = record(wire) ?? {};
  const sd = record(w.serviceDetails) ?? {};
  const numberCounts: Partial<Record<AcgNumberService, number>> = {};
  for (const service of ACG_NUMBER_SERVICES) {
    const count = record(sd[service])?.numberCount;
    if (typeof count === 'number') numberCounts[service] = count;
  }
  return {
    name: body.name,
    body,
    readOnly: {
      serviceProvisioningStatus: text(w.serviceProvisioningStatus),
      subdomainStatus: text(record(sd.teamsDirectRouting)?.subdomainStatus),
      numberCounts,
    },
  };
}

/** One of our accounts as the audit reads it. */
export interface OurAcgAccount {
  readonly name: string;
  /** acgAccountBody of the accounts row; null: the account is deleted (ACG must not hold it). */
  readonly desired: AcgAccountBody | null;
  /** The account sync has not finished with the account's latest order (synced_order_id ≠ last_order_id): left out. */
  readonly inFlight: boolean;
  /**
   * Our live numbers per service (numbers not deleted that enable it), to
   * compare with ACG's numberCount; null: not compared (numbers of the
   * account have work open, so the counts may differ for now).
   */
  readonly liveNumberCounts: Readonly<Partial<Record<AcgNumberService, number>>> | null;
}

export type AcgAccountDifferenceKind =
  | 'missing_in_backend'
  | 'unexpected_in_backend'
  | 'settings_differ'
  | 'subdomain_not_provisioned'
  | 'number_count_differs';

export interface AcgAccountDifference {
  readonly resource: 'account';
  readonly accountName: string;
  readonly kind: AcgAccountDifferenceKind;
  /** settings_differ: the writable fields that differ, e.g. correlationId, serviceDetails.teamsDirectRouting.configuration.callScreening. */
  readonly fields: readonly string[];
  /** subdomain_not_provisioned: ACG's subdomainStatus (notProvisioned, inconsistent; absent when it reports none). */
  readonly subdomainStatus?: string;
  /** number_count_differs: the service, our live numbers and ACG's numberCount. */
  readonly numberCount?: { readonly service: AcgNumberService; readonly ours: number; readonly backend: number };
  /** We have an accounts row for it (an unknown account is reported, never repaired). */
  readonly known: boolean;
}

export interface CompareAcgAccountsOptions {
  /** `theirs` is every account ACG holds (Accounts_List): an account ACG holds that we do not know is reported. */
  readonly complete: boolean;
}

/** Report kinds a re-PUT (or DELETE) of the account by the account sync repairs. */
export const REPAIRABLE_ACCOUNT_KINDS: ReadonlySet<AcgAccountDifferenceKind> = new Set([
  'missing_in_backend',
  'unexpected_in_backend',
  'settings_differ',
]);

/**
 * Compares our accounts (their desired AccountResource) with ACG's: missing,
 * unexpected, writable settings field by field; a Direct Routing subdomain
 * we configure that ACG reports notProvisioned or inconsistent (not while ACG
 * is still provisioning the account); and ACG's numberCount per service
 * against our live numbers. Sorted by account, then kind.
 */
export function compareAcgAccounts(
  ours: readonly OurAcgAccount[],
  theirs: readonly ListedAcgAccount[],
  options: CompareAcgAccountsOptions,
): AcgAccountDifference[] {
  const held = new Map(theirs.map((a) => [a.name, a]));
  const known = new Set(ours.map((a) => a.name));
  const differences: AcgAccountDifference[] = [];
  for (const a of ours) {
    if (a.inFlight) continue;
    const actual = held.get(a.name);
    const base = { resource: 'account' as const, accountName: a.name, known: true, fields: [] as string[] };
    if (a.desired === null) {
      if (actual) differences.push({ ...base, kind: 'unexpected_in_backend' });
      continue;
    }
    if (!actual) {
      differences.push({ ...base, kind: 'missing_in_backend' });
      continue;
    }
    const fields: string[] = [];
    differingPaths(a.desired, actual.body, '', fields);
    if (fields.length > 0) differences.push({ ...base, kind: 'settings_differ', fields });
    const subdomain = a.desired.serviceDetails.teamsDirectRouting?.configuration?.subdomain;
    const status = actual.readOnly.subdomainStatus;
    if (subdomain !== undefined && actual.readOnly.serviceProvisioningStatus !== 'pending' && status !== 'provisioned') {
      differences.push({ ...base, kind: 'subdomain_not_provisioned', ...(status !== undefined ? { subdomainStatus: status } : {}) });
    }
    if (a.liveNumberCounts !== null) {
      for (const service of ACG_NUMBER_SERVICES) {
        const backend = actual.readOnly.numberCounts[service];
        // A service block ACG does not hold has no count: settings_differ says so already.
        if (backend === undefined) continue;
        const mine = a.liveNumberCounts[service] ?? 0;
        if (mine !== backend) differences.push({ ...base, kind: 'number_count_differs', numberCount: { service, ours: mine, backend } });
      }
    }
  }
  if (options.complete) {
    for (const t of theirs)
      if (!known.has(t.name))
        differences.push({ resource: 'account', accountName: t.name, kind: 'unexpected_in_backend', fields: [], known: false });
  }
  return differences.sort((x, y) => (x.accountName < y.accountName ? -1 : x.accountName > y.accountName ? 1 : 0));
}
