import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Route } from './http-route.js';

/**
 * What a component offers the worker that runs it (src/app/worker): a
 * service it starts and stops, its readiness, and HTTP routes. Components
 * implement these; the worker only ever sees them through these types.
 */

/** Whether a component can do its work now, and if not, why (one line an operator can act on). */
export interface ComponentHealth {
  readonly ready: boolean;
  readonly detail?: string;
}

/** A long-running part of the worker (intake consumer, outbox relay, reconciler…). */
export interface WorkerService {
  readonly name: string;
  start(): Promise<void>;
  /** Stop taking new work, finish what is in hand, commit, release. */
  stop(): Promise<void>;
  /** Its readiness, reported by /readyz; a service without it is ready once started. */
  health?(): ComponentHealth;
}

/** The I/O handles a worker shares with its components. */
export interface WorkerIo {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly logger: Logger;
}

/** HTTP routes a component mounts on the worker's port, made from what the worker shares (`Deps`: at least its I/O). */
export type RouteFactory<Deps extends WorkerIo = WorkerIo> = (deps: Deps) => Route[];
