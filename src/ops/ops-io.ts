import { userInfo } from 'node:os';

/** Where an ops command writes: the terminal by default, a buffer in tests. */
export interface OpsIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  /** The clock of timestamps and relative times ("--since 2h"). */
  readonly now?: () => Date;
  /** Who runs the command (replay history), when --by is not given. */
  readonly user?: string;
}

export function defaultIo(): OpsIo {
  return { stdout: process.stdout, stderr: process.stderr };
}

export function line(io: OpsIo, text = ''): void {
  io.stdout.write(`${text}\n`);
}

export function errorLine(io: OpsIo, text: string): void {
  io.stderr.write(`${text}\n`);
}

export function nowOf(io: OpsIo): Date {
  return io.now?.() ?? new Date();
}

/** The OS user, for the replay history; "unknown" where the platform cannot tell. */
export function operatorName(io: OpsIo): string {
  if (io.user !== undefined) return io.user;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Prints JSON for scripts: one document, stable key order as built. */
export function printJson(io: OpsIo, value: unknown): void {
  line(io, JSON.stringify(value, null, 2));
}
