import { canonicalJson } from '../order/canonical-json.js';
import type { AccountServiceDetailsSpec, NumberServiceDetailsSpec, TeamsNumberServiceSpec } from '../order/order.js';
import type { FlowThroughService } from '../order-state/initial-item-state.js';
import { backendConfiguration } from '../reconcile/association.js';

/**
 * One NumberResource as POST /accounts/{accountName}:createOrUpdateNumbers
 * takes it (ACG Provisioning API 2024-02-29-preview), writable properties
 * only: docs/acg-provisioning-api.md §3, 24 properties. Each resource is the
 * number's whole desired configuration (create-or-replace). An absent service
 * block is not sent. Usages and capabilities are free strings on the wire
 * (closed enums only in our order schema), so what ACG holds may carry values
 * our orders cannot.
 */
export interface AcgNumberBody {
  /** §3 #1, E.164. */
  readonly telephoneNumber: string;
  /** §3 #2; also the {accountName} path segment of the batch. */
  readonly accountName: string;
  readonly serviceDetails: AcgNumberServiceDetails;
  /** §3 #24: present only with a custom SIP header. */
  readonly configuration?: { readonly customSipHeader: string };
}

export interface AcgNumberServiceDetails {
  /** §3 #3–#11. */
  readonly teamsOperatorConnect?: AcgTeamsNumberDetails;
  /** §3 #12. */
  readonly teamsDirectRouting?: { readonly enabled: boolean };
  /** §3 #13–#21. */
  readonly teamsPhoneMobile?: AcgTeamsNumberDetails;
  /** §3 #22. */
  readonly zoomPhoneCloudPeering?: { readonly enabled: boolean };
  /** §3 #23. */
  readonly azureOperatorCallProtection?: { readonly enabled: boolean };
}

export interface AcgTeamsNumberDetails {
  readonly enabled: boolean;
  /** 'assigned' | 'unassigned', sent when present. */
  readonly assignmentStatus?: string;
  readonly configuration?: AcgTeamsNumberConfig;
}

/**
 * TeamsOperatorConnectNumberConfig / TeamsPhoneMobileNumberConfig without the
 * read-only capability lists, in the form backendConfiguration() gives:
 * absent optional fields left out, an empty additionalUsages left out,
 * allowTenantAddressUpdate only when true.
 */
export interface AcgTeamsNumberConfig {
  readonly usage: string;
  readonly choosableCapabilities: readonly string[];
  readonly additionalUsages?: readonly string[];
  readonly civicAddressId?: string;
  readonly locationId?: string;
  /** Only ever true: false is the swagger's default and is left out. */
  readonly allowTenantAddressUpdate?: boolean;
  readonly displayedCountryCode?: string;
}

/** What ACG holds (observed) or should hold (desired) for one number. */
export interface AcgNumberHolding {
  readonly accountName: string;
  /**
   * The account's Teams tenant when ACG syncs this number to Microsoft (the
   * number enables Operator Connect or Teams Phone Mobile and the account has
   * that service's syncEnabled), which needs the tenant's consent; else null.
   * Not an ACG field: sameAcgNumber does not compare it.
   */
  readonly consentTenantId: string | null;
  readonly resource: AcgNumberBody;
}

/** The number as stored: numbers.telephone_number, service_details, custom_sip_header. */
export interface AcgNumberFacts {
  readonly telephoneNumber: string;
  readonly serviceDetails: NumberServiceDetailsSpec;
  readonly customSipHeader: string | null;
}

export interface AcgDesiredNumberFacts {
  readonly number: (AcgNumberFacts & { readonly deleted: boolean }) | null;
  readonly account: {
    readonly name: string;
    readonly teamsTenantId: string | null;
    readonly serviceDetails: AccountServiceDetailsSpec;
    readonly deleted: boolean;
  } | null;
}

/** The services a NumberResource can enable, in the swagger's order. */
export const ACG_NUMBER_SERVICES = [
  'teamsOperatorConnect',
  'teamsDirectRouting',
  'teamsPhoneMobile',
  'zoomPhoneCloudPeering',
  'azureOperatorCallProtection',
] as const;

export type AcgNumberService = (typeof ACG_NUMBER_SERVICES)[number];

const TEAMS_SYNCED_SERVICES: readonly FlowThroughService[] = ['teamsOperatorConnect', 'teamsPhoneMobile'];

/**
 * The Teams block of a number: the configuration as given, or, when the
 * service is enabled without one, the same default the Operator Connect direct
 * backend uploads (docs §8 item 4). A disabled block without configuration
 * carries none.
 */
function teamsDetails(spec: TeamsNumberServiceSpec, service: FlowThroughService): AcgTeamsNumberDetails {
  const configuration: AcgTeamsNumberConfig | undefined =
    spec.configuration || spec.enabled ? backendConfiguration(spec.configuration, service) : undefined;
  return {
    enabled: spec.enabled,
    ...(spec.assignmentStatus !== undefined ? { assignmentStatus: spec.assignmentStatus } : {}),
    ...(configuration ? { configuration } : {}),
  };
}

/** The NumberResource for one stored number of `accountName`, as sent in createOrUpdateNumbers (§3). */
export function acgNumberBody(accountName: string, number: AcgNumberFacts): AcgNumberBody {
  const sd = number.serviceDetails;
  return {
    telephoneNumber: number.telephoneNumber,
    accountName,
    serviceDetails: {
      ...(sd.teamsOperatorConnect ? { teamsOperatorConnect: teamsDetails(sd.teamsOperatorConnect, 'teamsOperatorConnect') } : {}),
      ...(sd.teamsDirectRouting ? { teamsDirectRouting: { enabled: sd.teamsDirectRouting.enabled } } : {}),
      ...(sd.teamsPhoneMobile ? { teamsPhoneMobile: teamsDetails(sd.teamsPhoneMobile, 'teamsPhoneMobile') } : {}),
      ...(sd.zoomPhoneCloudPeering ? { zoomPhoneCloudPeering: { enabled: sd.zoomPhoneCloudPeering.enabled } } : {}),
      ...(sd.azureOperatorCallProtection ? { azureOperatorCallProtection: { enabled: sd.azureOperatorCallProtection.enabled } } : {}),
    },
    ...(number.customSipHeader !== null ? { configuration: { customSipHeader: number.customSipHeader } } : {}),
  };
}

/**
 * What ACG should hold for a number: null when the number or its account is
 * missing or deleted (the number must then not be in ACG).
 */
export function desiredAcgNumber(facts: AcgDesiredNumberFacts): AcgNumberHolding | null {
  const { number, account } = facts;
  if (!number || number.deleted || !account || account.deleted) return null;
  const syncedToMicrosoft = TEAMS_SYNCED_SERVICES.some(
    (service) => number.serviceDetails[service]?.enabled === true && account.serviceDetails[service]?.syncEnabled === true,
  );
  return {
    accountName: account.name,
    consentTenantId: syncedToMicrosoft ? account.teamsTenantId : null,
    resource: acgNumberBody(account.name, number),
  };
}

type Json = Readonly<Record<string, unknown>>;

const record = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function configFromWire(value: unknown): AcgTeamsNumberConfig | undefined {
  const c = record(value);
  if (!c) return undefined;
  const additionalUsages = texts(c.additionalUsages);
  const civicAddressId = text(c.civicAddressId);
  const locationId = text(c.locationId);
  const displayedCountryCode = text(c.displayedCountryCode);
  return {
    usage: text(c.usage) ?? '',
    choosableCapabilities: texts(c.choosableCapabilities),
    ...(additionalUsages.length > 0 ? { additionalUsages } : {}),
    ...(civicAddressId !== undefined ? { civicAddressId } : {}),
    ...(locationId !== undefined ? { locationId } : {}),
    ...(c.allowTenantAddressUpdate === true ? { allowTenantAddressUpdate: true } : {}),
    ...(displayedCountryCode !== undefined ? { displayedCountryCode } : {}),
  };
}

function teamsFromWire(value: unknown): AcgTeamsNumberDetails | undefined {
  const d = record(value);
  if (!d) return undefined;
  const assignmentStatus = text(d.assignmentStatus);
  const configuration = configFromWire(d.configuration);
  return {
    enabled: d.enabled === true,
    ...(assignmentStatus !== undefined ? { assignmentStatus } : {}),
    ...(configuration ? { configuration } : {}),
  };
}

function enabledFromWire(value: unknown): { readonly enabled: boolean } | undefined {
  const d = record(value);
  return d ? { enabled: d.enabled === true } : undefined;
}

/**
 * The writable part of a NumberResource as ACG answers it (Accounts_ListNumbers,
 * ListNumbers, the batch echo), in the builder's form, for the drift audit:
 * read-only properties (serviceProvisioningStatus, serviceProvisioningErrors,
 * acquiredCapabilities, availableCapabilities) and undeclared ones are
 * dropped, allowTenantAddressUpdate false and an empty additionalUsages are
 * left out, as is an empty number configuration. accountName is the account
 * the number was listed under, not read from the answer. Throws a TypeError
 * when the answer has no telephoneNumber.
 */
export function acgNumberFromWire(accountName: string, wire: unknown): AcgNumberBody {
  const w = record(wire);
  const telephoneNumber = text(w?.telephoneNumber);
  if (!w || telephoneNumber === undefined) throw new TypeError('acgNumberFromWire: a NumberResource without telephoneNumber');
  const sd = record(w.serviceDetails) ?? {};
  const oc = teamsFromWire(sd.teamsOperatorConnect);
  const dr = enabledFromWire(sd.teamsDirectRouting);
  const tpm = teamsFromWire(sd.teamsPhoneMobile);
  const zoom = enabledFromWire(sd.zoomPhoneCloudPeering);
  const aocp = enabledFromWire(sd.azureOperatorCallProtection);
  const customSipHeader = text(record(w.configuration)?.customSipHeader);
  return {
    telephoneNumber,
    accountName,
    serviceDetails: {
      ...(oc ? { teamsOperatorConnect: oc } : {}),
      ...(dr ? { teamsDirectRouting: dr } : {}),
      ...(tpm ? { teamsPhoneMobile: tpm } : {}),
      ...(zoom ? { zoomPhoneCloudPeering: zoom } : {}),
      ...(aocp ? { azureOperatorCallProtection: aocp } : {}),
    },
    ...(customSipHeader !== undefined ? { configuration: { customSipHeader } } : {}),
  };
}

/** A resource's comparison key: the normal form, with capability and usage lists sorted. */
function numberKey(body: AcgNumberBody): string {
  const normal = acgNumberFromWire(body.accountName, body);
  const sorted = (details: AcgTeamsNumberDetails | undefined): AcgTeamsNumberDetails | undefined => {
    const c = details?.configuration;
    if (!details || !c) return details;
    return {
      ...details,
      configuration: {
        ...c,
        choosableCapabilities: [...c.choosableCapabilities].sort(),
        ...(c.additionalUsages ? { additionalUsages: [...c.additionalUsages].sort() } : {}),
      },
    };
  };
  return canonicalJson({
    ...normal,
    serviceDetails: {
      ...normal.serviceDetails,
      teamsOperatorConnect: sorted(normal.serviceDetails.teamsOperatorConnect),
      teamsPhoneMobile: sorted(normal.serviceDetails.teamsPhoneMobile),
    },
  });
}

/**
 * Whether two holdings are the same in ACG: same account and same resource,
 * choosableCapabilities and additionalUsages compared in any order. consentTenantId is not compared (it is not an ACG field).
 */
export function sameAcgNumber(a: AcgNumberHolding | null, b: AcgNumberHolding | null): boolean {
  if (a === null || b === null) return a === b;
  return a.accountName === b.accountName && numberKey(a.resource) === numberKey(b.resource);
}

/** The services a resource enables, in the swagger's order, e.g. ['teamsOperatorConnect', 'teamsDirectRouting']. */
export function acgServicesOf(body: AcgNumberBody): AcgNumberService[] {
  return ACG_NUMBER_SERVICES.filter((service) => body.serviceDetails[service]?.enabled === true);
}
