import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { componentLogger } from '../../../../src/platform/logging/component-logger.js';
import { capturingLogger } from '../../../support/test-context.js';

/** How often `key` occurs at the top level of a JSON line (JSON.parse would keep only the last). */
const occurrences = (line: string, key: string): number => line.split(`"${key}":`).length - 1;

describe('componentLogger', () => {
  it('names the component once per line, a part inside it as its subcomponent', async () => {
    const { logger, lines } = capturingLogger();
    const reconciler = componentLogger(logger, 'reconciler');
    componentLogger(reconciler, 'fleet-budget', { member: 'm1' }).info('share changed');
    componentLogger(componentLogger(reconciler, 'operator-connect'), 'kafka-oauth').info('deeper');
    componentLogger(reconciler, 'reconciler', { instance: 'i1' }).info('same component again');
    await tick();
    assert.equal(lines.length, 3);
    for (const line of lines) {
      assert.equal(occurrences(line, 'component'), 1, line);
      assert.ok(occurrences(line, 'subcomponent') <= 1, line);
    }
    const [budget, deeper, same] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual([budget?.component, budget?.subcomponent, budget?.member], ['reconciler', 'fleet-budget', 'm1']);
    assert.deepEqual([deeper?.component, deeper?.subcomponent], ['reconciler', 'operator-connect']);
    assert.deepEqual([same?.component, same?.subcomponent, same?.instance], ['reconciler', undefined, 'i1']);
  });

  it('is the only way src/ binds a component (a plain child would repeat the key under another component)', () => {
    const src = fileURLToPath(new URL('../../../../src/', import.meta.url));
    const offenders = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('component-logger.ts'))
      .filter((f) => /\.child\(\{\s*component\s*:/.test(readFileSync(join(src, f), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
