import { rmSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadStackConfig, type StackConfig } from '../stack/stack-config.js';
import { brokerUp } from '../stack/kafka-broker.js';
import { PermanentError } from '../../src/core/errors.js';
import { distributionDir, ensureKafkaDistribution } from '../stack/kafka-distribution.js';
import { processAlive } from '../stack/port-probe.js';
import { freePorts } from '../shared/free-port.js';

/**
 * The chaos run's own single-node KRaft broker, on free ports, its run and
 * data directory in a temp dir. It is started, and started again after its
 * SIGKILL, with the project's launcher (src/stack: brokerUp formats an empty
 * data directory and starts a formatted one as it is), its Kafka jars
 * linked from the shared cache so nothing is fetched twice.
 */

export interface ChaosBroker {
  readonly bootstrap: string;
  readonly logFile: string;
  readonly dataDir: string;
  /** The pid of the broker process now. */
  pid(): number;
  /** SIGKILLs the broker (data stays); resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same data directory; resolves once it answers (ms it took). */
  start(): Promise<number>;
  /** Stops the broker and removes its directory; safe to call twice. */
  destroy(): Promise<void>;
}

const HEAP_MB = 512;
const START_TIMEOUT_MS = 120_000;

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(50);
  }
  return true;
}

export async function startChaosBroker(log: (line: string) => void): Promise<ChaosBroker> {
  const shared = loadStackConfig(process.env);
  await ensureKafkaDistribution(shared.cacheDir, shared.kafkaVersion, log);
  const cacheDir = await mkdtemp(join(tmpdir(), 'flowthrough-chaos-kafka-'));
  await symlink(distributionDir(shared.cacheDir, shared.kafkaVersion), distributionDir(cacheDir, shared.kafkaVersion));
  const [kafkaPort, controllerPort] = (await freePorts(2)) as [number, number];
  const config: StackConfig = { ...shared, cacheDir, kafkaPort, controllerPort, kafkaHeapMb: HEAP_MB, startTimeoutMs: START_TIMEOUT_MS };
  let pid = 0;
  let destroyed = false;
  const stop = async (): Promise<void> => {
    if (pid > 0 && processAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      if (!(await waitGone(pid, 20_000))) {
        process.kill(pid, 'SIGKILL');
        await waitGone(pid, 10_000);
      }
    }
  };
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    await stop();
    await rm(cacheDir, { recursive: true, force: true });
  };
  // A run killed outright must not leave a broker behind: it is detached from this process.
  const killOnExit = (): void => {
    if (pid > 0 && processAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(cacheDir, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);
  try {
    const up = await brokerUp(config, log).catch(async (error: unknown) => {
      // src/stack formats with "-t <id>"; a random id that begins with "-" is taken for an option (1 start in 64).
      if (
        !(
          error instanceof PermanentError &&
          error.code === 'kafka_format_failed' &&
          /--cluster-id\/-t: expected one argument/.test(error.message)
        )
      )
        throw error;
      log('kafka      formatting failed: the launcher drew a cluster id that begins with "-" (a bug of src/stack); formatting again');
      return brokerUp(config, log);
    });
    pid = up.state.pid;
    log(
      `kafka      own broker ${up.state.bootstrap} (pid ${pid}, Kafka ${up.state.version}, KRaft) in ${up.startMs} ms; data ${up.state.dataDir}`,
    );
    return {
      bootstrap: up.state.bootstrap,
      logFile: up.state.logPath,
      dataDir: up.state.dataDir,
      pid: () => pid,
      kill: async () => {
        if (pid > 0 && processAlive(pid)) {
          process.kill(pid, 'SIGKILL');
          await waitGone(pid, 30_000);
        }
      },
      start: async () => {
        // After destroy() (a signal mid-restart), a broker started now would outlive the run.
        if (destroyed) throw new Error('the broker was removed; not starting it again');
        const started = performance.now();
        // The launcher starts a formatted data directory again as it is: the same cluster, topics and offsets.
        const again = await brokerUp(config, log);
        pid = again.state.pid;
        if (destroyed) {
          process.kill(pid, 'SIGKILL');
          throw new Error('the broker was removed while it started again');
        }
        if (!again.reusedData) throw new Error(`the broker came back as a new cluster (${again.clusterId ?? '?'}): its data was not kept`);
        return performance.now() - started;
      },
      destroy: async () => {
        await destroy();
        process.off('exit', killOnExit);
      },
    };
  } catch (error) {
    await destroy();
    process.off('exit', killOnExit);
    throw error;
  }
}
