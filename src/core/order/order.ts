/**
 * A parsed, normalised order: what the intake persists and the reconciler
 * plans from. Field names are those of Azure Communications Gateway's
 * Provisioning API 2024-02-29-preview (schemas/order.v1.json is the wire
 * contract). Normalised means: schema defaults applied (deleteNumbers,
 * allowTenantAddressUpdate), read-only fields removed, and nothing else
 * invented — an absent service block stays absent, it does not mean
 * "disabled", because a create-or-replace must say what it wants.
 */

export type NumberUsage = 'CallingUserAssignment' | 'FirstPartyAppAssignment' | 'ConferenceAssignment';
export type ChoosableCapability = 'InboundCalling' | 'OutboundCalling' | 'Mobile';
export type AssignmentStatus = 'assigned' | 'unassigned';
export type CustomerRelationshipStatus =
  | 'ConsentAcknowledged'
  | 'CustomerContacted'
  | 'AgreementSigned'
  | 'ConsentDeclined'
  | 'ContractTerminated';

/** teamsOperatorConnect, teamsPhoneMobile and zoomPhoneCloudPeering on an account. */
export interface SyncedServiceSpec {
  readonly enabled: boolean;
  /** Whether changes flow through to the backend service (Operator Connect, Zoom). */
  readonly syncEnabled: boolean;
}

export interface DirectRoutingConfigSpec {
  readonly callScreening: boolean;
  /** Enterprise-specific DNS label, 1–10 characters. */
  readonly subdomain: string;
  readonly subdomainTokens: { readonly region1Token: string; readonly region2Token: string };
}

export interface DirectRoutingServiceSpec extends SyncedServiceSpec {
  readonly configuration?: DirectRoutingConfigSpec;
}

export interface AccountServiceDetailsSpec {
  /** GUID, in lower case; cannot change while Operator Connect or Teams Phone Mobile numbers exist (checked against state, not here). */
  readonly teamsTenantId?: string;
  readonly teamsOperatorConnect?: SyncedServiceSpec;
  readonly teamsDirectRouting?: DirectRoutingServiceSpec;
  readonly teamsPhoneMobile?: SyncedServiceSpec;
  readonly zoomPhoneCloudPeering?: SyncedServiceSpec;
  readonly azureOperatorCallProtection?: { readonly enabled: boolean };
}

/** AccountResource without its read-only fields. */
export interface AccountSpec {
  readonly name: string;
  readonly correlationId?: string;
  readonly serviceDetails?: AccountServiceDetailsSpec;
}

/** TeamsOperatorConnectNumberConfig / TeamsPhoneMobileNumberConfig without the read-only capability lists. */
export interface TeamsNumberConfigSpec {
  readonly usage: NumberUsage;
  readonly choosableCapabilities: readonly ChoosableCapability[];
  readonly additionalUsages?: readonly NumberUsage[];
  readonly civicAddressId?: string;
  readonly locationId?: string;
  /** Defaults to false, as in the API. */
  readonly allowTenantAddressUpdate: boolean;
  readonly displayedCountryCode?: string;
}

export interface TeamsNumberServiceSpec {
  readonly enabled: boolean;
  readonly assignmentStatus?: AssignmentStatus;
  readonly configuration?: TeamsNumberConfigSpec;
}

export interface NumberServiceDetailsSpec {
  readonly teamsOperatorConnect?: TeamsNumberServiceSpec;
  readonly teamsDirectRouting?: { readonly enabled: boolean };
  readonly teamsPhoneMobile?: TeamsNumberServiceSpec;
  readonly zoomPhoneCloudPeering?: { readonly enabled: boolean };
  readonly azureOperatorCallProtection?: { readonly enabled: boolean };
}

/**
 * NumberResource without its read-only fields and without accountName: a
 * number's account is always the order's account (checked by the rules).
 */
export interface NumberSpec {
  readonly telephoneNumber: string;
  readonly serviceDetails: NumberServiceDetailsSpec;
  readonly configuration?: { readonly customSipHeader?: string };
}

export interface AccountUpsertItem {
  readonly id: string;
  readonly action: 'upsert';
  readonly resource: 'account';
  readonly account: AccountSpec;
}

export interface AccountDeleteItem {
  readonly id: string;
  readonly action: 'delete';
  readonly resource: 'account';
  /** Without it, deleting an account that still has numbers fails (as in the API). */
  readonly deleteNumbers: boolean;
}

export interface NumbersUpsertItem {
  readonly id: string;
  readonly action: 'upsert';
  readonly resource: 'numbers';
  /** Create-or-replace: each entry is the number's whole desired configuration. */
  readonly numbers: readonly NumberSpec[];
}

export interface NumbersDeleteItem {
  readonly id: string;
  readonly action: 'delete';
  readonly resource: 'numbers';
  readonly numbers: readonly { readonly telephoneNumber: string }[];
}

export interface ConsentUpdateItem {
  readonly id: string;
  readonly action: 'update';
  readonly resource: 'consent';
  /** The Teams tenant whose consent (ACG "request for information") this updates: a GUID, in lower case. */
  readonly tenantId: string;
  readonly consent: {
    readonly customerRelationship: { readonly status: CustomerRelationshipStatus; readonly comment?: string };
  };
}

export type OrderItem = AccountUpsertItem | AccountDeleteItem | NumbersUpsertItem | NumbersDeleteItem | ConsentUpdateItem;

export interface Order {
  /** The BSS's idempotency key. */
  readonly orderId: string;
  readonly account: string;
  /** RFC 3339, as the BSS sent it. */
  readonly requestedAt: string;
  readonly items: readonly OrderItem[];
}

/** The closed list of reasons an order record is refused. */
export const VIOLATION_CODES = [
  'unparseable',
  'envelope_invalid',
  'schema_violation',
  'invalid_e164',
  'invalid_account_name',
  'invalid_subdomain',
  'invalid_subdomain_token',
  'invalid_custom_header',
  'custom_header_on_teams_phone_mobile',
  'mobile_capability_requires_teams_phone_mobile',
  'duplicate_number_in_order',
  'too_many_numbers',
  'account_mismatch',
  'duplicate_item_id',
  'consent_comment_required',
  'invalid_tenant_id',
  // Hostile or broken input (issue #9): refused before it can exhaust memory or the stack, or reach PostgreSQL.
  'too_large',
  'too_deep',
  'duplicate_json_key',
  'control_character',
  'invalid_unicode',
  'invalid_requested_at',
  'requested_at_in_future',
] as const;

export type ViolationCode = (typeof VIOLATION_CODES)[number];

export interface Violation {
  readonly code: ViolationCode;
  /**
   * Where: a JSON pointer into the order data ("" is the data itself) for
   * data problems; for envelope problems the header name (binary mode) or a
   * JSON pointer into the event (structured mode). duplicate_json_key and
   * too_deep are about the record's text, so theirs point into the record
   * value: the data in binary mode, the event in structured mode
   * ("/data/account"). Control characters and lone surrogates in paths and
   * messages are spelled as \uXXXX.
   */
  readonly path: string;
  readonly message: string;
}

export const WARNING_CODES = ['read_only_field_ignored', 'warnings_truncated'] as const;

export type WarningCode = (typeof WARNING_CODES)[number];

/** Something accepted but not acted on; the order still proceeds. */
export interface Warning {
  readonly code: WarningCode;
  readonly path: string;
  readonly message: string;
}
