/**
 * The intake under test in a process of its own, as the worker runs in
 * production: the harness (generated records, ceilings, its own pools) stays
 * out of the intake's memory and CPU, so the process's peak RSS (VmHWM) is
 * the intake's. Started by runIntakeProcess() with an IPC channel; runs the
 * phases it is given one after another, timing each, and reports back.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { createKafka } from '../../../src/platform/kafka/client.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import type { IntakeUnderTest } from './intake-comparison.js';
import type { ChildReport, ChildRequest, PhaseReport } from './intake-process.js';
import { timeIntake } from './time-intake.js';

/** Peak resident set size of this process so far, from the kernel (MB). */
function vmHwmMb(): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1] ? Number(match[1]) / 1024 : Number.NaN;
}

function send(report: ChildReport): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(report, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

async function run(request: ChildRequest): Promise<PhaseReport[]> {
  const module = (await import(request.intake.module)) as Record<string, unknown>;
  const intake = module[request.intake.exportName] as IntakeUnderTest | undefined;
  if (!intake || typeof intake.create !== 'function')
    throw new Error(`${request.intake.module} exports no IntakeUnderTest named ${request.intake.exportName}`);
  const logger = createLogger({
    level: request.env.LOG_LEVEL ?? 'warn',
    name: 'flowthrough-bench-intake',
    destination: pino.destination({ dest: 2, sync: true }),
  });
  const reports: PhaseReport[] = [];
  for (const phase of request.phases) {
    const config = loadConfig({ ...request.env, ORDERS_TOPIC: phase.topic, KAFKA_GROUP_ID: phase.groupId });
    const kafka = createKafka(config, logger);
    const instance = await intake.create({
      kafka,
      config,
      logger,
      topic: phase.topic,
      groupId: phase.groupId,
      partitionsConsumedConcurrently: request.concurrency,
    });
    const timer = timeIntake(instance.consumer, {
      topic: phase.topic,
      endOffsets: new Map(phase.endOffsets),
      timeoutMs: request.timeoutMs,
    });
    const cpu = process.cpuUsage();
    try {
      await instance.start();
      const timing = await timer.done;
      const used = process.cpuUsage(cpu);
      reports.push({ phase: phase.name, timing, cpuMs: (used.user + used.system) / 1000, vmHwmMb: vmHwmMb() });
    } finally {
      timer.cancel(new Error(`${intake.name} stopped before the end of ${phase.topic}`));
      await instance.stop();
    }
  }
  return reports;
}

// The benchmark process went away (Ctrl-C, a crash): nothing will read this process's report.
process.once('disconnect', () => process.exit(1));

process.once('message', (request: ChildRequest) => {
  run(request).then(
    async (phases) => {
      await send({ kind: 'done', phases, vmHwmMb: vmHwmMb() });
      process.exit(0);
    },
    async (error: unknown) => {
      await send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }).catch(
        () => undefined,
      );
      process.exit(1);
    },
  );
});
