import type { Config } from '../../../platform/config/load-config.js';
import type { Logger } from '../../../platform/logging/logger.js';
import { installShutdown } from '../../worker/shutdown.js';
import { Worker } from '../../worker/worker.js';
import { workerServices } from '../../worker/services.js';

/** Runs until SIGTERM/SIGINT; the shutdown handler exits the process. */
export async function workerCommand(config: Config, logger: Logger): Promise<void> {
  const worker = new Worker({ config, logger, ...workerServices() });
  installShutdown({
    stop: () => worker.stop(),
    timeoutMs: config.shutdownTimeoutMs,
    logger,
    exit: (code) => process.exit(code),
    emitter: process,
  });
  try {
    await worker.start();
  } catch (error) {
    // Release what did start (pool, sockets) so the process can exit with the error.
    await worker.stop().catch((stopError: unknown) => logger.warn({ err: stopError }, 'cleanup after a failed start failed'));
    throw error;
  }
}
