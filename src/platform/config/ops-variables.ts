import { ConfigError } from './config-error.js';
import { Secret } from './secret.js';
import type { VariableSpec } from './variables.js';
import type { DirectRoutingDomains } from '../../core/custom-header/call-lookup.js';

/**
 * Settings of the ops tooling (read API). Kept apart from variables.ts so the
 * lead can merge them; every default lives in this table.
 */
export const OPS_VARIABLES = [
  {
    name: 'READ_API_TOKENS',
    type: 'string',
    default: '',
    secret: true,
    description:
      'comma-separated static bearer tokens the read API (/v1/…) accepts, each at least 16 printable characters without spaces; they read (GET), never operate; empty and no Entra ID validation (READ_API_ENTRA_*) disables the API: every /v1 path answers 404',
  },
  {
    name: 'READ_API_MAX_PAGE_SIZE',
    type: 'integer',
    default: '100',
    minimum: 1,
    maximum: 1000,
    description: 'page size of the read API when a request gives no maxpagesize, and its largest (a larger maxpagesize is capped)',
  },
  {
    name: 'READ_API_PUBLIC_URL',
    type: 'string',
    default: '',
    description:
      "the read API as its clients reach it (http(s)://host[:port][/prefix], e.g. behind a TLS proxy); nextLink is built on it; empty: http:// and the request's Host",
  },
  {
    name: 'READ_API_ENTRA_TENANT_ID',
    type: 'string',
    default: '',
    description:
      "Entra ID tenant whose access tokens the read API accepts (its issuer and signing keys come from the tenant's OpenID configuration); Entra ID validation is on when this, or READ_API_ENTRA_ISSUER with READ_API_ENTRA_JWKS_URL, is set",
  },
  {
    name: 'READ_API_ENTRA_AUTHORITY_HOST',
    type: 'url',
    default: 'https://login.microsoftonline.com',
    description: 'Entra ID authority host (https): the OpenID configuration is {host}/{tenant}/v2.0/.well-known/openid-configuration',
  },
  {
    name: 'READ_API_ENTRA_ISSUER',
    type: 'string',
    default: '',
    description:
      'the accepted token issuer (iss), set together with READ_API_ENTRA_JWKS_URL instead of the OpenID configuration; v2.0 tokens: https://login.microsoftonline.com/{tenant}/v2.0',
  },
  {
    name: 'READ_API_ENTRA_JWKS_URL',
    type: 'string',
    default: '',
    description:
      'https URL of the signing keys (JWKS), set together with READ_API_ENTRA_ISSUER; keys are cached and fetched again when a token names an unknown key (rotation)',
  },
  {
    name: 'READ_API_ENTRA_AUDIENCE',
    type: 'list',
    default: '',
    description:
      "comma-separated accepted audiences (aud): the read API app registration's client id and/or Application ID URI; needed when Entra ID validation is on",
  },
  {
    name: 'READ_API_READER_ROLE',
    type: 'string',
    default: 'Flowthrough.Read',
    pattern: '^\\S+$',
    description: "app role (token's roles claim) that may read: every GET under /v1",
  },
  {
    name: 'READ_API_OPERATOR_ROLE',
    type: 'string',
    default: 'Flowthrough.Operate',
    pattern: '^\\S+$',
    description: 'app role that may change state through the read API (and read)',
  },
  {
    name: 'READ_API_ENTRA_JWKS_COOLDOWN_MS',
    type: 'integer',
    default: '30000',
    minimum: 0,
    maximum: 3600000,
    description: 'least time between two JWKS fetches caused by tokens naming an unknown key',
  },
  {
    name: 'DIRECT_ROUTING_BASE_DOMAIN',
    type: 'string',
    default: '',
    pattern: '^$|^([A-Za-z0-9-]{1,63}\\.)+[A-Za-z0-9-]{1,63}$',
    description:
      "the ACG resource's Domain (Azure portal: Overview, Properties), e.g. 0123456789abcdef.commsgw.azure.com: /v1/lookup answers a Direct Routing number's customer subdomain FQDNs <subdomain>.1r<region>.<domain>; empty: the subdomain label only",
  },
  {
    name: 'DIRECT_ROUTING_REGIONS',
    type: 'integer',
    default: '2',
    minimum: 1,
    maximum: 9,
    description: 'how many per-region Direct Routing domain names the deployment has (1r1…1rN; a lab deployment has 1)',
  },
] as const satisfies readonly VariableSpec[];

/** Entra ID access-token validation of the read API; null in ReadApiSettings when off. */
export interface ReadApiEntraSettings {
  /** From the tenant's OpenID configuration: {authorityHost}/{tenantId}/v2.0/.well-known/openid-configuration. */
  readonly discovery: { readonly authorityHost: string; readonly tenantId: string } | null;
  /** Explicit issuer and JWKS URL instead of discovery. */
  readonly explicit: { readonly issuer: string; readonly jwksUrl: string } | null;
  readonly audiences: readonly string[];
  readonly readerRole: string;
  readonly operatorRole: string;
  readonly jwksCooldownMs: number;
}

export interface ReadApiSettings {
  /** Empty: the API is disabled. Each token is a Secret of its own, so each is redacted from logs. */
  readonly tokens: readonly Secret[];
  readonly maxPageSize: number;
  /** Base of nextLink (no trailing slash); null: http:// and the request's Host. */
  readonly publicUrl: string | null;
  /** Entra ID token validation; absent or null: static tokens only. */
  readonly entra?: ReadApiEntraSettings | null;
  /** Where Direct Routing customer subdomains live (/v1/lookup); absent or null: DIRECT_ROUTING_BASE_DOMAIN is not set. */
  readonly directRouting?: DirectRoutingDomains | null;
}

export interface OpsConfig {
  readonly readApi: ReadApiSettings;
}

const TOKEN = /^[\x21-\x7e]{16,}$/;

/** Pure: reads and validates the ops variables from the given environment. */
export function loadOpsConfig(env: Readonly<Record<string, string | undefined>>): OpsConfig {
  const problems: string[] = [];
  const tokens = (env.READ_API_TOKENS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (tokens.some((t) => !TOKEN.test(t)))
    problems.push('READ_API_TOKENS=<secret>: each token must be at least 16 printable characters without spaces or commas');
  const pageText = env.READ_API_MAX_PAGE_SIZE ?? '100';
  const maxPageSize = Number(pageText);
  if (!/^\d+$/.test(pageText) || maxPageSize < 1 || maxPageSize > 1000)
    problems.push(`READ_API_MAX_PAGE_SIZE=${JSON.stringify(pageText)}: must be an integer from 1 to 1000`);
  const publicUrl = parsePublicUrl(env.READ_API_PUBLIC_URL ?? '', problems);
  const entra = parseEntra(env, problems);
  const directRouting = parseDirectRouting(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    readApi: Object.freeze({ tokens: Object.freeze(tokens.map((t) => new Secret(t))), maxPageSize, publicUrl, entra, directRouting }),
  });
}

function httpsUrl(name: string, text: string, problems: string[]): string | null {
  try {
    const url = new URL(text);
    if (url.protocol === 'https:' && url.username === '' && url.password === '') return url.toString();
  } catch {
    // reported below
  }
  problems.push(`${name}=${JSON.stringify(text)}: must be an https URL without credentials`);
  return null;
}

const ROLE = /^\S+$/;

function parseEntra(env: Readonly<Record<string, string | undefined>>, problems: string[]): ReadApiEntraSettings | null {
  const tenantId = (env.READ_API_ENTRA_TENANT_ID ?? '').trim();
  const issuer = (env.READ_API_ENTRA_ISSUER ?? '').trim();
  const jwksText = (env.READ_API_ENTRA_JWKS_URL ?? '').trim();
  if (tenantId === '' && issuer === '' && jwksText === '') return null;
  const before = problems.length;
  if ((issuer === '') !== (jwksText === ''))
    problems.push('READ_API_ENTRA_ISSUER and READ_API_ENTRA_JWKS_URL: set both (explicit issuer and keys) or neither');
  if (tenantId !== '' && !/^[A-Za-z0-9.-]+$/.test(tenantId))
    problems.push(`READ_API_ENTRA_TENANT_ID=${JSON.stringify(tenantId)}: a tenant id (GUID) or domain name`);
  const jwksUrl = jwksText === '' ? null : httpsUrl('READ_API_ENTRA_JWKS_URL', jwksText, problems);
  const hostText = (env.READ_API_ENTRA_AUTHORITY_HOST ?? '').trim() || 'https://login.microsoftonline.com';
  const authorityHost = tenantId === '' ? null : httpsUrl('READ_API_ENTRA_AUTHORITY_HOST', hostText, problems);
  const audiences = (env.READ_API_ENTRA_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  if (audiences.length === 0)
    problems.push('READ_API_ENTRA_AUDIENCE: needed when Entra ID validation is on (READ_API_ENTRA_TENANT_ID or _ISSUER)');
  const readerRole = (env.READ_API_READER_ROLE ?? '').trim() || 'Flowthrough.Read';
  const operatorRole = (env.READ_API_OPERATOR_ROLE ?? '').trim() || 'Flowthrough.Operate';
  for (const [name, role] of [
    ['READ_API_READER_ROLE', readerRole],
    ['READ_API_OPERATOR_ROLE', operatorRole],
  ] as const)
    if (!ROLE.test(role)) problems.push(`${name}=${JSON.stringify(role)}: an app role value has no spaces`);
  const cooldownText = env.READ_API_ENTRA_JWKS_COOLDOWN_MS ?? '30000';
  const jwksCooldownMs = Number(cooldownText);
  if (!/^\d+$/.test(cooldownText) || jwksCooldownMs > 3_600_000)
    problems.push(`READ_API_ENTRA_JWKS_COOLDOWN_MS=${JSON.stringify(cooldownText)}: must be an integer from 0 to 3600000`);
  if (problems.length > before) return null;
  return Object.freeze({
    discovery: authorityHost === null ? null : Object.freeze({ authorityHost: authorityHost.replace(/\/+$/, ''), tenantId }),
    explicit: jwksUrl === null ? null : Object.freeze({ issuer, jwksUrl }),
    audiences: Object.freeze(audiences),
    readerRole,
    operatorRole,
    jwksCooldownMs,
  });
}

const DOMAIN = /^([A-Za-z0-9-]{1,63}\.)+[A-Za-z0-9-]{1,63}$/;

function parseDirectRouting(env: Readonly<Record<string, string | undefined>>, problems: string[]): DirectRoutingDomains | null {
  const baseDomain = (env.DIRECT_ROUTING_BASE_DOMAIN ?? '').trim().replace(/\.$/, '').toLowerCase();
  const regionsText = (env.DIRECT_ROUTING_REGIONS ?? '').trim() || '2';
  const regions = Number(regionsText);
  if (!/^\d+$/.test(regionsText) || regions < 1 || regions > 9)
    problems.push(`DIRECT_ROUTING_REGIONS=${JSON.stringify(regionsText)}: must be an integer from 1 to 9`);
  if (baseDomain === '') return null;
  if (!DOMAIN.test(baseDomain) || baseDomain.length > 253) {
    problems.push(`DIRECT_ROUTING_BASE_DOMAIN=${JSON.stringify(baseDomain)}: a domain name, e.g. 0123456789abcdef.commsgw.azure.com`);
    return null;
  }
  return Object.freeze({ baseDomain, regions });
}

function parsePublicUrl(text: string, problems: string[]): string | null {
  if (text.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`READ_API_PUBLIC_URL=${JSON.stringify(text)}: not a URL`);
    return null;
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    problems.push(
      `READ_API_PUBLIC_URL=${JSON.stringify(text)}: must be http(s)://host[:port][/prefix], without query, fragment or credentials`,
    );
    return null;
  }
  return url.toString().replace(/\/+$/, '');
}

/** The values to add to Config.secrets (each token on its own, so a single token in a log line is redacted too). */
export function opsSecrets(config: OpsConfig): Secret[] {
  return [...config.readApi.tokens];
}
