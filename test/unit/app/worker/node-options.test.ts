import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/**
 * The worker runs with a capped young generation (--max-semi-space-size=8):
 * Node 24 sizes it from the machine's memory, and with the default the
 * intake's peak RSS was ~410 MB instead of ~290 MB (docs/PERFORMANCE.md).
 * `npm start` and the `flowthrough` bin must start Node the same way.
 */
describe('the worker process Node options', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const shebang = readFileSync(new URL('../../../../src/app/cli/main.ts', import.meta.url), 'utf8').split('\n')[0] ?? '';
  const startOptions = (pkg.scripts.start ?? '')
    .split(/\s+/)
    .slice(1)
    .filter((w) => w.startsWith('--'));
  const binOptions = shebang
    .replace(/^#!\/usr\/bin\/env -S node\s*/, '')
    .split(/\s+/)
    .filter((w) => w.startsWith('--'));

  it('caps the young generation', () => {
    assert.ok(startOptions.includes('--max-semi-space-size=8'), `npm start: ${pkg.scripts.start}`);
  });

  it('starts the young generation at its cap (V8 otherwise keeps it small beside the lookup index, and scavenges often)', () => {
    assert.ok(startOptions.includes('--min-semi-space-size=8'), `npm start: ${pkg.scripts.start}`);
  });

  it('are the same for npm start and the flowthrough bin', () => {
    assert.deepEqual(binOptions, startOptions, `bin: ${shebang}`);
  });
});
