import type { EventEmitter } from 'node:events';
import type { Logger } from '../../platform/logging/logger.js';

export interface ShutdownOptions {
  readonly stop: () => Promise<void>;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly exit: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
  /** The process, or a stand-in in tests. */
  readonly emitter: EventEmitter;
}

/**
 * First SIGTERM/SIGINT: graceful stop, exit 0 when done (1 if it failed).
 * A second signal, or the timeout, forces exit 1.
 */
export function installShutdown(options: ShutdownOptions): () => void {
  const { stop, timeoutMs, logger, exit, emitter } = options;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: forcing exit');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal, timeoutMs }, 'stopping gracefully');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'graceful stop timed out: forcing exit');
      exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        clearTimeout(timer);
        logger.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: error }, 'graceful stop failed');
        exit(1);
      },
    );
  };
  for (const s of signals) emitter.on(s, onSignal);
  return () => {
    for (const s of signals) emitter.off(s, onSignal);
  };
}
