import { PermanentError } from '../core/errors.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import {
  DEFAULT_API_VERSION,
  DEFAULT_PATHS,
  OPERATOR_CONNECT_APP_ID,
  type PathName,
  type Role,
} from '../contracts/operator-connect-api.js';
import { systemClock, type Clock } from './clock.js';
import type { FaultOptions } from './faults.js';
import { optionsSchema } from './option-schemas.js';
import type { ConsentSeed, NumberSeed } from './seeds.js';
import { check } from './validation.js';

/** An application known to the fake Entra ID. */
export interface ClientApp {
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Added in the Operator Connect portal. An app that is not gets tokens but
   * every API call answers 403, as the real service does (reference §1.2).
   */
  readonly registered?: boolean;
  /** App roles granted on Project Synergy; all read and write roles when absent. */
  readonly roles?: readonly Role[];
}

export interface SimulatorOptions {
  /** Address both servers bind. */
  readonly host?: string;
  /** API (plain HTTP) port; 0 picks a free one. */
  readonly port?: number;
  /** Fake Entra ID (HTTPS) port; 0 picks a free one. */
  readonly tokenPort?: number;
  /** Prefix of every API path; the API base URL is `http://host:port{basePath}`. */
  readonly basePath?: string;
  /** Overrides of the API paths (relative to basePath), for a client configured with other paths. */
  readonly paths?: Partial<Record<PathName, string>>;
  readonly apiVersions?: readonly string[];
  readonly maxNumbersPerOrder?: number;
  /** Time from acceptance to the terminal status of an order (inProgress at half of it). */
  readonly processingDelayMs?: number;
  /** manual: orders stay pending until admin.processOrders(), for tests that act in between. */
  readonly orderProcessing?: 'automatic' | 'manual';
  /** Added to every API and token call. */
  readonly latencyMs?: number;
  /** Up to this much more, drawn from the seeded RNG. */
  readonly latencyJitterMs?: number;
  /** API calls per second across all clients (token bucket); 0 turns throttling off. */
  readonly rateLimitPerSecond?: number;
  /** Bucket size: calls allowed in a burst. Defaults to rateLimitPerSecond (at least 1). */
  readonly rateLimitBurst?: number;
  readonly faults?: FaultOptions;
  readonly consents?: readonly ConsentSeed[];
  readonly numbers?: readonly NumberSeed[];
  /** A JSON seed file (simulator/consents.example.json has the shape), read at start and merged after the inline seeds. */
  readonly seedFile?: string;
  /** The operator's Entra ID tenant: the `{tenant}` of the token endpoint. */
  readonly entraTenantId?: string;
  readonly operatorId?: string;
  /** Audience of API tokens; the accepted scope is `{audience}/.default`. */
  readonly audience?: string;
  /**
   * Other resources the fake Entra ID issues tokens for (`{resource}/.default`), such as an
   * Event Hubs namespace a Kafka broker checks; the API itself accepts only `audience`.
   */
  readonly otherAudiences?: readonly string[];
  readonly clients?: readonly ClientApp[];
  readonly tokenLifetimeSeconds?: number;
  /** How long a Repeatability-Request-ID is remembered, and the oldest Repeatability-First-Sent accepted. */
  readonly repeatabilityWindowSeconds?: number;
  readonly defaultPageSize?: number;
  readonly maxPageSize?: number;
  /** Seed of the RNG behind fault draws and latency jitter. */
  readonly seed?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly tokenPort: number;
  readonly basePath: string;
  readonly paths: Readonly<Record<PathName, string>>;
  readonly apiVersions: readonly string[];
  readonly maxNumbersPerOrder: number;
  readonly processingDelayMs: number;
  readonly orderProcessing: 'automatic' | 'manual';
  readonly latencyMs: number;
  readonly latencyJitterMs: number;
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  readonly faults: FaultOptions;
  readonly consents: readonly ConsentSeed[];
  readonly numbers: readonly NumberSeed[];
  readonly seedFile: string | undefined;
  readonly entraTenantId: string;
  readonly operatorId: string;
  readonly audience: string;
  readonly otherAudiences: readonly string[];
  readonly clients: readonly Required<ClientApp>[];
  readonly tokenLifetimeSeconds: number;
  readonly repeatabilityWindowSeconds: number;
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  readonly seed: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Roles a client gets when its entry names none: everything number management and consents need. */
export const DEFAULT_ROLES: readonly Role[] = [
  'NumberManagement.Read',
  'NumberManagement.Write',
  'PartnerSettings.Read',
  'PartnerSettings.Write',
];

/** Well-known values of the default set-up, printed by the CLI and used by tests. */
export const SIMULATOR_DEFAULTS = {
  entraTenantId: '0c0ffee0-0000-4000-8000-00000000000a',
  operatorId: '0c0ffee0-0000-4000-8000-0000000000b0',
  clientId: '0c0ffee0-0000-4000-8000-0000000000c1',
  clientSecret: 'simulator-client-secret',
} as const;

/** Every default in one literal. */
const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  tokenPort: 0,
  basePath: '/api',
  apiVersions: [DEFAULT_API_VERSION],
  maxNumbersPerOrder: 1000,
  processingDelayMs: 500,
  orderProcessing: 'automatic',
  latencyMs: 0,
  latencyJitterMs: 0,
  rateLimitPerSecond: 10,
  tokenLifetimeSeconds: 3599,
  repeatabilityWindowSeconds: 86_400,
  defaultPageSize: 100,
  maxPageSize: 500,
  seed: 1,
  audience: OPERATOR_CONNECT_APP_ID,
} as const;

/** Validates options, fills defaults; throws a PermanentError listing every problem. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const problems = check(optionsSchema, options).map((p) => `${p.target || '(options)'}: ${p.message}`);
  if (options.clock !== undefined && typeof options.clock.now !== 'function') problems.push('clock: must have a now() method');
  const rate = options.rateLimitPerSecond ?? DEFAULTS.rateLimitPerSecond;
  const defaultPageSize = options.defaultPageSize ?? DEFAULTS.defaultPageSize;
  const maxPageSize = options.maxPageSize ?? DEFAULTS.maxPageSize;
  if (defaultPageSize > maxPageSize) problems.push('defaultPageSize: must not exceed maxPageSize');
  const clientIds = (options.clients ?? []).map((c) => c.clientId.toLowerCase());
  if (new Set(clientIds).size !== clientIds.length) problems.push('clients: client ids must be unique');
  if (problems.length > 0) {
    throw new PermanentError('invalid_simulator_options', `invalid simulator options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const clients = (options.clients ?? [{ clientId: SIMULATOR_DEFAULTS.clientId, clientSecret: SIMULATOR_DEFAULTS.clientSecret }]).map(
    (c) => ({
      clientId: c.clientId.toLowerCase(),
      clientSecret: c.clientSecret,
      registered: c.registered ?? true,
      roles: c.roles ?? DEFAULT_ROLES,
    }),
  );
  return Object.freeze({
    host: options.host ?? DEFAULTS.host,
    port: options.port ?? DEFAULTS.port,
    tokenPort: options.tokenPort ?? DEFAULTS.tokenPort,
    basePath: options.basePath ?? DEFAULTS.basePath,
    paths: { ...DEFAULT_PATHS, ...options.paths },
    apiVersions: options.apiVersions ?? DEFAULTS.apiVersions,
    maxNumbersPerOrder: options.maxNumbersPerOrder ?? DEFAULTS.maxNumbersPerOrder,
    processingDelayMs: options.processingDelayMs ?? DEFAULTS.processingDelayMs,
    orderProcessing: options.orderProcessing ?? DEFAULTS.orderProcessing,
    latencyMs: options.latencyMs ?? DEFAULTS.latencyMs,
    latencyJitterMs: options.latencyJitterMs ?? DEFAULTS.latencyJitterMs,
    rateLimitPerSecond: rate,
    rateLimitBurst: options.rateLimitBurst ?? Math.max(1, Math.ceil(rate)),
    faults: options.faults ?? {},
    consents: options.consents ?? [],
    numbers: options.numbers ?? [],
    seedFile: options.seedFile,
    entraTenantId: (options.entraTenantId ?? SIMULATOR_DEFAULTS.entraTenantId).toLowerCase(),
    operatorId: options.operatorId ?? SIMULATOR_DEFAULTS.operatorId,
    audience: options.audience ?? DEFAULTS.audience,
    otherAudiences: options.otherAudiences ?? [],
    clients,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULTS.tokenLifetimeSeconds,
    repeatabilityWindowSeconds: options.repeatabilityWindowSeconds ?? DEFAULTS.repeatabilityWindowSeconds,
    defaultPageSize,
    maxPageSize,
    seed: options.seed ?? DEFAULTS.seed,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? createLogger({ level: 'silent', name: 'simulator' }),
  });
}
