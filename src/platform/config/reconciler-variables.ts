import { ConfigError } from './config-error.js';
import { parseVariable } from './parse-variable.js';
import type { VariableSpec } from './variables.js';
import { BACKENDS, type BackendKind } from '../../core/reconcile/backend-kind.js';

/**
 * The reconciler's settings (flow-through to the backend BACKEND chooses:
 * Operator Connect or Azure Communications Gateway), in the VariableSpec shape of variables.ts (README's tables are
 * rendered from both); loadReconcilerConfig is pure and reports every problem at once.
 */
export const RECONCILER_VARIABLES = [
  {
    name: 'RECONCILER_ENABLED',
    type: 'boolean',
    default: 'true',
    description:
      'run the reconciler (flow-through to the backend) in this worker; true needs OPERATOR_CONNECT_BASE_URL (BACKEND=operator-connect) or ACG_PROVISIONING_BASE_URL (BACKEND=acg)',
  },
  {
    name: 'BACKEND',
    type: 'string',
    default: 'operator-connect',
    enum: BACKENDS,
    description:
      "which backend the reconciler provisions through: operator-connect = the modelled Operator Connect API (OPERATOR_CONNECT_*, Operator Connect and Teams Phone Mobile only); acg = Azure Communications Gateway's Provisioning API (ACG_PROVISIONING_*, every service)",
  },
  {
    name: 'RECONCILER_INSTANCE_ID',
    type: 'string',
    default: '',
    description: 'name of this instance in operation locks; empty: host, pid and a random suffix',
  },
  {
    name: 'RECONCILER_LINGER_MS',
    type: 'integer',
    default: '200',
    minimum: 0,
    maximum: 60_000,
    description:
      'a batch that is not full waits until no new number joined it for this long, so numbers of many orders share one backend order',
  },
  {
    name: 'RECONCILER_MAX_LINGER_MS',
    type: 'integer',
    default: '2000',
    minimum: 0,
    maximum: 600_000,
    description: 'longest time a pending number waits for its batch to fill',
  },
  {
    name: 'RECONCILER_CONCURRENCY',
    type: 'integer',
    default: '32',
    minimum: 1,
    maximum: 1000,
    description: 'backend operations one instance runs at once',
  },
  {
    name: 'RECONCILER_PLAN_BATCH',
    type: 'integer',
    default: '20000',
    minimum: 1,
    maximum: 1_000_000,
    description: 'work rows one planning pass reads',
  },
  {
    name: 'RECONCILER_IDLE_POLL_MS',
    type: 'integer',
    default: '1000',
    minimum: 10,
    maximum: 600_000,
    description: 'longest sleep when nothing is due (new orders also wake it)',
  },
  {
    name: 'RECONCILER_LEASE_MS',
    type: 'integer',
    default: '120000',
    minimum: 100,
    maximum: 3_600_000,
    description: 'how long a claimed operation stays locked to one instance; an instance that died loses it after this',
  },
  {
    name: 'RECONCILER_EXPECTED_PROCESSING_MS',
    type: 'integer',
    default: '2000',
    minimum: 0,
    maximum: 600_000,
    description:
      "the backend's usual order processing time: the first status read waits this long after the order was accepted; later reads start at half of it, doubling up to RECONCILER_POLL_MAX_MS",
  },
  {
    name: 'RECONCILER_POLL_MAX_MS',
    type: 'integer',
    default: '30000',
    minimum: 1,
    maximum: 3_600_000,
    description: 'longest wait between status reads of a backend order',
  },
  {
    name: 'RECONCILER_RETRY_BASE_MS',
    type: 'integer',
    default: '1000',
    minimum: 1,
    maximum: 600_000,
    description: 'first backoff after a transient failure; doubles per attempt (equal jitter)',
  },
  {
    name: 'RECONCILER_RETRY_CAP_MS',
    type: 'integer',
    default: '300000',
    minimum: 1,
    maximum: 86_400_000,
    description: 'largest backoff between attempts of an operation',
  },
  {
    name: 'RECONCILER_MAX_ATTEMPTS',
    type: 'integer',
    default: '20',
    minimum: 1,
    maximum: 10_000,
    description: 'submit attempts before an operation fails with its last transient error',
  },
  {
    name: 'RECONCILER_CONSENT_CACHE_MS',
    type: 'integer',
    default: '5000',
    minimum: 0,
    maximum: 3_600_000,
    description: 'how long a consent read is reused for planning uploads',
  },
  {
    name: 'RECONCILER_CONSENT_RECHECK_MS',
    type: 'integer',
    default: '60000',
    minimum: 10,
    maximum: 86_400_000,
    description: 'how often numbers held for a consent are checked again',
  },
  {
    name: 'RECONCILER_CONSENT_DEADLINE_MS',
    type: 'integer',
    default: '604800000',
    minimum: 0,
    maximum: 31_536_000_000,
    description: 'numbers held for a consent longer than this fail with the consent error (default 7 days)',
  },
  {
    name: 'RECONCILER_CONSENT_SYNC_MS',
    type: 'integer',
    default: '60000',
    minimum: 0,
    maximum: 86_400_000,
    description:
      "how often every consent is listed from the backend into backend_consents (what `flowthrough consents` and the read API's /v1/teamsRequestsForInformation show); 0 = off (`consents show --refresh` still reads on demand)",
  },
] as const satisfies readonly VariableSpec[];

export type ReconcilerVariableName = (typeof RECONCILER_VARIABLES)[number]['name'];

export interface ReconcilerConfig {
  readonly enabled: boolean;
  /** BACKEND: the API the reconciler provisions through. */
  readonly backend: BackendKind;
  /** Empty: derived at start. */
  readonly instanceId: string;
  readonly lingerMs: number;
  readonly maxLingerMs: number;
  readonly concurrency: number;
  readonly planBatch: number;
  readonly idlePollMs: number;
  readonly leaseMs: number;
  readonly expectedProcessingMs: number;
  readonly pollMaxMs: number;
  readonly retry: { readonly baseMs: number; readonly capMs: number; readonly maxAttempts: number };
  readonly consent: {
    readonly cacheMs: number;
    readonly recheckMs: number;
    readonly deadlineMs: number;
    /** RECONCILER_CONSENT_SYNC_MS: the consent state sync's list interval; 0: off. */
    readonly syncMs: number;
  };
}

function parse(spec: VariableSpec, text: string, problems: string[]): string | number | boolean {
  return parseVariable(spec, text, problems) as string | number | boolean;
}

/** Reads, validates and freezes the reconciler settings; throws ConfigError listing every problem. */
export function loadReconcilerConfig(env: Readonly<Record<string, string | undefined>>): ReconcilerConfig {
  const problems: string[] = [];
  const raw = new Map<string, string | number | boolean>();
  for (const spec of RECONCILER_VARIABLES as readonly VariableSpec[])
    raw.set(spec.name, parse(spec, env[spec.name] ?? spec.default ?? '', problems));
  const num = (k: ReconcilerVariableName): number => Number(raw.get(k));
  if (num('RECONCILER_MAX_LINGER_MS') < num('RECONCILER_LINGER_MS'))
    problems.push('RECONCILER_MAX_LINGER_MS: must be ≥ RECONCILER_LINGER_MS');
  if (num('RECONCILER_RETRY_CAP_MS') < num('RECONCILER_RETRY_BASE_MS'))
    problems.push('RECONCILER_RETRY_CAP_MS: must be ≥ RECONCILER_RETRY_BASE_MS');
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    enabled: raw.get('RECONCILER_ENABLED') === true,
    backend: raw.get('BACKEND') === 'acg' ? 'acg' : 'operator-connect',
    instanceId: String(raw.get('RECONCILER_INSTANCE_ID')),
    lingerMs: num('RECONCILER_LINGER_MS'),
    maxLingerMs: num('RECONCILER_MAX_LINGER_MS'),
    concurrency: num('RECONCILER_CONCURRENCY'),
    planBatch: num('RECONCILER_PLAN_BATCH'),
    idlePollMs: num('RECONCILER_IDLE_POLL_MS'),
    leaseMs: num('RECONCILER_LEASE_MS'),
    expectedProcessingMs: num('RECONCILER_EXPECTED_PROCESSING_MS'),
    pollMaxMs: num('RECONCILER_POLL_MAX_MS'),
    retry: Object.freeze({
      baseMs: num('RECONCILER_RETRY_BASE_MS'),
      capMs: num('RECONCILER_RETRY_CAP_MS'),
      maxAttempts: num('RECONCILER_MAX_ATTEMPTS'),
    }),
    consent: Object.freeze({
      cacheMs: num('RECONCILER_CONSENT_CACHE_MS'),
      recheckMs: num('RECONCILER_CONSENT_RECHECK_MS'),
      deadlineMs: num('RECONCILER_CONSENT_DEADLINE_MS'),
      syncMs: num('RECONCILER_CONSENT_SYNC_MS'),
    }),
  });
}
