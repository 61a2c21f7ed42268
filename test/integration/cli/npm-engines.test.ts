import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * flowthrough runs on Node >= 24 (the `node` dev dependency runs every npm
 * script and the `flowthrough` bin), while npm itself may run on an older Node.
 * npm compares package.json's `engines` with the Node npm runs on: with
 * `engines` there, every `npx flowthrough …` that (re)installs the project into
 * npx's cache printed an EBADENGINE block about our own package. So the
 * requirement lives in `devEngines` (onFail: ignore) and in the bin itself,
 * which refuses an older Node with one line.
 *
 * Run with the machine's own npm and Node, as a person types the command:
 * PATH without any node_modules/.bin (the test itself runs on the project's
 * Node 24), and a fresh npm cache, so npx installs the project into its cache
 * as on a new machine. Where the machine's Node already satisfies the
 * requirement there is no mismatch to provoke, and the test says so.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

const machinePath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir !== '' && !dir.split(/[\\/]/).includes('node_modules'))
  .join(delimiter);
const onMachinePath = (name: string): string | undefined =>
  machinePath
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find((file) => existsSync(file));

let npmCache = '';

async function machine(command: string, args: readonly string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: machinePath };
  for (const name of Object.keys(env)) if (name.startsWith('npm_')) delete env[name];
  delete env.NODE_OPTIONS;
  if (npmCache !== '') env.npm_config_cache = npmCache;
  try {
    const { stdout, stderr } = await run(command, args, { cwd: ROOT, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

describe('npm running on an older Node than flowthrough needs prints no EBADENGINE block about it', async () => {
  const node = onMachinePath('node');
  const npx = onMachinePath('npx');
  const npm = onMachinePath('npm');
  const version = node ? (await machine(node, ['-p', 'process.versions.node'])).stdout.trim() : '';
  const major = Number(version.split('.')[0]);
  const skip =
    !node || !npx || !npm
      ? 'no node, npm and npx on the machine PATH'
      : !(major < 24)
        ? `the machine's npm runs on Node ${version}, which satisfies engines: nothing to provoke`
        : false;
  before(async () => {
    npmCache = await mkdtemp(join(tmpdir(), 'flowthrough-npm-cache-'));
  });
  after(() => rm(npmCache, { recursive: true, force: true }));

  it(`npx flowthrough --help (machine Node ${version || '?'})`, { skip }, async () => {
    const result = await machine(resolve(npx ?? ''), ['flowthrough', '--help']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^usage: flowthrough <command>/);
    assert.doesNotMatch(result.stderr, /EBADENGINE|EBADDEVENGINES|Unsupported engine/, result.stderr);
  });

  it('npx flowthrough --help again (npx cache warm)', { skip }, async () => {
    const result = await machine(resolve(npx ?? ''), ['flowthrough', '--help']);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EBADENGINE|EBADDEVENGINES|Unsupported engine/, result.stderr);
  });

  it('npm run (the scripts) and npm run logs -- --help', { skip }, async () => {
    for (const args of [['run'], ['run', 'logs', '--', '--help']]) {
      const result = await machine(resolve(npm ?? ''), args);
      assert.equal(result.code, 0, `npm ${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /EBADENGINE|EBADDEVENGINES|Unsupported engine/, `npm ${args.join(' ')}: ${result.stderr}`);
    }
  });

  it('the bin itself, started on that older Node, refuses with one line naming the Node it needs', { skip }, async () => {
    const result = await machine(resolve(node ?? ''), ['--import', 'tsx', 'src/app/cli/main.ts', '--help']);
    assert.equal(result.code, 2, result.stdout);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      new RegExp(`^flowthrough: needs Node\\.js 24 or newer, not v${version.replaceAll('.', '\\.')}: start it as npx flowthrough`),
    );
  });
});
