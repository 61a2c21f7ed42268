import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { nodeVersionProblem, REQUIRED_NODE_MAJOR } from '../../../../src/app/cli/node-version.js';

/**
 * One Node.js requirement, stated where each reader looks: the bin's start-up
 * check, the `node` dev dependency that runs every npm script and the bin,
 * package.json's devEngines, and the Docker image. package.json has no
 * `engines`: npm compares it with the Node npm runs on, not the one we run on
 * (test/integration/cli/npm-engines.test.ts).
 */
describe('the Node.js flowthrough needs', () => {
  const read = (path: string) => readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');
  const pkg = JSON.parse(read('package.json')) as {
    engines?: unknown;
    devEngines?: { runtime?: { name?: string; version?: string; onFail?: string } };
    devDependencies: Record<string, string>;
  };

  it('is the same in the bin, the node dev dependency, devEngines and the Docker image', () => {
    assert.equal(Number(pkg.devDependencies.node?.split('.')[0]), REQUIRED_NODE_MAJOR, `node ${pkg.devDependencies.node}`);
    assert.deepEqual(pkg.devEngines?.runtime, { name: 'node', version: `>=${REQUIRED_NODE_MAJOR}`, onFail: 'ignore' });
    assert.match(read('Dockerfile'), new RegExp(`^ARG NODE_IMAGE=node:${REQUIRED_NODE_MAJOR}-`, 'm'));
  });

  it('is not in engines, where npm on an older Node prints EBADENGINE blocks about our own package', () => {
    assert.equal(pkg.engines, undefined);
  });

  it('refuses an older Node with one line, and accepts this one and newer', () => {
    assert.equal(nodeVersionProblem(process.version), undefined);
    assert.equal(nodeVersionProblem('v24.0.0'), undefined);
    assert.equal(nodeVersionProblem('v25.1.2'), undefined);
    for (const old of ['v20.20.2', 'v22.22.0', 'v8.0.0']) {
      const line = nodeVersionProblem(old);
      assert.match(
        line ?? '',
        new RegExp(`^flowthrough: needs Node\\.js ${REQUIRED_NODE_MAJOR} or newer, not ${old.replaceAll('.', '\\.')}: `),
      );
      assert.doesNotMatch(line ?? '', /\n/);
    }
  });
});
