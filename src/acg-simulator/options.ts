import { PermanentError } from '../core/errors.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { systemClock, type Clock } from '../simulator/clock.js';
import type { FaultOptions } from '../simulator/faults.js';
import type { RegisteredApp } from '../simulator/token-authority.js';
import { ACG_ROLES, type AcgRole } from './roles.js';

/** An application known to the fake Entra ID, with the Provisioning API app roles its tokens carry. */
export interface AcgClientApp {
  readonly clientId: string;
  readonly clientSecret: string;
  /** ProvisioningAPI.Admin when absent. */
  readonly roles?: readonly AcgRole[];
}

/** A Teams request for information (a consent), which in real life a customer creates in Teams. */
export interface RequestForInformationSeed {
  readonly tenantId: string;
  readonly status?: 'active' | 'suspended' | 'removed';
  readonly productContext?: string;
  readonly consentedCountries?: readonly string[];
  readonly contacts?: readonly { fullName: string; email: string; telephoneNumber?: string; companyName?: string; companySize?: string }[];
  readonly consentedOn?: string;
  readonly customerRelationship?: { readonly status?: string; readonly comment?: string };
}

/** A civic address of an account's Teams tenant (read-only in the API), in TeamsCivicAddressResource's shape. */
export interface CivicAddressSeed {
  readonly accountName: string;
  readonly address: Readonly<Record<string, unknown>> & { readonly id: string };
}

/** A business error the service reports for a number once its sync ends (serviceProvisioningErrors). */
export interface NumberErrorSeed {
  readonly telephoneNumber: string;
  readonly code: string;
  readonly message: string;
}

export interface AcgSimulatorOptions {
  readonly host?: string;
  /** API (plain HTTP) port; 0 picks a free one. */
  readonly port?: number;
  /** Fake Entra ID (HTTPS) port; 0 picks a free one. */
  readonly tokenPort?: number;
  /** Prefix of every API path ("" by default: the swagger's paths at the root). */
  readonly basePath?: string;
  /** Time from a write to the end of its provisioning (pending → synced/failed, subdomain → provisioned). */
  readonly provisioningDelayMs?: number;
  /** API calls per minute across all clients before 429 (the service's 100); 0 turns throttling off. */
  readonly rateLimitPerMinute?: number;
  readonly latencyMs?: number;
  readonly latencyJitterMs?: number;
  readonly faults?: FaultOptions<string>;
  readonly entraTenantId?: string;
  /** Audience of API tokens; the accepted scope is `{audience}/.default` (default: the swagger's). */
  readonly audience?: string;
  readonly clients?: readonly AcgClientApp[];
  readonly tokenLifetimeSeconds?: number;
  readonly repeatabilityWindowSeconds?: number;
  readonly defaultPageSize?: number;
  readonly maxPageSize?: number;
  readonly requestsForInformation?: readonly RequestForInformationSeed[];
  readonly civicAddresses?: readonly CivicAddressSeed[];
  /** What :getTeamsCapabilityPlans answers (TeamsCapabilityPlan objects); one calling plan by default. */
  readonly capabilityPlans?: readonly Readonly<Record<string, unknown>>[];
  readonly numberErrors?: readonly NumberErrorSeed[];
  /** The operator id RFIs carry. */
  readonly operatorId?: string;
  readonly seed?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export const ACG_SIMULATOR_DEFAULTS = {
  entraTenantId: '0c0ffee0-0000-4000-8000-0000000000ac',
  clientId: '0c0ffee0-0000-4000-8000-0000000000c9',
  clientSecret: 'acg-simulator-client-secret',
  /** The resource of the swagger's OAuth2 scope. */
  audience: 'https://func-voiceservice-rp-prod-eastuseuap.azurewebsites.net',
  operatorId: '75f9fed4-d8e9-4c90-bc28-523cfdb83244',
} as const;

const DEFAULT_CAPABILITY_PLANS = [
  {
    name: 'calling-user-assignment',
    offerTypes: ['Calling'],
    usage: 'CallingUserAssignment',
    mandatoryCapabilities: ['UserAssignment'],
    choosableCapabilities: ['InboundCalling', 'OutboundCalling', 'Mobile'],
    supportsTollFree: true,
  },
];

export type ResolvedAcgOptions = Readonly<Required<Omit<AcgSimulatorOptions, 'clients'>> & { readonly clients: readonly RegisteredApp[] }>;

const nonNegative = ['port', 'tokenPort', 'provisioningDelayMs', 'rateLimitPerMinute', 'latencyMs', 'latencyJitterMs'] as const;
const positive = ['tokenLifetimeSeconds', 'repeatabilityWindowSeconds', 'defaultPageSize', 'maxPageSize'] as const;

/** Validates options and fills defaults; throws a PermanentError listing every problem. */
export function resolveAcgOptions(options: AcgSimulatorOptions = {}): ResolvedAcgOptions {
  const problems: string[] = [];
  for (const name of nonNegative) {
    const v = options[name];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) problems.push(`${name}: must be an integer ≥ 0`);
  }
  for (const name of positive) {
    const v = options[name];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) problems.push(`${name}: must be an integer ≥ 1`);
  }
  const defaultPageSize = options.defaultPageSize ?? 100;
  const maxPageSize = options.maxPageSize ?? 1000;
  if (defaultPageSize > maxPageSize) problems.push('defaultPageSize: must not exceed maxPageSize');
  for (const client of options.clients ?? []) {
    for (const role of client.roles ?? []) if (!ACG_ROLES.includes(role)) problems.push(`clients: unknown role ${role}`);
  }
  if (problems.length > 0) {
    throw new PermanentError('invalid_simulator_options', `invalid ACG simulator options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const clients = (
    options.clients ?? [{ clientId: ACG_SIMULATOR_DEFAULTS.clientId, clientSecret: ACG_SIMULATOR_DEFAULTS.clientSecret }]
  ).map(
    (c): RegisteredApp => ({
      clientId: c.clientId.toLowerCase(),
      clientSecret: c.clientSecret,
      registered: true,
      roles: c.roles ?? ['ProvisioningAPI.Admin'],
    }),
  );
  return Object.freeze({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    tokenPort: options.tokenPort ?? 0,
    basePath: (options.basePath ?? '').replace(/\/+$/, ''),
    provisioningDelayMs: options.provisioningDelayMs ?? 1000,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100,
    latencyMs: options.latencyMs ?? 0,
    latencyJitterMs: options.latencyJitterMs ?? 0,
    faults: options.faults ?? {},
    entraTenantId: (options.entraTenantId ?? ACG_SIMULATOR_DEFAULTS.entraTenantId).toLowerCase(),
    audience: options.audience ?? ACG_SIMULATOR_DEFAULTS.audience,
    clients,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    repeatabilityWindowSeconds: options.repeatabilityWindowSeconds ?? 300,
    defaultPageSize,
    maxPageSize,
    requestsForInformation: options.requestsForInformation ?? [],
    civicAddresses: options.civicAddresses ?? [],
    capabilityPlans: options.capabilityPlans ?? DEFAULT_CAPABILITY_PLANS,
    numberErrors: options.numberErrors ?? [],
    operatorId: options.operatorId ?? ACG_SIMULATOR_DEFAULTS.operatorId,
    seed: options.seed ?? 1,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? createLogger({ level: 'silent', name: 'acg-simulator' }),
  });
}
