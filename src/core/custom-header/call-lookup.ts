import { decideCustomHeader, decidingParty, type Call, type CustomHeader, type CustomHeaderDecision } from './custom-header.js';

/**
 * What the call-time lookup knows of a provisioned number: one record shape
 * for the in-memory index (src/lookup) and for `flowthrough header`, which
 * reads the same record from PostgreSQL for one number.
 */
export interface LookupNumber {
  readonly telephoneNumber: string;
  readonly accountName: string;
  /** The services the number is enabled for, sorted (teamsOperatorConnect, teamsDirectRouting, …). */
  readonly services: readonly string[];
  /** Custom SIP header contents; null when none. */
  readonly customSipHeader: string | null;
}

/** What the lookup needs of the number's account: its Direct Routing subdomain label, if configured. */
export interface LookupAccount {
  readonly name: string;
  readonly directRoutingSubdomain: string | null;
}

export interface LookupRecord {
  readonly number: LookupNumber;
  /** null: the account row is gone or not read yet (the number still decides the header). */
  readonly account: LookupAccount | null;
}

/**
 * Where the operator's Direct Routing customer subdomains live. ACG forms one
 * per region: `<subdomain>.1r<region>.<base domain>` (the base domain is the
 * ACG resource's Domain; a lab deployment has one region).
 */
export interface DirectRoutingDomains {
  readonly baseDomain: string;
  readonly regions: number;
}

export const DIRECT_ROUTING_SERVICE = 'teamsDirectRouting';

export interface CallLookupAnswer {
  /** Whether the deciding number is provisioned (live in desired state). */
  readonly provisioned: boolean;
  readonly decidingParty: 'calling' | 'called';
  /** The deciding number, E.164. */
  readonly number: string;
  readonly header: CustomHeader | null;
  readonly reason: CustomHeaderDecision['reason'];
  readonly account: string | null;
  readonly services: readonly string[];
  /** Only when the number is enabled for Direct Routing and its account configures a subdomain. */
  readonly directRouting?: { readonly subdomain: string; readonly subdomainFqdns?: readonly string[] };
}

/** The per-region customer subdomain FQDNs of a Direct Routing subdomain label, region 1 first. */
export function directRoutingFqdns(subdomain: string, domains: DirectRoutingDomains): string[] {
  return Array.from({ length: domains.regions }, (_, i) => `${subdomain}.1r${i + 1}.${domains.baseDomain}`.toLowerCase());
}

/**
 * The FQDNs of each subdomain, made once per subdomain and settings: a
 * lookup answers thousands of calls a second for a few thousand accounts.
 */
const fqdnsBySettings = new WeakMap<DirectRoutingDomains, Map<string, readonly string[]>>();

function cachedFqdns(subdomain: string, domains: DirectRoutingDomains): readonly string[] {
  let bySubdomain = fqdnsBySettings.get(domains);
  if (bySubdomain === undefined) {
    bySubdomain = new Map();
    fqdnsBySettings.set(domains, bySubdomain);
  }
  let fqdns = bySubdomain.get(subdomain);
  if (fqdns === undefined) {
    fqdns = Object.freeze(directRoutingFqdns(subdomain, domains));
    bySubdomain.set(subdomain, fqdns);
  }
  return fqdns;
}

/**
 * Everything a session border controller needs for a call, by the one
 * custom-header rule (decideCustomHeader): the deciding number, the header,
 * the number's account and services and, for Direct Routing, the customer's
 * subdomain FQDNs (omitted when no base domain is configured). Throws
 * PermanentError `invalid_telephone_number` when the deciding number is not E.164.
 */
export function answerCall(
  call: Call,
  recordOf: (telephoneNumber: string) => LookupRecord | undefined,
  headerName: string,
  domains: DirectRoutingDomains | null,
): CallLookupAnswer {
  let record: LookupRecord | undefined;
  const decision = decideCustomHeader(
    call,
    (n) => {
      record = recordOf(n);
      return record === undefined ? undefined : record.number.customSipHeader;
    },
    headerName,
  );
  const decidingPartyOf = decidingParty(call.direction);
  if (record === undefined)
    return {
      provisioned: false,
      decidingParty: decidingPartyOf,
      number: decision.telephoneNumber,
      header: decision.header,
      reason: decision.reason,
      account: null,
      services: [],
    };
  const { number, account } = record;
  const subdomain = account?.directRoutingSubdomain ?? null;
  const answer = {
    provisioned: true,
    decidingParty: decidingPartyOf,
    number: decision.telephoneNumber,
    header: decision.header,
    reason: decision.reason,
    account: number.accountName,
    services: number.services,
  };
  if (subdomain === null || !number.services.includes(DIRECT_ROUTING_SERVICE)) return answer;
  const directRouting = domains === null ? { subdomain } : { subdomain, subdomainFqdns: cachedFqdns(subdomain, domains) };
  return { ...answer, directRouting };
}
