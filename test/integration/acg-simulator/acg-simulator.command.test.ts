import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { simulatorCommand } from '../../../src/app/cli/commands/simulator-command.js';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { postForm } from '../../support/simulator.js';

test('flowthrough simulator --api acg prints every setting a client needs, and a client using only them gets through', async (t) => {
  const caFile = join(await mkdtemp(join(tmpdir(), 'acg-simulator-command-')), 'ca.pem');
  const lines: string[] = [];
  const controller = new AbortController();
  // Stopped whatever the assertions say: a simulator left listening would keep the test file from ever exiting.
  t.after(() => controller.abort());
  let started: (() => void) | undefined;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const done = simulatorCommand(
    ['--api', 'acg', '--ca-file', caFile],
    { SIMULATOR_PROVISIONING_DELAY_MS: '10', LOG_LEVEL: 'silent' },
    {
      signal: controller.signal,
      print: (line) => lines.push(line),
      onStarted: () => started?.(),
    },
  );
  await ready;
  const settings = Object.fromEntries(
    lines.filter((l) => /^ {2}[A-Z_]+=/.test(l)).map((l) => l.trim().split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  assert.deepEqual(Object.keys(settings).sort(), [
    'ACG_PROVISIONING_API_VERSION',
    'ACG_PROVISIONING_AUTHORITY_HOST',
    'ACG_PROVISIONING_BASE_URL',
    'ACG_PROVISIONING_CLIENT_ID',
    'ACG_PROVISIONING_CLIENT_SECRET',
    'ACG_PROVISIONING_DISABLE_INSTANCE_DISCOVERY',
    'ACG_PROVISIONING_SCOPE',
    'ACG_PROVISIONING_TENANT_ID',
    'BACKEND',
    'NODE_EXTRA_CA_CERTS',
  ]);
  // Exactly these settings make a worker configuration that provisions through this simulator.
  const config = loadConfig(settings);
  assert.equal(config.reconciler.backend, 'acg');
  assert.equal(config.acg?.baseUrl, settings.ACG_PROVISIONING_BASE_URL);
  const { readFile } = await import('node:fs/promises');
  const token = await postForm(
    `${settings.ACG_PROVISIONING_AUTHORITY_HOST}/${settings.ACG_PROVISIONING_TENANT_ID}/oauth2/v2.0/token`,
    {
      grant_type: 'client_credentials',
      client_id: settings.ACG_PROVISIONING_CLIENT_ID!,
      client_secret: settings.ACG_PROVISIONING_CLIENT_SECRET!,
      scope: settings.ACG_PROVISIONING_SCOPE!,
    },
    await readFile(settings.NODE_EXTRA_CA_CERTS!, 'utf8'),
  );
  assert.equal(token.status, 200);
  const answer = await fetch(`${settings.ACG_PROVISIONING_BASE_URL}/accounts?api-version=${settings.ACG_PROVISIONING_API_VERSION}`, {
    headers: { authorization: `Bearer ${String(token.body.access_token)}` },
  });
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), { value: [] });
  controller.abort();
  assert.equal(await done, 0);
});

test('the simulator command refuses an unknown --api', async () => {
  assert.equal(await simulatorCommand(['--api', 'teams'], {}, { print: () => undefined }), 2);
});
