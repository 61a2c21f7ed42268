import type { Admin } from 'kafkajs';
import type { Config } from '../../platform/config/load-config.js';
import { assertSchemaCurrent } from '../../platform/db/migrator.js';
import { checkConnection, createPool } from '../../platform/db/pool.js';
import { healthRoutes } from '../../platform/http/health-routes.js';
import { HttpServer } from '../../platform/http/http-server.js';
import { createKafka, createProbeKafka } from '../../platform/kafka/client.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelayMs, type RetrySchedule } from '../../platform/time/backoff.js';
import { PermanentError } from '../../core/errors.js';
import { explainedError, explainFailure, failureContext } from '../../platform/errors/explain.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { RouteFactory, WorkerIo, WorkerService } from '../../contracts/worker-service.js';
import { WorkerMetrics } from '../metrics/worker-metrics.js';

/** What the worker gives each of its service and route factories: its I/O, its configuration and its metrics. */
export interface WorkerDependencies extends WorkerIo {
  readonly config: Config;
  readonly metrics: WorkerMetrics;
}

/** Makes a component's service(s) from the worker's dependencies (src/app/worker/services.ts has the production ones). */
export type ServiceFactory = (deps: WorkerDependencies) => WorkerService | WorkerService[];

export interface WorkerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly services?: readonly ServiceFactory[];
  readonly routes?: readonly RouteFactory<WorkerDependencies>[];
}

/** A dependency or component as /readyz reports it. */
export interface ReadinessEntry {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

const STARTUP_RETRY: RetrySchedule = { baseMs: 500, capMs: 15_000 };

/** Set-up a deployment completes by itself (a migrate job, topic provisioning): start-up waits for them too. */
const AWAITED: ReadonlySet<string> = new Set(['database_not_migrated', 'topics_missing']);

export class Worker {
  readonly deps: WorkerDependencies;
  private readonly http: HttpServer;
  private readonly admin: Admin;
  private readonly services: WorkerService[];
  private readonly started: WorkerService[] = [];
  private stopping = false;
  private port = 0;
  /** What start() is waiting for, as /readyz reports it while it waits. */
  private waiting: ReadinessEntry | null = { name: 'startup', ok: false, detail: 'starting' };

  constructor(options: WorkerOptions) {
    const { config, logger } = options;
    const pool = createPool({ url: config.database.url, connection: config.database, max: config.database.poolMax, logger });
    const kafka = createKafka(config, logger);
    this.admin = kafka.admin();
    const metrics = new WorkerMetrics({
      pool,
      admin: this.admin,
      logger,
      ordersTopic: config.topics.orders,
      groupId: config.kafka.groupId,
    });
    this.deps = { config, logger, pool, kafka, metrics };
    this.services = (options.services ?? []).flatMap((factory) => factory(this.deps));
    this.http = new HttpServer(logger);
    const checks = [
      { name: 'postgres', check: () => checkConnection(pool) },
      { name: 'kafka', check: async () => void (await this.admin.describeCluster()) },
    ];
    for (const route of healthRoutes(
      checks,
      () => this.stopping,
      () => this.componentReadiness(),
    ))
      this.http.route(route);
    metrics.observeReadiness(() => this.componentReadiness());
    this.http.route(metrics.route());
    for (const factory of options.routes ?? []) for (const route of factory(this.deps)) this.http.route(route);
  }

  get httpPort(): number {
    return this.port;
  }

  /** Each service's readiness (and what start-up waits for); dependencies are checked by /readyz itself. */
  componentReadiness(): ReadinessEntry[] {
    const entries: ReadinessEntry[] = this.waiting ? [this.waiting] : [];
    for (const service of this.services) {
      if (!this.started.includes(service)) {
        entries.push({ name: service.name, ok: false, detail: 'not started' });
        continue;
      }
      const health = service.health?.() ?? { ready: true };
      entries.push({ name: service.name, ok: health.ready, ...(health.detail === undefined ? {} : { detail: health.detail }) });
    }
    return entries;
  }

  /**
   * Opens the health port first, then waits for PostgreSQL (migrated) and the
   * brokers, retrying with capped backoff (one log line per attempt, /readyz
   * 503 meanwhile) until STARTUP_TIMEOUT_MS, if set; then starts the services,
   * each retried the same way.
   */
  async start(): Promise<void> {
    const { config, logger, pool } = this.deps;
    this.port = await this.http.listen(config.http.port, config.http.host);
    logger.info({ port: this.port }, 'health endpoints listening');
    const deadline = config.startupTimeoutMs > 0 ? Date.now() + config.startupTimeoutMs : Number.POSITIVE_INFINITY;
    await this.retryUntilReady('postgres', deadline, () => assertSchemaCurrent(pool));
    await this.retryUntilReady('kafka', deadline, async () => {
      const probe = createProbeKafka(config, logger).admin();
      try {
        await probe.connect();
        await probe.describeCluster();
      } finally {
        await probe.disconnect().catch(() => undefined);
      }
      await this.admin.connect();
    });
    for (const service of this.services) {
      await this.retryUntilReady(service.name, deadline, async () => {
        try {
          await service.start();
        } catch (error) {
          // A half-started service may hold connections that keep the process alive.
          await service.stop().catch(() => undefined);
          throw error;
        }
      });
      this.started.push(service);
      logger.info({ service: service.name }, 'service started');
    }
    this.waiting = null;
    logger.info({ brokers: config.kafka.brokers, services: this.services.map((s) => s.name) }, 'worker started');
  }

  /**
   * Runs `attempt` until it succeeds. A failure waiting can fix (a dependency
   * down, the schema or topics not there yet: a deployment's migrate job or
   * topic provisioning may still be running) is retried with backoff, one log
   * line each; any other (a wrong password, a bad setting) ends start-up at
   * once with its one-line explanation, and so does the deadline.
   */
  private async retryUntilReady(name: string, deadline: number, attempt: () => Promise<void>): Promise<void> {
    const { logger, config } = this.deps;
    for (let failures = 1; ; failures++) {
      if (this.stopping) throw new PermanentError('worker_stopping', `the worker was stopped while waiting for ${name}`);
      this.waiting = { name: 'startup', ok: false, detail: `waiting for ${name}` };
      try {
        await attempt();
        return;
      } catch (error) {
        const explanation = explainFailure(error, failureContext(config));
        if (!explanation.retryable && !AWAITED.has(explanation.code)) throw explainedError(explanation, error);
        this.waiting = { name: 'startup', ok: false, detail: `waiting for ${name}: ${explanation.line}` };
        const delay = retryDelayMs(STARTUP_RETRY, failures, Math.random);
        if (Date.now() + delay > deadline) {
          throw new PermanentError(
            explanation.code,
            `${explanation.line} (gave up waiting: STARTUP_TIMEOUT_MS=${config.startupTimeoutMs})`,
            { cause: error },
          );
        }
        logger.warn(
          { dependency: name, code: explanation.code, attempt: failures, retryInMs: delay },
          `${explanation.line}; retrying in ${delay} ms`,
        );
        await sleep(delay);
      }
    }
  }

  /** Reverse start order: consumers stop fetching and commit before the pool closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    const { logger, pool } = this.deps;
    for (const service of [...this.started].reverse()) {
      await service.stop();
      logger.info({ service: service.name }, 'service stopped');
    }
    this.started.length = 0;
    await this.admin.disconnect();
    await this.http.close();
    await pool.end();
  }
}
