import type {
  AccountServiceDetailsSpec,
  AccountSpec,
  AssignmentStatus,
  ChoosableCapability,
  CustomerRelationshipStatus,
  DirectRoutingServiceSpec,
  NumberServiceDetailsSpec,
  NumberSpec,
  NumberUsage,
  Order,
  OrderItem,
  SyncedServiceSpec,
  TeamsNumberConfigSpec,
  TeamsNumberServiceSpec,
  Warning,
} from './order.js';

/**
 * Builds the typed Order from data that schemas/order.v1.json has accepted:
 * one pass, one copy, picking the writable fields by name (the schema allows
 * no others), applying the schema's defaults, writing tenant GUIDs in lower
 * case and turning every read-only field into a warning instead of dropping
 * it silently.
 */

// The shapes the schema guarantees, read-only fields included (typed loosely: they are only detected).
interface WireSynced {
  enabled: boolean;
  syncEnabled: boolean;
  numberCount?: unknown;
}
interface WireDirectRouting extends WireSynced {
  configuration?: DirectRoutingServiceSpec['configuration'];
  subdomainStatus?: unknown;
}
interface WireAccount {
  name: string;
  correlationId?: string;
  serviceDetails?: {
    teamsTenantId?: string;
    teamsOperatorConnect?: WireSynced;
    teamsDirectRouting?: WireDirectRouting;
    teamsPhoneMobile?: WireSynced;
    zoomPhoneCloudPeering?: WireSynced;
    azureOperatorCallProtection?: { enabled: boolean; numberCount?: unknown };
  };
}
interface WireTeamsConfig {
  usage: NumberUsage;
  choosableCapabilities: ChoosableCapability[];
  additionalUsages?: NumberUsage[];
  civicAddressId?: string;
  locationId?: string;
  allowTenantAddressUpdate?: boolean;
  displayedCountryCode?: string;
}
interface WireTeamsService {
  enabled: boolean;
  assignmentStatus?: AssignmentStatus;
  configuration?: WireTeamsConfig;
}
interface WireNumber {
  telephoneNumber: string;
  serviceDetails: {
    teamsOperatorConnect?: WireTeamsService;
    teamsDirectRouting?: { enabled: boolean };
    teamsPhoneMobile?: WireTeamsService;
    zoomPhoneCloudPeering?: { enabled: boolean };
    azureOperatorCallProtection?: { enabled: boolean };
  };
  configuration?: { customSipHeader?: string };
}
interface WireItem {
  id: string;
  action: OrderItem['action'];
  resource: OrderItem['resource'];
  account?: WireAccount;
  deleteNumbers?: boolean;
  numbers?: (WireNumber | { telephoneNumber: string })[];
  tenantId?: string;
  consent?: { customerRelationship: { status: CustomerRelationshipStatus; comment?: string } };
}
interface WireOrder {
  orderId: string;
  account: string;
  requestedAt: string;
  items: WireItem[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Detailed warnings kept per record; beyond this one summary says how many more. */
export const MAX_WARNINGS = 100;

class Warnings {
  readonly list: Warning[] = [];
  private truncated = 0;

  readOnly(wire: object, path: string, fields: readonly string[]): void {
    for (const field of fields) {
      if (!(field in wire)) continue;
      if (this.list.length < MAX_WARNINGS) {
        this.list.push({
          code: 'read_only_field_ignored',
          path: `${path}/${field}`,
          message: `read-only field "${field}" ignored: the API reports it, an order cannot set it`,
        });
      } else {
        this.truncated++;
      }
    }
  }

  result(): Warning[] {
    if (this.truncated === 0) return this.list;
    return [
      ...this.list,
      {
        code: 'warnings_truncated',
        path: '',
        message: `${this.truncated} more read-only fields ignored (only the first ${MAX_WARNINGS} are listed)`,
      },
    ];
  }
}

const RESOURCE_READ_ONLY = ['serviceProvisioningStatus', 'serviceProvisioningErrors'] as const;
const COUNT_READ_ONLY = ['numberCount'] as const;
const DIRECT_ROUTING_READ_ONLY = ['numberCount', 'subdomainStatus'] as const;
const CONFIG_READ_ONLY = ['acquiredCapabilities', 'availableCapabilities'] as const;
const RELATIONSHIP_READ_ONLY = ['lastModifiedOn'] as const;

function synced(wire: WireSynced, path: string, warnings: Warnings): SyncedServiceSpec {
  warnings.readOnly(wire, path, COUNT_READ_ONLY);
  return { enabled: wire.enabled, syncEnabled: wire.syncEnabled };
}

function directRouting(wire: WireDirectRouting, path: string, warnings: Warnings): DirectRoutingServiceSpec {
  warnings.readOnly(wire, path, DIRECT_ROUTING_READ_ONLY);
  const spec: Mutable<DirectRoutingServiceSpec> = { enabled: wire.enabled, syncEnabled: wire.syncEnabled };
  if (wire.configuration !== undefined) {
    const { callScreening, subdomain, subdomainTokens } = wire.configuration;
    spec.configuration = {
      callScreening,
      subdomain,
      subdomainTokens: { region1Token: subdomainTokens.region1Token, region2Token: subdomainTokens.region2Token },
    };
  }
  return spec;
}

function accountSpec(wire: WireAccount, path: string, warnings: Warnings): AccountSpec {
  warnings.readOnly(wire, path, RESOURCE_READ_ONLY);
  const spec: Mutable<AccountSpec> = { name: wire.name };
  if (wire.correlationId !== undefined) spec.correlationId = wire.correlationId;
  const services = wire.serviceDetails;
  if (services !== undefined) {
    const at = `${path}/serviceDetails`;
    const details: Mutable<AccountServiceDetailsSpec> = {};
    // GUIDs are case-insensitive: one spelling, so the same tenant compares (and fingerprints) equal.
    if (services.teamsTenantId !== undefined) details.teamsTenantId = services.teamsTenantId.toLowerCase();
    if (services.teamsOperatorConnect)
      details.teamsOperatorConnect = synced(services.teamsOperatorConnect, `${at}/teamsOperatorConnect`, warnings);
    if (services.teamsDirectRouting)
      details.teamsDirectRouting = directRouting(services.teamsDirectRouting, `${at}/teamsDirectRouting`, warnings);
    if (services.teamsPhoneMobile) details.teamsPhoneMobile = synced(services.teamsPhoneMobile, `${at}/teamsPhoneMobile`, warnings);
    if (services.zoomPhoneCloudPeering)
      details.zoomPhoneCloudPeering = synced(services.zoomPhoneCloudPeering, `${at}/zoomPhoneCloudPeering`, warnings);
    if (services.azureOperatorCallProtection) {
      warnings.readOnly(services.azureOperatorCallProtection, `${at}/azureOperatorCallProtection`, COUNT_READ_ONLY);
      details.azureOperatorCallProtection = { enabled: services.azureOperatorCallProtection.enabled };
    }
    spec.serviceDetails = details;
  }
  return spec;
}

function teamsService(wire: WireTeamsService, path: string, warnings: Warnings): TeamsNumberServiceSpec {
  const spec: Mutable<TeamsNumberServiceSpec> = { enabled: wire.enabled };
  if (wire.assignmentStatus !== undefined) spec.assignmentStatus = wire.assignmentStatus;
  const config = wire.configuration;
  if (config !== undefined) {
    warnings.readOnly(config, `${path}/configuration`, CONFIG_READ_ONLY);
    const out: Mutable<TeamsNumberConfigSpec> = {
      usage: config.usage,
      choosableCapabilities: [...config.choosableCapabilities],
      allowTenantAddressUpdate: config.allowTenantAddressUpdate ?? false,
    };
    if (config.additionalUsages !== undefined) out.additionalUsages = [...config.additionalUsages];
    if (config.civicAddressId !== undefined) out.civicAddressId = config.civicAddressId;
    if (config.locationId !== undefined) out.locationId = config.locationId;
    if (config.displayedCountryCode !== undefined) out.displayedCountryCode = config.displayedCountryCode;
    spec.configuration = out;
  }
  return spec;
}

function numberSpec(wire: WireNumber, path: string, warnings: Warnings): NumberSpec {
  warnings.readOnly(wire, path, RESOURCE_READ_ONLY);
  const services = wire.serviceDetails;
  const at = `${path}/serviceDetails`;
  const details: Mutable<NumberServiceDetailsSpec> = {};
  if (services.teamsOperatorConnect)
    details.teamsOperatorConnect = teamsService(services.teamsOperatorConnect, `${at}/teamsOperatorConnect`, warnings);
  if (services.teamsDirectRouting) details.teamsDirectRouting = { enabled: services.teamsDirectRouting.enabled };
  if (services.teamsPhoneMobile) details.teamsPhoneMobile = teamsService(services.teamsPhoneMobile, `${at}/teamsPhoneMobile`, warnings);
  if (services.zoomPhoneCloudPeering) details.zoomPhoneCloudPeering = { enabled: services.zoomPhoneCloudPeering.enabled };
  if (services.azureOperatorCallProtection) details.azureOperatorCallProtection = { enabled: services.azureOperatorCallProtection.enabled };
  const spec: Mutable<NumberSpec> = { telephoneNumber: wire.telephoneNumber, serviceDetails: details };
  if (wire.configuration !== undefined) {
    spec.configuration = wire.configuration.customSipHeader === undefined ? {} : { customSipHeader: wire.configuration.customSipHeader };
  }
  return spec;
}

function item(wire: WireItem, path: string, warnings: Warnings): OrderItem {
  const { id } = wire;
  const kind = `${wire.action} ${wire.resource}`;
  switch (kind) {
    case 'upsert account':
      return { id, action: 'upsert', resource: 'account', account: accountSpec(wire.account as WireAccount, `${path}/account`, warnings) };
    case 'delete account':
      return { id, action: 'delete', resource: 'account', deleteNumbers: wire.deleteNumbers ?? false };
    case 'upsert numbers': {
      const numbers = wire.numbers as WireNumber[];
      const specs: NumberSpec[] = new Array<NumberSpec>(numbers.length);
      for (let j = 0; j < numbers.length; j++) specs[j] = numberSpec(numbers[j] as WireNumber, `${path}/numbers/${j}`, warnings);
      return { id, action: 'upsert', resource: 'numbers', numbers: specs };
    }
    case 'delete numbers':
      return {
        id,
        action: 'delete',
        resource: 'numbers',
        numbers: (wire.numbers ?? []).map((n) => ({ telephoneNumber: n.telephoneNumber })),
      };
    case 'update consent': {
      const wireRelationship = (wire.consent as NonNullable<WireItem['consent']>).customerRelationship;
      warnings.readOnly(wireRelationship, `${path}/consent/customerRelationship`, RELATIONSHIP_READ_ONLY);
      const customerRelationship =
        wireRelationship.comment === undefined
          ? { status: wireRelationship.status }
          : { status: wireRelationship.status, comment: wireRelationship.comment };
      // Lower case as teamsTenantId: the consent and the account name the same tenant in one spelling.
      return {
        id,
        action: 'update',
        resource: 'consent',
        tenantId: (wire.tenantId as string).toLowerCase(),
        consent: { customerRelationship },
      };
    }
    default:
      // Unreachable after schema validation; a loud failure beats a silently wrong order.
      throw new TypeError(`normaliseOrder: unexpected item kind "${kind}" at ${path}; validate against schemas/order.v1.json first`);
  }
}

/** The typed, normalised order and the read-only fields it ignored. Input must have passed the schema. */
export function normaliseOrder(data: unknown): { order: Order; warnings: Warning[] } {
  const wire = data as WireOrder;
  const warnings = new Warnings();
  const items: OrderItem[] = new Array<OrderItem>(wire.items.length);
  for (let i = 0; i < wire.items.length; i++) items[i] = item(wire.items[i] as WireItem, `/items/${i}`, warnings);
  return {
    order: { orderId: wire.orderId, account: wire.account, requestedAt: wire.requestedAt, items },
    warnings: warnings.result(),
  };
}
