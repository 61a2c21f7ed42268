import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { workerServices } from '../../src/app/worker/services.js';
import { Worker } from '../../src/app/worker/worker.js';
import type { Logger } from '../../src/platform/logging/logger.js';
import type { SimulatorEndpoints } from '../../src/simulator/index.js';
import { onCleanup, testConfig } from './test-context.js';

/**
 * A whole worker (the production composition, src/app/worker) in this
 * process, as the integration tests of the console and the lookup index run
 * it: topics of its own, created on start, and a stop when the file ends.
 */

/** The topics and group of a worker of its own, named after `run`, and the settings that point the worker at them (created on start). */
export function workerTopics(run: string) {
  const topics = { orders: `${run}.orders`, deadLetter: `${run}.orders.dlt`, status: `${run}.status` };
  const env: Record<string, string> = {
    KAFKA_CREATE_TOPICS: 'true',
    ORDERS_TOPIC: topics.orders,
    DEAD_LETTER_TOPIC: topics.deadLetter,
    STATUS_TOPIC: topics.status,
    KAFKA_GROUP_ID: run,
  };
  return { topics, env };
}

/** A reconciler that uploads at once and polls the backend often: no linger, short waits. */
export const QUICK_RECONCILER: Readonly<Record<string, string>> = {
  RECONCILER_LINGER_MS: '0',
  RECONCILER_MAX_LINGER_MS: '0',
  RECONCILER_IDLE_POLL_MS: '50',
  RECONCILER_EXPECTED_PROCESSING_MS: '30',
  RECONCILER_POLL_MAX_MS: '200',
};

/** Starts a Worker on testConfig(env), stopped when the file ends; `base` is its HTTP address. */
export async function startTestWorker(env: Record<string, string>, logger: Logger): Promise<{ worker: Worker; base: string }> {
  const worker = new Worker({ config: testConfig(env), logger, ...workerServices() });
  onCleanup(() => worker.stop());
  await worker.start();
  return { worker, base: `http://127.0.0.1:${worker.httpPort}` };
}

/** Trusts the simulator's test CA for this file's outgoing TLS (the worker's clients), until the file ends. */
export function trustSimulatorCa(endpoints: SimulatorEndpoints): void {
  const previous = getCACertificates('default');
  setDefaultCACertificates([...previous, endpoints.caCertificatePem]);
  onCleanup(async () => setDefaultCACertificates(previous));
}
