import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '../config/load-config.js';
import { assertSchemaCurrent } from '../db/migrator.js';
import { createPool } from '../db/pool.js';
import { healthRoutes } from '../http/health-routes.js';
import { HttpServer, type Route } from '../http/http-server.js';
import { createKafka } from '../kafka/client.js';
import type { Logger } from '../logging/logger.js';
import { WorkerMetrics } from '../metrics/worker-metrics.js';

/** A long-running part of the worker (intake consumer, outbox relay, reconciler…). */
export interface WorkerService {
  readonly name: string;
  start(): Promise<void>;
  /** Stop taking new work, finish what is in hand, commit, release. */
  stop(): Promise<void>;
}

export interface WorkerDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly metrics: WorkerMetrics;
}

export type ServiceFactory = (deps: WorkerDependencies) => WorkerService | WorkerService[];
export type RouteFactory = (deps: WorkerDependencies) => Route[];

export interface WorkerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly services?: readonly ServiceFactory[];
  readonly routes?: readonly RouteFactory[];
}

export class Worker {
  readonly deps: WorkerDependencies;
  private readonly http: HttpServer;
  private readonly admin: Admin;
  private readonly services: WorkerService[];
  private readonly started: WorkerService[] = [];
  private stopping = false;
  private port = 0;

  constructor(options: WorkerOptions) {
    const { config, logger } = options;
    const pool = createPool({ url: config.database.url, max: config.database.poolMax, logger });
    const kafka = createKafka(config, logger);
    this.admin = kafka.admin();
    const metrics = new WorkerMetrics({ pool, admin: this.admin, logger, ordersTopic: config.topics.orders, groupId: config.kafka.groupId });
    this.deps = { config, logger, pool, kafka, metrics };
    this.services = (options.services ?? []).flatMap((factory) => factory(this.deps));
    this.http = new HttpServer(logger);
    const checks = [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: async () => void (await this.admin.describeCluster()) },
    ];
    for (const route of healthRoutes(checks, () => this.stopping)) this.http.route(route);
    this.http.route(metrics.route());
    for (const factory of options.routes ?? []) for (const route of factory(this.deps)) this.http.route(route);
  }

  get httpPort(): number {
    return this.port;
  }

  async start(): Promise<void> {
    const { config, logger, pool } = this.deps;
    await assertSchemaCurrent(pool);
    await this.admin.connect();
    this.port = await this.http.listen(config.http.port, config.http.host);
    logger.info({ port: this.port }, 'health endpoints listening');
    for (const service of this.services) {
      try {
        await service.start();
      } catch (error) {
        // A half-started service may hold connections that keep the process alive.
        await service.stop().catch(() => undefined);
        throw error;
      }
      this.started.push(service);
      logger.info({ service: service.name }, 'service started');
    }
    logger.info({ brokers: config.kafka.brokers, services: this.services.map((s) => s.name) }, 'worker started');
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
