import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { OPERATOR_CONNECT_VARIABLES } from '../../../src/platform/config/operator-connect-variables.js';
import { CLI } from '../../support/run-cli.js';

const WORKER_TOKEN = fileURLToPath(new URL('../../support/fixtures/cli/worker-token.ts', import.meta.url));
const SETTINGS_HEADING = /^Settings for a worker/;

/** Starts `flowthrough simulator` and reads the settings it prints for its clients. */
async function startSimulatorCli(t: { after: (fn: () => Promise<unknown>) => void }): Promise<Record<string, string>> {
  const caFile = join(await mkdtemp(join(tmpdir(), 'flowthrough-simulator-')), 'ca.pem');
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', CLI, 'simulator', '--ca-file', caFile, '--log-level', 'silent'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
  const settings: Record<string, string> = {};
  let inSettings = false;
  for await (const line of createInterface({ input: child.stdout })) {
    if (SETTINGS_HEADING.test(line)) {
      inSettings = true;
      continue;
    }
    const match = /^ {2}([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (inSettings && match) settings[match[1] ?? ''] = match[2] ?? '';
    else if (inSettings) break;
    if (inSettings && 'NODE_EXTRA_CA_CERTS' in settings) break;
  }
  assert.ok(inSettings, 'the simulator printed its client settings');
  return settings;
}

/** Runs the fixture with exactly `env` (and PATH/HOME to start Node): the worker's config loader and a token from it. */
async function workerToken(
  env: Record<string, string>,
): Promise<{ ok: boolean; error?: string; consents?: number; reconcilerEnabled?: boolean }> {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', WORKER_TOKEN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  await once(child, 'exit');
  return JSON.parse(stdout.trim()) as { ok: boolean; error?: string; consents?: number };
}

describe('the simulator prints every setting a worker needs to use it', () => {
  it('a worker configured from exactly the printed variables gets a token and calls the API', async (t) => {
    const printed = await startSimulatorCli(t);

    // What the worker's loader requires: every OPERATOR_CONNECT_* variable without a default,
    // the client-secret credential's three, and instance discovery off for this authority host.
    const noDefault = OPERATOR_CONNECT_VARIABLES.filter((v) => !('default' in v)).map((v) => v.name);
    for (const name of [...noDefault, 'OPERATOR_CONNECT_TENANT_ID', 'OPERATOR_CONNECT_CLIENT_ID', 'OPERATOR_CONNECT_CLIENT_SECRET']) {
      assert.ok(printed[name], `${name} is printed`);
    }
    assert.equal(printed.OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY, 'true');
    assert.equal(printed.OPERATOR_CONNECT_CREDENTIAL, 'client-secret');
    assert.match(printed.OPERATOR_CONNECT_AUTHORITY_HOST ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(printed.OPERATOR_CONNECT_BASE_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+\/api$/);
    assert.match(printed.OPERATOR_CONNECT_SCOPE ?? '', /\/\.default$/);
    assert.ok(printed.NODE_EXTRA_CA_CERTS, 'the CA file of its HTTPS token endpoint');
    for (const name of Object.keys(printed)) assert.match(name, /^(OPERATOR_CONNECT_|NODE_EXTRA_CA_CERTS$)/);

    const result = await workerToken(printed);
    assert.deepEqual(result, { ok: true, reconcilerEnabled: true, consents: result.consents });
    assert.ok((result.consents ?? 0) > 0, 'the example seed has consents');
  });
});
