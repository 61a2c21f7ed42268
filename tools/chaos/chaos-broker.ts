import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadStackConfig, type StackConfig } from '../../src/config/stack-config.js';
import { brokerAnswers, brokerRunDir, brokerUp } from '../../src/stack/kafka-broker.js';
import { distributionDir, ensureKafkaDistribution } from '../../src/stack/kafka-distribution.js';
import { processAlive } from '../../src/stack/port-probe.js';
import { freePorts } from './free-port.js';

/**
 * The chaos run's own single-node KRaft broker, on free ports, its run and
 * data directory in a temp dir. It is started with the project's launcher
 * (src/stack: brokerUp formats fresh storage), whose Kafka jars are linked
 * from the shared cache so nothing is fetched twice. brokerUp always wipes
 * and formats its directory, so the restart that keeps the data starts the
 * same java command on the same server.properties itself.
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
  const libs = await ensureKafkaDistribution(shared.cacheDir, shared.kafkaVersion, log);
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
  };
  process.on('exit', killOnExit);
  try {
    const up = await brokerUp(config, log);
    pid = up.state.pid;
    const runDir = brokerRunDir(config);
    log(`kafka      own broker ${up.state.bootstrap} (pid ${pid}, Kafka ${up.state.version}, KRaft) in ${up.startMs} ms; data ${up.state.dataDir}`);
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
        const started = performance.now();
        const out = openSync(up.state.logPath, 'a');
        // The command of brokerUp, on the storage it formatted: nothing is formatted again.
        const child = spawn(
          'java',
          [
            '-Xms256m',
            `-Xmx${HEAP_MB}m`,
            '-XX:+UseG1GC',
            '-Djava.awt.headless=true',
            `-Dlog4j2.configurationFile=${join(runDir, 'log4j2.properties')}`,
            `-Dkafka.logs.dir=${runDir}`,
            '-cp',
            `${libs}/*`,
            'kafka.Kafka',
            join(runDir, 'server.properties'),
          ],
          { detached: true, stdio: ['ignore', out, out] },
        );
        closeSync(out);
        child.unref();
        if (child.pid === undefined) throw new Error('java did not start (broker restart)');
        pid = child.pid;
        const deadline = Date.now() + START_TIMEOUT_MS;
        while (Date.now() < deadline) {
          if (!processAlive(pid)) throw new Error(`the restarted broker exited; see ${up.state.logPath}`);
          if (await brokerAnswers(up.state.bootstrap, 1_000)) return performance.now() - started;
          await delay(200);
        }
        throw new Error(`the restarted broker did not answer within ${START_TIMEOUT_MS} ms; see ${up.state.logPath}`);
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
