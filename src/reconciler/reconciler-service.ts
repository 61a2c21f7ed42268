import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import type { ReconcilerConfig } from '../platform/config/reconciler-variables.js';
import type { Logger } from '../platform/logging/logger.js';
import { countryOf } from '../core/telephony/country-of-number.js';
import type { ComponentHealth, WorkerService } from '../contracts/worker-service.js';
import { NotificationListener } from '../platform/db/notification-listener.js';
import { RECONCILER_CHANNEL } from '../contracts/reconciler-channel.js';
import type { Backend } from './backend/backend.js';
import { ConsentCache } from './consent-cache.js';
import { ConsentSync } from './consent-sync.js';
import { Executor, type ExecutorHooks } from './executor.js';
import { Planner, type PlanPassResult } from './planner.js';
import type { StatusSettings } from './roll-up-orders.js';
import * as sql from './sql.js';
import { componentLogger } from '../platform/logging/component-logger.js';

/** Work besides numbers that a backend needs kept in step (acg: its accounts), run with each planning pass. */
export interface SideSync {
  run(signal?: AbortSignal): Promise<number>;
}

export interface ReconcilerDeps {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly backend: Backend;
  readonly config: ReconcilerConfig;
  /** Run with each planning pass, before it (acg: accounts are written before their numbers). */
  readonly sideSyncs?: readonly SideSync[];
  /** STATUS_TOPIC and STATUS_EVENT_SOURCE. */
  readonly status: StatusSettings;
  readonly hooks?: ExecutorHooks;
  readonly random?: () => number;
  /** Country of a number for the consent check; the modelled service's table by default. */
  readonly countryOf?: (telephoneNumber: string) => string | undefined;
  /** Started before the loops, stopped after them (the fleet-wide API rate budget). */
  readonly budget?: { start(): Promise<void>; stop(): Promise<void> };
}

export interface Reconciler extends WorkerService {
  readonly instanceId: string;
  /** One planning pass and every operation due now, awaited (tests, CLI). */
  runOnce(options?: { ignoreLinger?: boolean }): Promise<{ plan: PlanPassResult; operations: number }>;
  readonly planner: Planner;
}

/** Numbers per planning transaction (at least one backend order's worth). */
const PLAN_CHUNK_NUMBERS = 2000;

/** A sleep that a wake() ends early; a wake() while awake makes the next sleep return at once. */
class Waker {
  private resolve: (() => void) | undefined;
  private pending = false;

  wake(): void {
    const r = this.resolve;
    this.resolve = undefined;
    if (r) r();
    else this.pending = true;
  }

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resolve = undefined;
        resolve();
      }, ms);
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * The reconciler as a worker service: a loop that plans unplanned work from
 * PostgreSQL and runs due backend operations, up to `concurrency` at once.
 * It sleeps until the next operation is due (or a held number is to be
 * looked at again), and wakes early when work is announced on its own
 * channel (src/contracts/reconciler-channel.ts: new orders, work handed back
 * to planning) or an operation of its own finishes.
 */
class ReconcilerService implements Reconciler {
  readonly name = 'reconciler';
  readonly instanceId: string;
  readonly planner: Planner;
  private readonly executor: Executor;
  private readonly consentSync: ConsentSync;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly planWake = new Waker();
  private readonly executeWake = new Waker();
  private readonly listener: NotificationListener;
  /** Why the last planning pass failed, if it did: readiness. */
  private planProblem: string | null = null;
  /** The last planning pass skipped numbers whose operation is open: a settled operation may free them. */
  private waitingOnOperations = false;

  constructor(private readonly deps: ReconcilerDeps) {
    const { config, logger } = deps;
    this.instanceId = config.instanceId || `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const log = componentLogger(logger, 'reconciler', { instance: this.instanceId });
    const { backend } = deps;
    const maxNumbers = backend.maxNumbersPerOperation;
    const consents = new ConsentCache(backend.consents, config.consent.cacheMs, log);
    this.planner = new Planner({
      pool: deps.pool,
      logger: log,
      planning: backend.planning,
      consents,
      status: deps.status,
      maxNumbersPerOrder: maxNumbers,
      lingerMs: config.lingerMs,
      maxLingerMs: config.maxLingerMs,
      planBatch: config.planBatch,
      // Transactions of a few backend orders' worth: the first operations commit (and go out) while the pass goes on.
      planChunk: Math.min(config.planBatch, Math.max(maxNumbers, PLAN_CHUNK_NUMBERS)),
      // The first transaction of a pass: one backend order's worth, out before the rest is planned.
      firstChunk: maxNumbers,
      onPlanned: () => this.executeWake.wake(),
      consentRecheckMs: config.consent.recheckMs,
      consentDeadlineMs: config.consent.deadlineMs,
      countryOf: deps.countryOf ?? countryOf,
    });
    this.consentSync = new ConsentSync({
      pool: deps.pool,
      logger: log,
      client: backend.consents,
      leaseMs: config.leaseMs,
      retry: config.retry,
      random: deps.random ?? Math.random,
      status: deps.status,
    });
    this.executor = new Executor({
      pool: deps.pool,
      logger: log,
      backend,
      instanceId: this.instanceId,
      status: deps.status,
      leaseMs: config.leaseMs,
      expectedProcessingMs: config.expectedProcessingMs,
      pollMaxMs: config.pollMaxMs,
      retry: config.retry,
      random: deps.random ?? Math.random,
      hooks: deps.hooks ?? {},
      onWorkRequeued: () => this.planWake.wake(),
    });
    this.listener = new NotificationListener({
      pool: deps.pool,
      // Its own channel: new orders (the intake) and work handed back to planning wake the planner.
      channel: RECONCILER_CHANNEL,
      logger: log,
      onNotification: () => this.planWake.wake(),
      // Orders committed while the connection was down announced themselves to nobody.
      onReconnected: () => this.planWake.wake(),
    });
  }

  /**
   * Ready when it listens for new orders, its last planning pass worked, and
   * a backend token can be had (a credential that fails leaves every order
   * waiting: readiness names the OPERATOR_CONNECT_* setting).
   */
  health(): ComponentHealth {
    if (!this.running) return { ready: false, detail: 'not running' };
    if (!this.listener.listening)
      return { ready: false, detail: `PostgreSQL LISTEN connection down: ${this.listener.lastProblem ?? 'reconnecting'}` };
    const token = this.deps.backend.tokenProblem?.();
    if (token)
      return { ready: false, detail: `${token.code}: ${token.line} (since ${token.since.toISOString()}, ${token.failures} failure(s))` };
    if (this.planProblem !== null) return { ready: false, detail: `planning failed: ${this.planProblem}` };
    return { ready: true };
  }

  async start(): Promise<void> {
    if (!this.deps.config.enabled) {
      this.deps.logger.info('reconciler disabled (RECONCILER_ENABLED=false)');
      return;
    }
    // The token is taken now, not by the first operation; a failure here is only logged (each call retries it).
    // The client's token health logs failures once per streak (with the setting to fix); readiness reports them.
    this.deps.backend
      .authenticate?.()
      .catch((error: unknown) =>
        this.deps.logger.debug({ err: error, backend: this.deps.backend.kind }, 'cannot obtain a backend access token yet'),
      );
    const { backend } = this.deps;
    this.deps.logger.info(
      {
        backend: backend.kind,
        maxNumbersPerOperation: backend.maxNumbersPerOperation,
        requestsPerSecond: Math.round(backend.requestsPerSecond * 1000) / 1000,
        services: backend.services,
        fleetBudget: this.deps.budget !== undefined,
      },
      `reconciler provisions through ${backend.kind}; completion: ${backend.completion}`,
    );
    await this.deps.budget?.start();
    await this.listener.start();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running && !this.loop) return;
    this.running = false;
    this.abort.abort(new Error('reconciler stopping'));
    this.planWake.wake();
    this.executeWake.wake();
    await this.loop;
    await Promise.allSettled(this.inFlight.values());
    await this.listener.stop();
    await this.deps.budget?.stop();
  }

  async runOnce(options: { ignoreLinger?: boolean } = {}): Promise<{ plan: PlanPassResult; operations: number }> {
    for (const side of this.deps.sideSyncs ?? []) await side.run();
    const plan = await this.planner.pass(options.ignoreLinger ? { ignoreLinger: true } : undefined);
    await this.consentSync.run();
    const claimed = await this.executor.claim(this.deps.config.concurrency);
    await Promise.all(claimed.map((op) => this.executor.run(op)));
    return { plan, operations: claimed.length };
  }

  /**
   * Two loops: planning (reads and locks many rows) must not hold up the
   * operations whose submits and polls keep the API's rate budget busy.
   */
  private async run(): Promise<void> {
    await Promise.all([this.planLoop(), this.executeLoop()]);
  }

  private async planLoop(): Promise<void> {
    const { config, logger } = this.deps;
    while (this.running) {
      let lingering = 0;
      let planned = 0;
      let more = false;
      try {
        for (const side of this.deps.sideSyncs ?? []) await side.run(this.abort.signal);
        const result = await this.planner.pass();
        lingering = result.lingering;
        planned = result.operations;
        // Only a pass that got somewhere goes again at once (numbers locked elsewhere or waiting on an operation must not spin it).
        more = result.more && result.numbersPlanned + result.converged + result.held + result.failed > 0;
        this.waitingOnOperations = result.waiting > 0;
        await this.consentSync.run(this.abort.signal);
        this.planProblem = null;
      } catch (error) {
        this.planProblem = error instanceof Error ? error.message : String(error);
        logger.error({ err: error }, 'planning pass failed; retrying');
      }
      if (planned > 0) this.executeWake.wake();
      if (!this.running) break;
      // A pass cut by planBatch left due work: the next one follows at once, so the API never waits for planning.
      if (more) continue;
      // Lingering batches are looked at again soon; otherwise new orders (the reconciler channel),
      // a settled operation that held numbers back, or the idle poll wake it.
      const delay = lingering > 0 ? Math.max(10, Math.ceil(config.lingerMs / 2)) : config.idlePollMs;
      await this.planWake.sleep(delay);
    }
  }

  private async executeLoop(): Promise<void> {
    const { config, logger, pool } = this.deps;
    while (this.running) {
      try {
        const free = config.concurrency - this.inFlight.size;
        for (const op of await this.executor.claim(free)) {
          const task = this.executor
            .run(op, this.abort.signal)
            .catch((error: unknown) => logger.error({ err: error, operationId: op.id }, 'operation task failed'))
            .finally(() => {
              this.inFlight.delete(op.id);
              this.executeWake.wake();
              if (this.waitingOnOperations) this.planWake.wake();
            });
          this.inFlight.set(op.id, task);
        }
      } catch (error) {
        logger.error({ err: error }, 'claiming operations failed; retrying');
      }
      if (!this.running) break;
      let delay = config.idlePollMs;
      // With every slot taken only a finishing operation (its wake) can start another: no need to ask when the next is due.
      if (this.inFlight.size < config.concurrency) {
        try {
          const due = (await pool.query<{ due_ms: number | null }>(sql.NEXT_DUE_MS)).rows[0]?.due_ms;
          if (due !== null && due !== undefined) delay = Math.min(delay, Math.ceil(due));
        } catch (error) {
          logger.warn({ err: error }, 'cannot read the next due time');
        }
      }
      if (delay > 0) await this.executeWake.sleep(delay);
    }
  }
}

/** The reconciler as a WorkerService, from its options (createReconciler builds them from the configuration). */
export function reconcilerService(deps: ReconcilerDeps): Reconciler {
  return new ReconcilerService(deps);
}
