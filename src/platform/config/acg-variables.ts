import { ConfigError } from './config-error.js';
import type { EntraTokenSettings } from './entra-variables.js';
import type { Secret } from './secret.js';
import type { VariableSpec } from './variables.js';
import {
  CREDENTIAL_KINDS,
  clientAuth,
  clientProblems,
  clientRateLimitScope,
  clientResilience,
  clientSecrets,
  deepFreeze,
  readClientVariables,
} from './backend-client-variables.js';

/**
 * Settings of the Azure Communications Gateway Provisioning API client
 * (src/acg). Read only when ACG_PROVISIONING_BASE_URL is set (loadConfig);
 * the reconciler provisions through it with BACKEND=acg. The credential,
 * time limits, retries and circuit breaker mean what their OPERATOR_CONNECT_*
 * namesakes do; every default lives in this table.
 */
export const ACG_PROVISIONING_VARIABLES = [
  {
    name: 'ACG_PROVISIONING_BASE_URL',
    type: 'url',
    description:
      '`https://provapi.<base-domain>` of the deployment (the ACG simulator prints its own); the other ACG_PROVISIONING_* settings are read only when it is set; needed when BACKEND=acg',
  },
  {
    name: 'ACG_PROVISIONING_API_VERSION',
    type: 'string',
    default: '2024-02-29-preview',
    pattern: '^\\S+$',
    description: 'sent as ?api-version= on every call',
  },
  {
    name: 'ACG_PROVISIONING_CREDENTIAL',
    type: 'string',
    default: 'client-secret',
    enum: CREDENTIAL_KINDS,
    description: 'how to get Entra ID tokens: an app registration secret, a managed identity, or DefaultAzureCredential',
  },
  {
    name: 'ACG_PROVISIONING_AUTHORITY_HOST',
    type: 'url',
    default: 'https://login.microsoftonline.com',
    description: 'Entra ID authority host (client-secret and default credentials)',
  },
  {
    name: 'ACG_PROVISIONING_DISABLE_INSTANCE_DISCOVERY',
    type: 'boolean',
    default: 'false',
    description:
      'skip MSAL instance discovery (client-secret credential): needed for an authority host Microsoft does not know, such as the simulator',
  },
  {
    name: 'ACG_PROVISIONING_TENANT_ID',
    type: 'string',
    default: '',
    description: "the operator's Entra ID tenant (required for client-secret; optional for default)",
  },
  {
    name: 'ACG_PROVISIONING_CLIENT_ID',
    type: 'string',
    default: '',
    description: 'application (client) id of the app registration (required for client-secret)',
  },
  {
    name: 'ACG_PROVISIONING_CLIENT_SECRET',
    type: 'string',
    default: '',
    secret: true,
    description: 'client secret of the app registration (required for client-secret)',
  },
  {
    name: 'ACG_PROVISIONING_MANAGED_IDENTITY_CLIENT_ID',
    type: 'string',
    default: '',
    description:
      'client id of a user-assigned managed identity (managed-identity and default credentials); empty uses the system-assigned one',
  },
  {
    name: 'ACG_PROVISIONING_SCOPE',
    type: 'string',
    default: 'https://func-voiceservice-rp-prod-eastuseuap.azurewebsites.net/.default',
    pattern: '^\\S+/\\.default$',
    description: "token scope: the Provisioning API's application id URI plus /.default",
  },
  {
    name: 'ACG_PROVISIONING_REQUESTS_PER_MINUTE',
    type: 'integer',
    default: '100',
    minimum: 0,
    maximum: 100_000,
    description:
      'client-side pacing of API calls (retries included); the published limit is 100 requests per minute for the whole deployment; 0 turns pacing off',
  },
  {
    name: 'ACG_PROVISIONING_RATE_LIMIT_SCOPE',
    type: 'string',
    default: 'fleet',
    enum: ['fleet', 'process'],
    description:
      'whom ACG_PROVISIONING_REQUESTS_PER_MINUTE binds: fleet = all workers on this database together (as OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet), process = each worker on its own',
  },
  {
    name: 'ACG_PROVISIONING_REQUEST_TIMEOUT_MS',
    type: 'integer',
    default: '30000',
    minimum: 100,
    maximum: 600_000,
    description: 'time limit of one HTTP attempt',
  },
  {
    name: 'ACG_PROVISIONING_TOKEN_TIMEOUT_MS',
    type: 'integer',
    default: '30000',
    minimum: 100,
    maximum: 600_000,
    description: 'time limit of one Entra ID token request, its own retries included',
  },
  {
    name: 'ACG_PROVISIONING_RETRY_ATTEMPTS',
    type: 'integer',
    default: '5',
    minimum: 1,
    maximum: 50,
    description: 'attempts per call, the first included',
  },
  {
    name: 'ACG_PROVISIONING_RETRY_BASE_MS',
    type: 'integer',
    default: '500',
    minimum: 1,
    maximum: 60_000,
    description: 'first backoff ceiling; doubles per retry (equal jitter)',
  },
  {
    name: 'ACG_PROVISIONING_RETRY_CAP_MS',
    type: 'integer',
    default: '30000',
    minimum: 1,
    maximum: 600_000,
    description: 'largest backoff, and the longest Retry-After the client waits in-call (a longer one ends the call as transient)',
  },
  {
    name: 'ACG_PROVISIONING_CIRCUIT_BREAKER_THRESHOLD',
    type: 'integer',
    default: '5',
    minimum: 1,
    maximum: 1000,
    description: 'consecutive transient failures (5xx, 408, network) that open the circuit',
  },
  {
    name: 'ACG_PROVISIONING_CIRCUIT_BREAKER_COOLDOWN_MS',
    type: 'integer',
    default: '30000',
    minimum: 1,
    maximum: 3_600_000,
    description: 'how long an open circuit fails fast before one trial call',
  },
  {
    name: 'ACG_PROVISIONING_PAGE_SIZE',
    type: 'integer',
    default: '100',
    minimum: 1,
    maximum: 1000,
    description: 'maxpagesize the client asks for in list calls (accounts, numbers, requests for information)',
  },
  {
    name: 'ACG_PROVISIONING_POLL_INTERVAL_MS',
    type: 'integer',
    default: '1000',
    minimum: 1,
    maximum: 600_000,
    description: "first wait before reading a pending number's serviceProvisioningStatus again",
  },
] as const satisfies readonly VariableSpec[];

export type AcgVariableName = (typeof ACG_PROVISIONING_VARIABLES)[number]['name'];

/** The ACG Provisioning API client's settings: src/acg's AcgClientSettings, and what the worker around it needs. */
export interface AcgConfig {
  /** https://provapi.<base-domain>, without a trailing slash. */
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly auth: EntraTokenSettings;
  /** 0: no client-side pacing. */
  readonly requestsPerMinute: number;
  /** Whom requestsPerMinute binds: every worker on the database together, or each on its own. */
  readonly rateLimitScope: 'fleet' | 'process';
  readonly requestTimeoutMs: number;
  readonly tokenTimeoutMs: number;
  readonly retry: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly circuitBreaker: { readonly failureThreshold: number; readonly coolDownMs: number };
  readonly pageSize: number;
  /** First wait before a pending number's serviceProvisioningStatus is read again. */
  readonly pollIntervalMs: number;
  /** Values that must never appear in a log line (the client secret, when set). */
  readonly secrets: readonly Secret[];
}

/**
 * Reads, validates and freezes the client settings. Pure: takes the
 * environment as an argument and reports every problem at once as a
 * ConfigError, whose `problems` loadConfig folds into its own.
 */
export function loadAcgConfig(env: Readonly<Record<string, string | undefined>>): AcgConfig {
  const problems: string[] = [];
  const raw = readClientVariables(ACG_PROVISIONING_VARIABLES, env, problems);
  const str = (k: AcgVariableName): string => String(raw.get(k) ?? '');
  const num = (k: AcgVariableName): number => Number(raw.get(k) ?? 0);

  problems.push(...clientProblems('ACG_PROVISIONING', raw));
  if (problems.length > 0) throw new ConfigError(problems);

  const auth = clientAuth('ACG_PROVISIONING', raw);
  const config: AcgConfig = {
    // The API's paths start with "/", so a trailing slash on the base would double it.
    baseUrl: str('ACG_PROVISIONING_BASE_URL').replace(/\/+$/, ''),
    apiVersion: str('ACG_PROVISIONING_API_VERSION'),
    auth,
    requestsPerMinute: num('ACG_PROVISIONING_REQUESTS_PER_MINUTE'),
    rateLimitScope: clientRateLimitScope('ACG_PROVISIONING', raw),
    ...clientResilience('ACG_PROVISIONING', raw),
    pageSize: num('ACG_PROVISIONING_PAGE_SIZE'),
    pollIntervalMs: num('ACG_PROVISIONING_POLL_INTERVAL_MS'),
    secrets: clientSecrets(auth),
  };
  return deepFreeze(config);
}
