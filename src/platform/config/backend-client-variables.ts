import type { EntraTokenSettings } from './entra-variables.js';
import { parseVariable } from './parse-variable.js';
import { Secret } from './secret.js';
import type { VariableSpec } from './variable-spec.js';

/**
 * What the backend API clients' settings share (Operator Connect's
 * OPERATOR_CONNECT_*, Azure Communications Gateway's ACG_PROVISIONING_*): the
 * loader's steps over their tables, whose rows carry the same suffixes
 * (`<prefix>_CREDENTIAL`, `<prefix>_RETRY_CAP_MS`…), each written once.
 */

export const CREDENTIAL_KINDS = ['client-secret', 'managed-identity', 'default'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export type ClientValue = string | number | boolean;
export type ClientRaw = ReadonlyMap<string, ClientValue>;

/**
 * Parses every variable of a client's table (the shared parser, plus: a base
 * URL must be http(s)), adding each problem to `problems`; a variable without
 * a default and not set is required.
 */
export function readClientVariables(
  table: readonly VariableSpec[],
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): ClientRaw {
  const raw = new Map<string, ClientValue>();
  for (const spec of table) {
    const text = env[spec.name] ?? spec.default;
    if (text === undefined) {
      problems.push(`${spec.name}: required (${spec.description})`);
      continue;
    }
    const value = parseVariable(spec, text, problems) as ClientValue;
    if (spec.type === 'url' && typeof value === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(value) && !/^https?:/i.test(value)) {
      problems.push(`${spec.name}=${JSON.stringify(text)}: must be an http(s) URL`);
    }
    raw.set(spec.name, value);
  }
  return raw;
}

const text = (raw: ClientRaw, name: string): string => String(raw.get(name) ?? '');
const count = (raw: ClientRaw, name: string): number => Number(raw.get(name) ?? 0);

/** What the credential and the retry settings of `<prefix>_*` get wrong together. */
export function clientProblems(prefix: string, raw: ClientRaw): string[] {
  const problems: string[] = [];
  if (text(raw, `${prefix}_CREDENTIAL`) === 'client-secret') {
    for (const part of ['TENANT_ID', 'CLIENT_ID', 'CLIENT_SECRET']) {
      const name = `${prefix}_${part}`;
      if (text(raw, name) === '') problems.push(`${name}: required when ${prefix}_CREDENTIAL is client-secret`);
    }
  }
  if (count(raw, `${prefix}_RETRY_CAP_MS`) < count(raw, `${prefix}_RETRY_BASE_MS`)) {
    problems.push(`${prefix}_RETRY_CAP_MS: must be ≥ ${prefix}_RETRY_BASE_MS`);
  }
  return problems;
}

/** The Entra ID token settings of `<prefix>_*` (the secret wrapped, so it never prints). */
export function clientAuth(prefix: string, raw: ClientRaw): EntraTokenSettings {
  return {
    credential: text(raw, `${prefix}_CREDENTIAL`) as CredentialKind,
    authorityHost: text(raw, `${prefix}_AUTHORITY_HOST`),
    disableInstanceDiscovery: raw.get(`${prefix}_DISABLE_INSTANCE_DISCOVERY`) === true,
    tenantId: text(raw, `${prefix}_TENANT_ID`),
    clientId: text(raw, `${prefix}_CLIENT_ID`),
    clientSecret: new Secret(text(raw, `${prefix}_CLIENT_SECRET`)),
    managedIdentityClientId: text(raw, `${prefix}_MANAGED_IDENTITY_CLIENT_ID`),
    scope: text(raw, `${prefix}_SCOPE`),
  };
}

/** The time limits, retry policy and circuit breaker of `<prefix>_*`. */
export function clientResilience(prefix: string, raw: ClientRaw) {
  return {
    requestTimeoutMs: count(raw, `${prefix}_REQUEST_TIMEOUT_MS`),
    tokenTimeoutMs: count(raw, `${prefix}_TOKEN_TIMEOUT_MS`),
    retry: {
      attempts: count(raw, `${prefix}_RETRY_ATTEMPTS`),
      baseDelayMs: count(raw, `${prefix}_RETRY_BASE_MS`),
      maxDelayMs: count(raw, `${prefix}_RETRY_CAP_MS`),
    },
    circuitBreaker: {
      failureThreshold: count(raw, `${prefix}_CIRCUIT_BREAKER_THRESHOLD`),
      coolDownMs: count(raw, `${prefix}_CIRCUIT_BREAKER_COOLDOWN_MS`),
    },
  };
}

/** `<prefix>_RATE_LIMIT_SCOPE`'s value. */
export function clientRateLimitScope(prefix: string, raw: ClientRaw): 'fleet' | 'process' {
  return text(raw, `${prefix}_RATE_LIMIT_SCOPE`) === 'process' ? 'process' : 'fleet';
}

/**
 * The client secret among the values never to log, when set. Short values
 * would scrub ordinary words from log lines; load-config.ts uses the same floor.
 */
export function clientSecrets(auth: EntraTokenSettings): readonly Secret[] {
  return auth.clientSecret.reveal().length >= 4 ? [auth.clientSecret] : [];
}

/** Freezes a configuration and everything in it but its Secrets. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Secret)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
