/** Every call the simulator tells apart, for counters and fault targeting. */
export const API_OPERATIONS = [
  'listConsents',
  'getConsent',
  'updateConsent',
  'createUploadOrder',
  'createReleaseOrder',
  'createUpdateOrder',
  'getOrder',
  'listNumbers',
  'getNumber',
] as const;
export type ApiOperation = (typeof API_OPERATIONS)[number];

/** The fake Entra ID endpoints: `token` is the only one worth faulting. */
export const ENTRA_OPERATIONS = ['token', 'openidConfiguration', 'jwks'] as const;
export type EntraOperation = (typeof ENTRA_OPERATIONS)[number];

export type Operation = ApiOperation | EntraOperation | 'unknown';

export const MUTATING_OPERATIONS: ReadonlySet<Operation> = new Set([
  'updateConsent',
  'createUploadOrder',
  'createReleaseOrder',
  'createUpdateOrder',
]);
export const CONSENT_OPERATIONS: ReadonlySet<Operation> = new Set(['listConsents', 'getConsent', 'updateConsent']);
export const STATUS_READ_OPERATIONS: ReadonlySet<Operation> = new Set(['listNumbers', 'getNumber']);
