import { ConfigError } from './config-error.js';
import type { Secret } from './secret.js';
import type { VariableSpec } from './variables.js';
import {
  clientAuth,
  clientProblems,
  clientRateLimitScope,
  clientResilience,
  clientSecrets,
  deepFreeze,
  readClientVariables,
  type CredentialKind,
} from './backend-client-variables.js';
import { DEFAULT_API_VERSION, DEFAULT_PATHS, type PathName } from '../../contracts/operator-connect-api.js';

/** Each path setting: the key it fills, the placeholders its template must carry, what it addresses. */
const PATH_SETTINGS = [
  { name: 'OPERATOR_CONNECT_PATH_CONSENTS', key: 'consents', placeholders: [], what: 'list consents' },
  { name: 'OPERATOR_CONNECT_PATH_CONSENT', key: 'consent', placeholders: ['tenantId'], what: 'one consent' },
  { name: 'OPERATOR_CONNECT_PATH_UPLOAD_ORDERS', key: 'uploadOrders', placeholders: ['tenantId'], what: 'create an upload order' },
  { name: 'OPERATOR_CONNECT_PATH_RELEASE_ORDERS', key: 'releaseOrders', placeholders: ['tenantId'], what: 'create a release order' },
  { name: 'OPERATOR_CONNECT_PATH_UPDATE_ORDERS', key: 'updateOrders', placeholders: ['tenantId'], what: 'create an update order' },
  { name: 'OPERATOR_CONNECT_PATH_ORDER', key: 'order', placeholders: ['orderId'], what: 'one number order' },
  { name: 'OPERATOR_CONNECT_PATH_NUMBERS', key: 'numbers', placeholders: ['tenantId'], what: "a tenant's numbers" },
  { name: 'OPERATOR_CONNECT_PATH_NUMBER', key: 'number', placeholders: ['tenantId', 'telephoneNumber'], what: 'one number status' },
] as const satisfies readonly { name: string; key: PathName; placeholders: readonly string[]; what: string }[];

/** The path settings' table rows: defaults from the API contract (src/contracts), written once. */
const PATH_VARIABLES = PATH_SETTINGS.map(({ name, key, what }) => ({
  name,
  type: 'string' as const,
  default: DEFAULT_PATHS[key],
  description: `path template: ${what}`,
}));

/**
 * Settings of the Operator Connect client (docs/operator-connect-api.md §2).
 * Read only when OPERATOR_CONNECT_BASE_URL is set (loadConfig). Every default
 * lives in this table; the API's paths and version come from src/contracts.
 * Microsoft does not publish the operator-side API, so every path, version
 * and limit is a setting: pointing flowthrough at the real service should only
 * need configuration.
 */
export const OPERATOR_CONNECT_VARIABLES = [
  {
    name: 'OPERATOR_CONNECT_BASE_URL',
    type: 'url',
    description:
      'base URL the API paths are appended to (the simulator prints its own); the other OPERATOR_CONNECT_* settings are read only when it is set; needed by a worker with RECONCILER_ENABLED=true and by reconcile --audit',
  },
  {
    name: 'OPERATOR_CONNECT_API_VERSION',
    type: 'string',
    default: DEFAULT_API_VERSION,
    pattern: '^\\S+$',
    description: 'sent as ?api-version= on every call',
  },
  {
    name: 'OPERATOR_CONNECT_CREDENTIAL',
    type: 'string',
    default: 'client-secret',
    enum: ['client-secret', 'managed-identity', 'default'],
    description: 'how to get Entra ID tokens: an app registration secret, a managed identity, or DefaultAzureCredential',
  },
  {
    name: 'OPERATOR_CONNECT_AUTHORITY_HOST',
    type: 'url',
    default: 'https://login.microsoftonline.com',
    description: 'Entra ID authority host (client-secret and default credentials)',
  },
  {
    name: 'OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY',
    type: 'boolean',
    default: 'false',
    description:
      'skip MSAL instance discovery (client-secret credential): needed for an authority host Microsoft does not know, such as the simulator',
  },
  {
    name: 'OPERATOR_CONNECT_TENANT_ID',
    type: 'string',
    default: '',
    description: "the operator's Entra ID tenant (required for client-secret; optional for default)",
  },
  {
    name: 'OPERATOR_CONNECT_CLIENT_ID',
    type: 'string',
    default: '',
    description: 'application (client) id of the app registration (required for client-secret)',
  },
  {
    name: 'OPERATOR_CONNECT_CLIENT_SECRET',
    type: 'string',
    default: '',
    secret: true,
    description: 'client secret of the app registration (required for client-secret)',
  },
  {
    name: 'OPERATOR_CONNECT_MANAGED_IDENTITY_CLIENT_ID',
    type: 'string',
    default: '',
    description:
      'client id of a user-assigned managed identity (managed-identity and default credentials); empty uses the system-assigned one',
  },
  {
    name: 'OPERATOR_CONNECT_SCOPE',
    type: 'string',
    default: 'eb63d611-525e-4a31-abd7-0cb33f679599/.default',
    pattern: '^\\S+/\\.default$',
    description: 'token scope: the Project Synergy app id plus /.default',
  },
  ...PATH_VARIABLES,
  {
    name: 'OPERATOR_CONNECT_MAX_NUMBERS_PER_ORDER',
    type: 'integer',
    default: '1000',
    minimum: 1,
    maximum: 100_000,
    description:
      'most numbers in one backend order: the reconciler cuts its batches at it, and the client refuses a larger order before sending it',
  },
  {
    name: 'OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND',
    type: 'integer',
    default: '10',
    minimum: 0,
    maximum: 10_000,
    description: 'client-side pacing of API calls (retries included); keep it at or below the service limit; 0 turns pacing off',
  },
  {
    name: 'OPERATOR_CONNECT_RATE_LIMIT_SCOPE',
    type: 'string',
    default: 'fleet',
    enum: ['fleet', 'process'],
    description:
      'whom OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND binds: fleet = all workers on this database together (each heartbeats in api_budget_members every second and paces at rate / live workers; a worker silent for 3 s is dead and its share goes to the others), process = each worker on its own',
  },
  {
    name: 'OPERATOR_CONNECT_REQUEST_TIMEOUT_MS',
    type: 'integer',
    default: '30000',
    minimum: 100,
    maximum: 600_000,
    description: 'time limit of one HTTP attempt',
  },
  {
    name: 'OPERATOR_CONNECT_TOKEN_TIMEOUT_MS',
    type: 'integer',
    default: '30000',
    minimum: 100,
    maximum: 600_000,
    description: 'time limit of one Entra ID token request, its own retries included',
  },
  {
    name: 'OPERATOR_CONNECT_RETRY_ATTEMPTS',
    type: 'integer',
    default: '5',
    minimum: 1,
    maximum: 50,
    description: 'attempts per call, the first included',
  },
  {
    name: 'OPERATOR_CONNECT_RETRY_BASE_MS',
    type: 'integer',
    default: '500',
    minimum: 1,
    maximum: 60_000,
    description: 'first backoff ceiling; doubles per retry (equal jitter)',
  },
  {
    name: 'OPERATOR_CONNECT_RETRY_CAP_MS',
    type: 'integer',
    default: '30000',
    minimum: 1,
    maximum: 600_000,
    description: 'largest backoff, and the longest Retry-After the client waits in-call (a longer one ends the call as transient)',
  },
  {
    name: 'OPERATOR_CONNECT_CIRCUIT_BREAKER_THRESHOLD',
    type: 'integer',
    default: '5',
    minimum: 1,
    maximum: 1000,
    description: 'consecutive transient failures (5xx, 408, network) that open the circuit',
  },
  {
    name: 'OPERATOR_CONNECT_CIRCUIT_BREAKER_COOLDOWN_MS',
    type: 'integer',
    default: '30000',
    minimum: 1,
    maximum: 3_600_000,
    description: 'how long an open circuit fails fast before one trial call',
  },
  {
    name: 'OPERATOR_CONNECT_POLL_INTERVAL_MS',
    type: 'integer',
    default: '2000',
    minimum: 1,
    maximum: 600_000,
    description:
      "time between status reads of the client's waitForOrder; the reconciler does not use it (its reads follow RECONCILER_EXPECTED_PROCESSING_MS and RECONCILER_POLL_MAX_MS)",
  },
  {
    name: 'OPERATOR_CONNECT_PAGE_SIZE',
    type: 'integer',
    default: '100',
    minimum: 1,
    maximum: 500,
    description: "maxpagesize the client asks for in list calls (consents, a tenant's numbers)",
  },
] as const satisfies readonly VariableSpec[];

export type OperatorConnectVariableName = (typeof OPERATOR_CONNECT_VARIABLES)[number]['name'];

export { CREDENTIAL_KINDS, type CredentialKind } from './backend-client-variables.js';

export interface OperatorConnectPaths {
  readonly consents: string;
  readonly consent: string;
  readonly uploadOrders: string;
  readonly releaseOrders: string;
  readonly updateOrders: string;
  readonly order: string;
  readonly numbers: string;
  readonly number: string;
}

export type OperatorConnectPathName = keyof OperatorConnectPaths;

export interface OperatorConnectAuthConfig {
  readonly credential: CredentialKind;
  readonly authorityHost: string;
  readonly disableInstanceDiscovery: boolean;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  /** Empty: the system-assigned identity. */
  readonly managedIdentityClientId: string;
  readonly scope: string;
}

export interface OperatorConnectConfig {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly auth: OperatorConnectAuthConfig;
  readonly paths: OperatorConnectPaths;
  readonly maxNumbersPerOrder: number;
  readonly pageSize: number;
  readonly pollIntervalMs: number;
  readonly requestTimeoutMs: number;
  readonly tokenTimeoutMs: number;
  /** 0: no client-side pacing. */
  readonly rateLimitPerSecond: number;
  /** OPERATOR_CONNECT_RATE_LIMIT_SCOPE; absent (a configuration built by hand): process. */
  readonly rateLimitScope?: 'fleet' | 'process';
  readonly retry: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly circuitBreaker: { readonly failureThreshold: number; readonly coolDownMs: number };
  /** Values that must never appear in a log line (the client secret, when set). */
  readonly secrets: readonly Secret[];
}

function pathProblems(name: string, template: string, placeholders: readonly string[]): string[] {
  const problems: string[] = [];
  if (!template.startsWith('/')) problems.push(`${name}=${JSON.stringify(template)}: must start with /`);
  const present = [...template.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] ?? '');
  for (const p of placeholders) if (!present.includes(p)) problems.push(`${name}=${JSON.stringify(template)}: must contain {${p}}`);
  for (const p of present) if (!placeholders.includes(p)) problems.push(`${name}=${JSON.stringify(template)}: unknown placeholder {${p}}`);
  return problems;
}

/**
 * Reads, validates and freezes the client settings. Pure: takes the
 * environment as an argument and reports every problem at once as a
 * ConfigError, whose `problems` loadConfig folds into its own.
 */
export function loadOperatorConnectConfig(env: Readonly<Record<string, string | undefined>>): OperatorConnectConfig {
  const problems: string[] = [];
  const raw = readClientVariables(OPERATOR_CONNECT_VARIABLES, env, problems);
  const str = (k: OperatorConnectVariableName): string => String(raw.get(k) ?? '');
  const num = (k: OperatorConnectVariableName): number => Number(raw.get(k) ?? 0);

  problems.push(...clientProblems('OPERATOR_CONNECT', raw));
  for (const p of PATH_SETTINGS) problems.push(...pathProblems(p.name, str(p.name), p.placeholders));
  if (problems.length > 0) throw new ConfigError(problems);

  const auth = clientAuth('OPERATOR_CONNECT', raw);
  const paths = Object.fromEntries(PATH_SETTINGS.map((p) => [p.key, str(p.name)])) as unknown as OperatorConnectPaths;
  const config: OperatorConnectConfig = {
    // Paths start with "/", so a trailing slash on the base would double it.
    baseUrl: str('OPERATOR_CONNECT_BASE_URL').replace(/\/+$/, ''),
    apiVersion: str('OPERATOR_CONNECT_API_VERSION'),
    auth,
    paths,
    maxNumbersPerOrder: num('OPERATOR_CONNECT_MAX_NUMBERS_PER_ORDER'),
    pageSize: num('OPERATOR_CONNECT_PAGE_SIZE'),
    pollIntervalMs: num('OPERATOR_CONNECT_POLL_INTERVAL_MS'),
    rateLimitPerSecond: num('OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND'),
    rateLimitScope: clientRateLimitScope('OPERATOR_CONNECT', raw),
    ...clientResilience('OPERATOR_CONNECT', raw),
    secrets: clientSecrets(auth),
  };
  return deepFreeze(config);
}
