import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EndOffsets } from './offsets.js';
import type { IntakeTiming } from './time-intake.js';

/** Where the child finds the intake under test: a module and the name of its IntakeUnderTest export. */
export interface IntakeLocation {
  readonly module: string;
  readonly exportName: string;
}

export interface PhaseRequest {
  readonly name: string;
  readonly topic: string;
  readonly groupId: string;
  /** [partition, end offset] pairs (a Map does not cross the IPC channel). */
  readonly endOffsets: ReadonlyArray<readonly [number, string]>;
}

export interface ChildRequest {
  readonly intake: IntakeLocation;
  /** The worker's environment (loadConfig input) for this run's services. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly phases: readonly PhaseRequest[];
  readonly concurrency: number;
  readonly timeoutMs: number;
}

export interface PhaseReport {
  readonly phase: string;
  readonly timing: IntakeTiming;
  /** CPU of the intake's process while the phase ran (user + system). */
  readonly cpuMs: number;
  /** The process's peak RSS once the phase was done (VmHWM: monotonic). */
  readonly vmHwmMb: number;
}

export type ChildReport = { kind: 'done'; phases: PhaseReport[]; vmHwmMb: number } | { kind: 'failed'; message: string };

export interface IntakeProcessResult {
  readonly phases: readonly PhaseReport[];
  /** Peak RSS of the intake's process over all its phases. */
  readonly vmHwmMb: number;
}

export interface IntakeProcessOptions {
  readonly intake: IntakeLocation;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly phases: ReadonlyArray<{ name: string; topic: string; groupId: string; endOffsets: EndOffsets }>;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** Node options of the intake's process: those the production worker runs with. */
  readonly nodeOptions: readonly string[];
}

const CHILD = fileURLToPath(new URL('./intake-child.ts', import.meta.url));

/** Runs the intake under test in its own Node process, phase after phase, and returns its timings and peak RSS. */
export function runIntakeProcess(options: IntakeProcessOptions): Promise<IntakeProcessResult> {
  const child = fork(CHILD, [], {
    // FLOWTHROUGH_BENCH_INTAKE_NODE_OPTIONS adds options for a look inside (--cpu-prof, --trace-gc…).
    execArgv: [
      ...options.nodeOptions,
      ...(process.env.FLOWTHROUGH_BENCH_INTAKE_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean),
      '--import',
      'tsx',
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const request: ChildRequest = {
    intake: options.intake,
    env: options.env,
    phases: options.phases.map((p) => ({ name: p.name, topic: p.topic, groupId: p.groupId, endOffsets: [...p.endOffsets.entries()] })),
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
  };
  return new Promise((resolve, reject) => {
    let report: ChildReport | undefined;
    child.once('message', (message: ChildReport) => {
      report = message;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (report?.kind === 'done') resolve({ phases: report.phases, vmHwmMb: report.vmHwmMb });
      else if (report?.kind === 'failed') reject(new Error(`the intake process failed: ${report.message}`));
      else reject(new Error(`the intake process exited (code ${code}, signal ${signal}) without a report`));
    });
    child.send(request);
  });
}
