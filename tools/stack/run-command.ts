import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion; a missing program resolves with code 127 rather than throwing. */
export function runCommand(program: string, args: readonly string[], options: { cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ code: error.code === 'ENOENT' ? 127 : 1, stdout, stderr: stderr + error.message }),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function commandExists(program: string): Promise<boolean> {
  const result = await runCommand('sh', ['-c', `command -v ${program}`]);
  return result.code === 0;
}
