/**
 * The modelled Operator Connect number-management contract as types: the JSON
 * the simulator speaks and a client can rely on. docs/operator-connect-api.md
 * is the prose version; the two change together. Microsoft does not publish
 * the operator-side reference, so names marked "modelled" there are ours.
 */

export const DEFAULT_API_VERSION = '2024-06-01';

/**
 * Paths relative to the base URL. A client keeps each one in configuration;
 * `{tenantId}`, `{telephoneNumber}` and `{orderId}` are placeholders.
 */
export const DEFAULT_PATHS = {
  consents: '/consents',
  consent: '/consents/{tenantId}',
  uploadOrders: '/tenants/{tenantId}/numberUploadOrders',
  releaseOrders: '/tenants/{tenantId}/numberReleaseOrders',
  updateOrders: '/tenants/{tenantId}/numberUpdateOrders',
  order: '/numberOrders/{orderId}',
  numbers: '/tenants/{tenantId}/numbers',
  number: '/tenants/{tenantId}/numbers/{telephoneNumber}',
} as const;

export type PathName = keyof typeof DEFAULT_PATHS;

export const CONSENT_STATUSES = ['active', 'suspended', 'removed'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const RELATIONSHIP_STATUSES = [
  'ConsentAcknowledged',
  'CustomerContacted',
  'AgreementSigned',
  'ConsentDeclined',
  'ContractTerminated',
] as const;
export type RelationshipStatus = (typeof RELATIONSHIP_STATUSES)[number];
/** Statuses that end or refuse the relationship need a reason (ACG Number Management Portal). */
export const RELATIONSHIP_STATUSES_NEEDING_COMMENT: readonly RelationshipStatus[] = ['ConsentDeclined', 'ContractTerminated'];

export const USAGES = ['CallingUserAssignment', 'FirstPartyAppAssignment', 'ConferenceAssignment'] as const;
export type Usage = (typeof USAGES)[number];

export const CAPABILITIES = ['InboundCalling', 'OutboundCalling', 'Mobile'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface Contact {
  readonly fullName: string;
  readonly email: string;
  readonly telephoneNumber?: string;
  readonly companyName?: string;
  readonly companySize?: string;
}

export interface CustomerRelationship {
  readonly status: RelationshipStatus;
  readonly comment: string | null;
  readonly lastModifiedOn: string;
}

export interface Consent {
  readonly id: string;
  readonly tenantId: string;
  readonly operatorId: string;
  readonly productContext: 'teams';
  readonly status: ConsentStatus;
  readonly consentedOn: string;
  readonly lastModifiedOn: string;
  readonly consentedCountries: readonly string[];
  readonly contacts: readonly Contact[];
  readonly customerRelationship: CustomerRelationship;
}

export interface Page<T> {
  readonly value: readonly T[];
  readonly nextLink?: string;
}

export interface CustomerRelationshipUpdate {
  readonly customerRelationship: { readonly status: RelationshipStatus; readonly comment?: string | null };
}

/** What an upload or update order sets on one number. */
export interface NumberConfiguration {
  readonly usage: Usage;
  readonly choosableCapabilities: readonly Capability[];
  readonly civicAddressId?: string;
  readonly locationId?: string;
  readonly allowTenantAddressUpdate?: boolean;
  readonly displayedCountryCode?: string;
  readonly additionalUsages?: readonly Usage[];
}

export interface NumberEntry extends NumberConfiguration {
  readonly telephoneNumber: string;
}

export interface UploadOrderRequest {
  /** true: a Teams Phone Mobile upload, the only kind that may carry the Mobile capability. */
  readonly teamsPhoneMobile?: boolean;
  readonly numbers: readonly NumberEntry[];
}

export interface ReleaseOrderRequest {
  readonly numbers: readonly { readonly telephoneNumber: string }[];
}

/** Replaces the whole configuration of numbers the tenant already holds. */
export interface UpdateOrderRequest {
  readonly numbers: readonly NumberEntry[];
}

export const ORDER_OPERATIONS = ['upload', 'release', 'update'] as const;
export type OrderOperation = (typeof ORDER_OPERATIONS)[number];

export const ORDER_STATUSES = ['pending', 'inProgress', 'complete', 'partialSuccess', 'failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = ['complete', 'partialSuccess', 'failed'];

export const NUMBER_ERROR_CODES = [
  'NoActiveConsent',
  'CountryNotConsented',
  'UnknownCountryCode',
  'NumberHeldByAnotherTenant',
  'NumberAssignedToUser',
  'MobileCapabilityNotAllowed',
  'UnknownCivicAddress',
  'UnknownLocation',
  'NumberNotFound',
] as const;
export type NumberErrorCode = (typeof NUMBER_ERROR_CODES)[number];

export interface NumberResult {
  readonly telephoneNumber: string;
  readonly status: 'succeeded' | 'failed';
  readonly errorCode?: NumberErrorCode;
  readonly message?: string;
}

export interface Order {
  readonly id: string;
  readonly operation: OrderOperation;
  readonly tenantId: string;
  readonly teamsPhoneMobile: boolean;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly lastModifiedAt: string;
  readonly completedAt: string | null;
  readonly numberCount: number;
  readonly succeededCount: number;
  readonly failedCount: number;
  /** Empty until the order is terminal, then one entry per number, in request order. */
  readonly results: readonly NumberResult[];
}

export interface NumberStatus {
  readonly telephoneNumber: string;
  readonly tenantId: string;
  /** assigned: the tenant holds the number (uploaded, not released). */
  readonly status: 'assigned' | 'unassigned';
  /** The enterprise has given the number to a user in Teams; release is refused while true. */
  readonly assignedToUser: boolean;
  readonly teamsPhoneMobile: boolean | null;
  readonly isoCountryCode: string | null;
  readonly configuration: NumberConfiguration | null;
  readonly acquiredOn: string | null;
  readonly lastModifiedOn: string | null;
  readonly lastOrderId: string | null;
}

export const API_ERROR_CODES = [
  'InvalidRequestBody',
  'InvalidQueryParameter',
  'InvalidTenantId',
  'InvalidTelephoneNumber',
  'TooManyNumbers',
  'DuplicateNumbers',
  'MissingApiVersionParameter',
  'UnsupportedApiVersion',
  'MissingRepeatabilityRequestId',
  'InvalidRepeatabilityHeaders',
  'InvalidAuthenticationToken',
  'ExpiredAuthenticationToken',
  'ApplicationNotRegistered',
  'InsufficientPermissions',
  'NotFound',
  'ConsentNotFound',
  'OrderNotFound',
  'MethodNotAllowed',
  'RepeatabilityConflict',
  'RepeatabilityWindowExceeded',
  'PayloadTooLarge',
  'UnsupportedMediaType',
  'TooManyRequests',
  'InternalServerError',
  'ServiceUnavailable',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

/** Azure.Core error response. */
export interface ErrorResponse {
  readonly error: {
    readonly code: ApiErrorCode;
    readonly message: string;
    readonly target?: string;
    readonly details?: readonly ErrorDetail[];
  };
}

/** App roles of the Project Synergy app (reference §1.2). */
export const ROLES = [
  'NumberManagement.Read',
  'NumberManagement.Write',
  'PartnerSettings.Read',
  'PartnerSettings.Write',
  'TrunkManagement.Read',
  'TrunkManagement.Write',
  'Data.Read',
  'Data.Write',
] as const;
export type Role = (typeof ROLES)[number];

/** Project Synergy ("Operator Connect") AppId, published in the ACG docs; the audience of API tokens. */
export const OPERATOR_CONNECT_APP_ID = 'eb63d611-525e-4a31-abd7-0cb33f679599';

/** Request and response headers of the contract. */
export const HEADERS = {
  repeatabilityRequestId: 'repeatability-request-id',
  repeatabilityFirstSent: 'repeatability-first-sent',
  repeatabilityResult: 'repeatability-result',
  clientRequestId: 'x-ms-client-request-id',
  requestId: 'x-ms-request-id',
  errorCode: 'x-ms-error-code',
  retryAfter: 'retry-after',
  retryAfterMs: 'retry-after-ms',
  operationLocation: 'operation-location',
} as const;
