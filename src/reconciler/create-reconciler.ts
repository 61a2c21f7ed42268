import type { Pool } from 'pg';
import { AcgProvisioningClient } from '../acg/index.js';
import { FleetBudget, OperatorConnectClient, type CircuitState, type ClientHooks } from '../operator-connect/index.js';
import { ConfigError } from '../platform/config/config-error.js';
import type { Config } from '../platform/config/load-config.js';
import { OPERATOR_CONNECT_VARIABLES } from '../platform/config/operator-connect-variables.js';
import type { Logger } from '../platform/logging/logger.js';
import { componentLogger } from '../platform/logging/component-logger.js';
import { AccountSync, type AccountWriter } from './account-sync.js';
import { createConsentStateSync } from './consent-state-sync.js';
import { acgBackend, type AcgNumberClient } from './backend/acg-backend.js';
import type { Backend } from './backend/backend.js';
import { operatorConnectBackend, type ReconcilerClient } from './backend/operator-connect-backend.js';
import type { ExecutorHooks } from './executor.js';
import type { StatusSettings } from './roll-up-orders.js';
import { reconcilerService, type Reconciler, type SideSync } from './reconciler-service.js';

/** The settings the reconciler reads: RECONCILER_* (BACKEND among them), the chosen backend's, the status topic, ce_source and the status event size. */
export type ReconcilerSettings = Pick<Config, 'reconciler' | 'operatorConnect'> &
  Partial<Pick<Config, 'acg'>> & {
    readonly topics: Pick<Config['topics'], 'status'>;
    readonly intake: Pick<Config['intake'], 'statusSource'>;
    readonly outbox: Pick<Config['outbox'], 'statusEventMaxBytes'>;
  };

export interface ReconcilerFactoryDeps {
  readonly pool: Pool;
  readonly logger: Logger;
  /** BACKEND=operator-connect: the client; when absent, an OperatorConnectClient is built from OPERATOR_CONNECT_* (required then). */
  readonly client?: ReconcilerClient;
  /** BACKEND=acg: the client; when absent, an AcgProvisioningClient is built from ACG_PROVISIONING_* (required then). */
  readonly acgClient?: AcgNumberClient & AccountWriter;
  /** Jitter source, [0, 1). */
  readonly random?: () => number;
  /** Country of a number for the consent check; the modelled service's table by default. */
  readonly countryOf?: (telephoneNumber: string) => string | undefined;
}

/**
 * What the reconciler reports as it works. The client hooks (onCall, onRetry,
 * onCircuitStateChange) and observeCircuit reach the client this factory
 * builds; a client given in deps reports through its own. afterSubmit and
 * onSettled are the operation lifecycle's test seams.
 */
export interface ReconcilerHooks extends ClientHooks, ExecutorHooks {
  /** Given a reader of the built client's circuit breaker (metrics read it at scrape time). */
  readonly observeCircuit?: (read: () => CircuitState) => void;
  /** Given a reader of the built client's pacing rate, calls per second: its share of the fleet budget (metrics). */
  readonly observeRateShare?: (read: () => number) => void;
}

const DEFAULT_MAX_NUMBERS_PER_ORDER = Number(
  OPERATOR_CONNECT_VARIABLES.find((v) => v.name === 'OPERATOR_CONNECT_MAX_NUMBERS_PER_ORDER')?.default ?? 1000,
);

interface BuiltBackend {
  readonly backend: Backend;
  readonly budget?: FleetBudget;
  readonly sideSyncs: readonly SideSync[];
}

function operatorConnect(config: ReconcilerSettings, deps: ReconcilerFactoryDeps, hooks: ReconcilerHooks, log: Logger): BuiltBackend {
  const oc = config.operatorConnect;
  const maxNumbers = oc?.maxNumbersPerOrder ?? DEFAULT_MAX_NUMBERS_PER_ORDER;
  if (deps.client) return { backend: operatorConnectBackend(deps.client, maxNumbers, oc?.rateLimitPerSecond ?? 0), sideSyncs: [] };
  if (oc === null) {
    throw new ConfigError([
      'OPERATOR_CONNECT_BASE_URL: required when RECONCILER_ENABLED=true (the default) and BACKEND=operator-connect; set it (and the OPERATOR_CONNECT_* credentials), BACKEND=acg with ACG_PROVISIONING_*, or RECONCILER_ENABLED=false for a worker without flow-through',
    ]);
  }
  const { onCall, onRetry, onCircuitStateChange } = hooks;
  const built = new OperatorConnectClient({ config: oc, logger: log, onCall, onRetry, onCircuitStateChange });
  hooks.observeCircuit?.(() => built.circuitState);
  hooks.observeRateShare?.(() => built.rateLimitPerSecond);
  // OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet: the rate binds every worker on this database together.
  const budget =
    oc.rateLimitScope === 'fleet' && oc.rateLimitPerSecond > 0
      ? new FleetBudget({ pool: deps.pool, logger: log, ratePerSecond: oc.rateLimitPerSecond, apply: (share) => built.setRateLimit(share) })
      : undefined;
  return { backend: operatorConnectBackend(built, maxNumbers, oc.rateLimitPerSecond), sideSyncs: [], ...(budget ? { budget } : {}) };
}

function statusSettings(config: ReconcilerSettings): StatusSettings {
  return {
    topic: config.topics.status,
    source: config.intake.statusSource,
    maxEventBytes: config.outbox.statusEventMaxBytes,
    accountItemsAwaitAccountWrite: config.reconciler.backend === 'acg',
  };
}

/** ACG holds accounts: they are written (and deleted) before (after) their numbers. */
function accountSync(config: ReconcilerSettings, deps: ReconcilerFactoryDeps, client: AccountWriter, log: Logger): AccountSync {
  const r = config.reconciler;
  return new AccountSync({
    pool: deps.pool,
    logger: log,
    client,
    leaseMs: r.leaseMs,
    retry: r.retry,
    random: deps.random ?? Math.random,
    status: statusSettings(config),
    pollMs: config.acg?.pollIntervalMs ?? r.expectedProcessingMs,
  });
}

function acg(config: ReconcilerSettings, deps: ReconcilerFactoryDeps, hooks: ReconcilerHooks, log: Logger): BuiltBackend {
  if (deps.acgClient)
    return {
      backend: acgBackend(deps.acgClient, config.acg?.requestsPerMinute ?? 0),
      sideSyncs: [accountSync(config, deps, deps.acgClient, log)],
    };
  const settings = config.acg ?? null;
  if (settings === null) {
    throw new ConfigError([
      'ACG_PROVISIONING_BASE_URL: required when RECONCILER_ENABLED=true (the default) and BACKEND=acg; set it (and the ACG_PROVISIONING_* credentials), or RECONCILER_ENABLED=false for a worker without flow-through',
    ]);
  }
  const { onCall, onRetry } = hooks;
  const built = new AcgProvisioningClient({
    settings,
    logger: log,
    ...(onCall ? { onCall } : {}),
    ...(onRetry ? { onRetry } : {}),
  });
  hooks.observeRateShare?.(() => built.requestsPerMinute / 60);
  // The published 100 requests/minute is the deployment's: with ACG_PROVISIONING_RATE_LIMIT_SCOPE=fleet the workers share it.
  const budget =
    settings.rateLimitScope === 'fleet' && settings.requestsPerMinute > 0
      ? new FleetBudget({
          pool: deps.pool,
          logger: log,
          ratePerSecond: settings.requestsPerMinute / 60,
          apply: (share) => built.setRequestsPerMinute(share * 60),
        })
      : undefined;
  return {
    backend: acgBackend(built, settings.requestsPerMinute),
    sideSyncs: [accountSync(config, deps, built, log)],
    ...(budget ? { budget } : {}),
  };
}

/**
 * Flow-through as the worker runs it, from the loaded configuration: the one
 * place that turns settings into the reconciler's options and chooses its
 * backend (BACKEND=operator-connect|acg).
 */
export function createReconciler(config: ReconcilerSettings, deps: ReconcilerFactoryDeps, hooks: ReconcilerHooks = {}): Reconciler {
  const log = componentLogger(deps.logger, 'reconciler');
  const built = config.reconciler.backend === 'acg' ? acg(config, deps, hooks, log) : operatorConnect(config, deps, hooks, log);
  const consentState = createConsentStateSync(config, { pool: deps.pool, logger: log, consents: built.backend.consents });
  const { afterSubmit, onSettled } = hooks;
  return reconcilerService({
    pool: deps.pool,
    logger: log,
    // What the backend reports of consents is kept in backend_consents: every read planning makes, and a list every RECONCILER_CONSENT_SYNC_MS.
    backend: { ...built.backend, consents: consentState.observe(built.backend.consents) },
    sideSyncs: [...built.sideSyncs, consentState],
    config: config.reconciler,
    status: statusSettings(config),
    hooks: { afterSubmit, onSettled },
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.countryOf ? { countryOf: deps.countryOf } : {}),
    ...(built.budget ? { budget: built.budget } : {}),
  });
}
