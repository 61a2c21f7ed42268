import type { Pool } from 'pg';
import { FleetBudget, OperatorConnectClient, type CircuitState, type ClientHooks } from '../operator-connect/index.js';
import { ConfigError } from '../platform/config/config-error.js';
import type { Config } from '../platform/config/load-config.js';
import { OPERATOR_CONNECT_VARIABLES } from '../platform/config/operator-connect-variables.js';
import type { Logger } from '../platform/logging/logger.js';
import type { ExecutorHooks } from './executor.js';
import { reconcilerService, type Reconciler, type ReconcilerClient } from './reconciler-service.js';
import { componentLogger } from '../platform/logging/component-logger.js';

/** The settings the reconciler reads: RECONCILER_*, OPERATOR_CONNECT_*, the status topic, ce_source and the status event size. */
export type ReconcilerSettings = Pick<Config, 'reconciler' | 'operatorConnect'> & {
  readonly topics: Pick<Config['topics'], 'status'>;
  readonly intake: Pick<Config['intake'], 'statusSource'>;
  readonly outbox: Pick<Config['outbox'], 'statusEventMaxBytes'>;
};

export interface ReconcilerFactoryDeps {
  readonly pool: Pool;
  readonly logger: Logger;
  /** The backend client; when absent, an OperatorConnectClient is built from OPERATOR_CONNECT_* (required then). */
  readonly client?: ReconcilerClient;
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

/**
 * Flow-through to Operator Connect / Teams Phone Mobile as the worker runs
 * it, from the loaded configuration: the one place that turns settings into
 * the reconciler's (and its backend client's) options.
 */
export function createReconciler(config: ReconcilerSettings, deps: ReconcilerFactoryDeps, hooks: ReconcilerHooks = {}): Reconciler {
  const oc = config.operatorConnect;
  const log = componentLogger(deps.logger, 'reconciler');
  let client = deps.client;
  let budget: FleetBudget | undefined;
  if (client === undefined) {
    if (oc === null) {
      throw new ConfigError([
        'OPERATOR_CONNECT_BASE_URL: required when RECONCILER_ENABLED=true (the default); set it (and the OPERATOR_CONNECT_* credentials), or RECONCILER_ENABLED=false for a worker without flow-through',
      ]);
    }
    const { onCall, onRetry, onCircuitStateChange } = hooks;
    const built = new OperatorConnectClient({ config: oc, logger: log, onCall, onRetry, onCircuitStateChange });
    hooks.observeCircuit?.(() => built.circuitState);
    hooks.observeRateShare?.(() => built.rateLimitPerSecond);
    client = built;
    // OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet: the rate binds every worker on this database together.
    if (oc.rateLimitScope === 'fleet' && oc.rateLimitPerSecond > 0) {
      budget = new FleetBudget({
        pool: deps.pool,
        logger: log,
        ratePerSecond: oc.rateLimitPerSecond,
        apply: (share) => built.setRateLimit(share),
      });
    }
  }
  const { afterSubmit, onSettled } = hooks;
  return reconcilerService({
    pool: deps.pool,
    logger: log,
    client,
    config: config.reconciler,
    maxNumbersPerOrder: oc?.maxNumbersPerOrder ?? DEFAULT_MAX_NUMBERS_PER_ORDER,
    status: {
      topic: config.topics.status,
      source: config.intake.statusSource,
      maxEventBytes: config.outbox.statusEventMaxBytes,
    },
    hooks: { afterSubmit, onSettled },
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.countryOf ? { countryOf: deps.countryOf } : {}),
    ...(budget ? { budget } : {}),
  });
}
