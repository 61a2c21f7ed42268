import { canonicalJson } from '../order/canonical-json.js';
import type {
  AccountServiceDetailsSpec,
  ChoosableCapability,
  NumberServiceDetailsSpec,
  NumberUsage,
  TeamsNumberConfigSpec,
} from '../order/order.js';
import type { FlowThroughService } from '../order-state/initial-item-state.js';

/** A number's configuration as the backend takes it (upload and update bodies, number status). */
export interface BackendConfiguration {
  readonly usage: NumberUsage;
  readonly choosableCapabilities: readonly ChoosableCapability[];
  readonly additionalUsages?: readonly NumberUsage[];
  readonly civicAddressId?: string;
  readonly locationId?: string;
  readonly allowTenantAddressUpdate?: boolean;
  readonly displayedCountryCode?: string;
}

/** What the backend holds (observed) or should hold (desired) for one number on one service. */
export interface Association {
  readonly tenantId: string;
  readonly teamsPhoneMobile: boolean;
  readonly configuration: BackendConfiguration;
}

/** Observed association as stored in numbers.observed, with where it came from. */
export interface ObservedAssociation extends Association {
  readonly remoteOrderId?: string | null;
  readonly at?: string;
}

export interface DesiredFacts {
  readonly number: { readonly serviceDetails: NumberServiceDetailsSpec; readonly deleted: boolean } | null;
  readonly account: {
    readonly teamsTenantId: string | null;
    readonly serviceDetails: AccountServiceDetailsSpec;
    readonly deleted: boolean;
  } | null;
}

export interface Desired {
  /** false: the account does not sync this service; the operator manages it in Microsoft's portal. */
  readonly managed: boolean;
  readonly association: Association | null;
}

/**
 * The default configuration of a number enabled without one: a user number
 * with inbound and outbound calling (plus Mobile on Teams Phone Mobile).
 */
function defaultConfiguration(service: FlowThroughService): BackendConfiguration {
  const capabilities: ChoosableCapability[] = ['InboundCalling', 'OutboundCalling'];
  if (service === 'teamsPhoneMobile') capabilities.push('Mobile');
  return { usage: 'CallingUserAssignment', choosableCapabilities: capabilities };
}

/** The backend form of a desired configuration: absent optional fields left out, allowTenantAddressUpdate false omitted. */
export function backendConfiguration(
  spec: TeamsNumberConfigSpec | BackendConfiguration | null | undefined,
  service: FlowThroughService,
): BackendConfiguration {
  if (!spec) return defaultConfiguration(service);
  return {
    usage: spec.usage,
    choosableCapabilities: [...spec.choosableCapabilities],
    ...(spec.additionalUsages !== undefined && spec.additionalUsages.length > 0 ? { additionalUsages: [...spec.additionalUsages] } : {}),
    ...(spec.civicAddressId !== undefined ? { civicAddressId: spec.civicAddressId } : {}),
    ...(spec.locationId !== undefined ? { locationId: spec.locationId } : {}),
    ...(spec.allowTenantAddressUpdate === true ? { allowTenantAddressUpdate: true } : {}),
    ...(spec.displayedCountryCode !== undefined ? { displayedCountryCode: spec.displayedCountryCode } : {}),
  };
}

/** What the backend should hold for a number on a service, from the desired state. */
export function desiredAssociation(facts: DesiredFacts, service: FlowThroughService): Desired {
  const { number, account } = facts;
  const managed = account?.serviceDetails[service]?.syncEnabled === true;
  if (!number || number.deleted || !account || account.deleted || !account.teamsTenantId) return { managed, association: null };
  const details = number.serviceDetails[service];
  if (details?.enabled !== true) return { managed, association: null };
  return {
    managed,
    association: {
      tenantId: account.teamsTenantId,
      teamsPhoneMobile: service === 'teamsPhoneMobile',
      configuration: backendConfiguration(details.configuration, service),
    },
  };
}

/** Order-insensitive comparison of capability and usage lists; optional fields compared as the backend form. */
export function configurationKey(configuration: BackendConfiguration, service: FlowThroughService): string {
  const c = backendConfiguration(configuration, service);
  return canonicalJson({
    ...c,
    choosableCapabilities: [...c.choosableCapabilities].sort(),
    ...(c.additionalUsages ? { additionalUsages: [...c.additionalUsages].sort() } : {}),
  });
}

export function sameAssociation(a: Association | null, b: Association | null, service: FlowThroughService): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.tenantId === b.tenantId &&
    a.teamsPhoneMobile === b.teamsPhoneMobile &&
    configurationKey(a.configuration, service) === configurationKey(b.configuration, service)
  );
}
