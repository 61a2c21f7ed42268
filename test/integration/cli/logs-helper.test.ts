import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../src/platform/logging/logger.js';

/**
 * `npm run logs` (tools/logs/main.ts, pino-pretty) renders the JSON lines the
 * worker and the commands log: time, level, [component], message, the other
 * fields; anything that is not a log line passes through. Run as README says,
 * through npm, on lines our own logger wrote.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Lines as the worker logs them (createLogger: pid, hostname, name, ISO time). */
function workerLines(): string[] {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  logger.child({ component: 'reconciler' }).info({ orderId: 'ORD-1', operation: 'upload' }, 'backend order settled');
  logger.warn('no component here');
  return lines;
}

function npmRunLogs(args: readonly string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'logs', ...(args.length > 0 ? ['--', ...args] : [])], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('npm run logs renders JSON log lines readably', () => {
  const lines = workerLines();
  const time = (i: number) => (JSON.parse(lines[i] ?? '{}') as { time: string }).time.replace('T', ' ').replace('Z', '');
  const expected = [
    `[${time(0)}] INFO: [reconciler] backend order settled {"orderId":"ORD-1","operation":"upload"}`,
    'npm banner or a status line: not JSON, passed through',
    `[${time(1)}] WARN: no component here`,
  ];
  const input = `${lines[0]}\n${expected[1]}\n${lines[1]}\n`;

  it('from standard input (… | npm run logs)', async () => {
    const result = await npmRunLogs([], input);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n'), [...expected, '']);
  });

  it('from files (npm run logs -- FILE…), and one line naming a file it cannot read', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'flowthrough-logs-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'worker.log');
    await writeFile(file, input);
    const result = await npmRunLogs([file, file], '');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n'), [...expected, ...expected, '']);
    const missing = await npmRunLogs([join(dir, 'absent.log')], '');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^npm run logs: cannot read .*absent\.log: ENOENT/);
  });
});
