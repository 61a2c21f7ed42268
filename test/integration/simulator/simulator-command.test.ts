import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { simulatorCommand } from '../../../src/app/cli/commands/simulator-command.js';

test('the simulator command starts from flags and environment, prints its URLs and stops on the signal', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'simulator-command-'));
  const caFile = join(dir, 'ca.pem');
  const lines: string[] = [];
  const controller = new AbortController();
  let started: { url: string; authorityHost: string } | undefined;
  const done = simulatorCommand(
    ['--port', '0', '--rate-limit', '0', '--ca-file', caFile],
    { SIMULATOR_LATENCY_MS: '1', LOG_LEVEL: 'silent' },
    {
      signal: controller.signal,
      print: (line) => lines.push(line),
      onStarted: (endpoints) => {
        started = endpoints;
        controller.abort();
      },
    },
  );
  assert.equal(await done, 0);
  assert.ok(started);
  assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+\/api$/);
  assert.ok(lines.some((l) => l.includes(`OPERATOR_CONNECT_BASE_URL=${started?.url ?? ''}`)));
  assert.ok(lines.some((l) => l.includes(`NODE_EXTRA_CA_CERTS=${caFile}`)));
  assert.ok(
    lines.some((l) => l.includes('consents.example.json')),
    'the example seed by default',
  );
  assert.match(await readFile(caFile, 'utf8'), /^-----BEGIN CERTIFICATE-----/);
  await assert.rejects(fetch(`${started.url}/consents`), 'stopped');
});

test('the simulator command refuses bad numbers and prints usage on --help', async () => {
  const lines: string[] = [];
  assert.equal(await simulatorCommand(['--help'], {}, { print: (l) => lines.push(l) }), 0);
  assert.match(lines.join('\n'), /usage: flowthrough simulator/);
  assert.equal(await simulatorCommand(['--latency-ms', 'soon'], {}, { print: () => undefined }), 2);
});
