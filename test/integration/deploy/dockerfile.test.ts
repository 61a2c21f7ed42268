import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { onCleanup } from '../../support/test-context.js';

/**
 * The Dockerfile as text, without a Docker engine: the instructions that matter
 * for running it safely, and every path it copies (the build's dist/ from a
 * fresh `tsc -p tsconfig.build.json` into a temporary directory, not ./dist).
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly stage: string;
}

/** Instructions with their continuation lines joined, comments dropped, each with the stage it belongs to. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const result: Instruction[] = [];
  let stage = '';
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1]!;
    const args = m[2]!.trim();
    if (keyword === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? '';
    result.push({ keyword, args, stage });
  }
  return result;
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const all = instructions(dockerfile);
const runtime = all.filter((i) => i.stage === 'runtime');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
};

function last(keyword: string, list: readonly Instruction[] = runtime): Instruction {
  const found = list.filter((i) => i.keyword === keyword).at(-1);
  assert.ok(found, `the runtime stage has ${keyword}`);
  return found;
}

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, both on the official Node 24 image', () => {
    const args = Object.fromEntries(all.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]));
    const froms = all.filter((i) => i.keyword === 'FROM').map((i) => i.args.replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? ''));
    assert.equal(froms.length, 2);
    for (const from of froms) assert.match(from, /^node:24(-[a-z]+)*(-slim)?\s+AS\s+\w+$/);
    assert.ok(all.some((i) => i.stage === 'build' && /npm ci\b/.test(i.args) && i.keyword === 'RUN'));
  });

  it('installs production dependencies only, and still applies the kafkajs patch', () => {
    const install = runtime.find((i) => i.keyword === 'RUN' && /npm ci/.test(i.args));
    assert.ok(install);
    assert.match(install.args, /--omit=dev/);
    // `prepare` (npm run build) would run tsc, a dev dependency: scripts off, the patch by hand.
    assert.match(pkg.scripts.prepare ?? '', /build/);
    assert.match(install.args, /--ignore-scripts/);
    assert.equal(pkg.scripts.postinstall, 'patch-package');
    assert.ok(pkg.dependencies['patch-package'], 'patch-package is a production dependency');
    assert.match(install.args, /patch-package --error-on-fail/);
  });

  it('runs as a non-root user with NODE_ENV=production, exposes 8080 and checks /healthz without curl', () => {
    const user = last('USER').args;
    assert.ok(!['root', '0', '0:0'].includes(user), `USER ${user}`);
    assert.match(last('ENV').args, /NODE_ENV=production/);
    assert.equal(last('EXPOSE').args, '8080');
    const health = last('HEALTHCHECK').args;
    assert.match(health, /\/healthz/);
    assert.doesNotMatch(health, /\bcurl\b|\bwget\b/);
    assert.match(health, /CMD \["node", "-e"/);
  });

  it('starts the package bin with the Node options of npm start, the worker by default', () => {
    const entrypoint = JSON.parse(last('ENTRYPOINT').args) as string[];
    assert.equal(entrypoint[0], 'node');
    const script = entrypoint.at(-1)!;
    assert.equal(script, pkg.bin.flowthrough);
    const start = (pkg.scripts.start ?? '').split(/\s+/);
    assert.deepEqual(start.slice(0, start.indexOf(script) + 1), entrypoint, 'the same node options as npm start');
    assert.deepEqual(JSON.parse(last('CMD').args), [start.at(-1)]);
    assert.equal(start.at(-1), 'worker');
  });

  it('copies only paths that exist after npm run build, and the package files the commands read', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'flowthrough-dist-'));
    onCleanup(async () => rmSync(outDir, { recursive: true, force: true }));
    await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir],
      {
        cwd: ROOT,
      },
    ).catch(async () => run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT }));
    assert.ok(existsSync(join(outDir, pkg.bin.flowthrough!.replace(/^dist\//, ''))), 'the bin target is built');

    const copies = all.filter((i) => i.keyword === 'COPY');
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const runtimeCopies = new Set<string>();
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/);
      const fromStage = /^--from=(\S+)$/.exec(parts[0] ?? '')?.[1];
      const paths = parts.filter((p) => !p.startsWith('--'));
      const sources = paths.slice(0, -1);
      for (const source of sources) {
        const clean = source.replace(/\/$/, '');
        if (fromStage === 'build') {
          // What the build stage made: /app/dist is tsc's output.
          assert.equal(clean, '/app/dist', `COPY --from=build ${source}`);
          assert.ok(existsSync(outDir));
          runtimeCopies.add('dist');
          continue;
        }
        assert.ok(existsSync(join(ROOT, clean)), `COPY ${source}: exists in the build context`);
        assert.ok(!ignored.includes(clean.split('/')[0]!), `COPY ${source}: not excluded by .dockerignore`);
        if (copy.stage === 'runtime') runtimeCopies.add(clean);
      }
    }
    for (const file of pkg.files) assert.ok(runtimeCopies.has(file), `the runtime image has ${file}/ (package.json "files")`);
  });
});
