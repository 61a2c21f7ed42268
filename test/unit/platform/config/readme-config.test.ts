import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_BEGIN,
  CONFIG_END,
  CONFIG_SECTIONS,
  configRegion,
  documentedNames,
  lineDiff,
  renderConfig,
  replaceConfig,
} from '../../../../tools/docs/config-render.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIX = 'run `npm run docs:config` to rewrite them from src/platform/config';

/**
 * Environment variable names the code under src/ reads, with where: `env.X`,
 * `env?.X`, `env['X']`, the loaders' `str('X')`, `num('X')`, `raw.X`,
 * `raw.get('X')`, and every spec's `name: 'X'`.
 */
function namesReadBySource(): Map<string, string[]> {
  const patterns = [
    /\benv\??\.([A-Z][A-Z0-9_]*)\b/g,
    /\benv\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\]/g,
    /\b(?:str|num)\(\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\)/g,
    /\braw\??\.([A-Z][A-Z0-9_]*)\b/g,
    /\braw\.get\(\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\)/g,
    /\bname:\s*['"]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"]/g,
  ];
  const found = new Map<string, string[]>();
  const src = join(ROOT, 'src');
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const text = readFileSync(join(src, file), 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const name = match[1] ?? '';
        const where = found.get(name) ?? [];
        if (!where.includes(`src/${file}`)) where.push(`src/${file}`);
        found.set(name, where);
      }
    }
  }
  return found;
}

describe('README configuration tables', () => {
  it('are the rendering of the variable tables in src/platform/config', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const region = configRegion(readme);
    const rendered = renderConfig();
    const diff = lineDiff(region.text, rendered, {
      expected: 'README.md',
      actual: 'rendered',
      lineOffset: readme.slice(0, region.start).split('\n').length - 1,
    });
    assert.ok(region.text === rendered, `README.md's configuration tables differ from the code: ${FIX}\n${diff}`);
  });

  it('list every variable the code reads from the environment', () => {
    const documented = new Set(documentedNames());
    const read = namesReadBySource();
    // The scan must see each kind of read, or a broken pattern would pass everything.
    for (const known of [
      'FLOWTHROUGH_DEBUG',
      'OPERATOR_CONNECT_BASE_URL',
      'KAFKA_SASL_MECHANISM',
      'RECONCILER_POLL_MAX_MS',
      'OPERATOR_CONNECT_CLIENT_ID',
      'READ_API_PUBLIC_URL',
    ]) {
      assert.ok(read.has(known), `the scan of src/ no longer finds ${known}: fix namesReadBySource`);
    }
    const missing = [...read].filter(([name]) => !documented.has(name)).map(([name, files]) => `${name} (${files.join(', ')})`);
    assert.deepEqual(
      missing,
      [],
      `read from the environment but in no variable table (src/platform/config/*variables.ts); add a spec, then ${FIX}`,
    );
  });

  it('name each variable once', () => {
    const names = documentedNames();
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(twice, [], 'a variable is in two tables');
    assert.ok(CONFIG_SECTIONS.every((s) => s.variables.length > 0));
  });
});

describe('renderConfig', () => {
  const section = {
    title: 'Example',
    intro: 'An example.',
    variables: [
      { name: 'EXAMPLE_URL', type: 'url', description: 'needed with EXAMPLE_ON=true' },
      { name: 'EXAMPLE_ON', type: 'boolean', default: 'false', description: 'a | pipe' },
      { name: 'EXAMPLE_TOKEN', type: 'string', default: '', secret: true, description: 'a token' },
      { name: 'EXAMPLE_MODE', type: 'string', default: '', enum: ['', 'a'], description: 'a mode' },
      { name: 'EXAMPLE_MS', type: 'integer', default: '5', minimum: 0, maximum: 10, description: 'a time' },
      { name: 'EXAMPLE_NAME', type: 'string', default: 'x', pattern: '^[a-z]+$', description: 'a name' },
    ],
  } as const;

  it('shows defaults (or required), allowed values, secrets and variable names as code', () => {
    const rows = renderConfig([section])
      .split('\n')
      .filter((l) => l.startsWith('| `EXAMPLE'));
    assert.deepEqual(rows, [
      '| `EXAMPLE_URL` | required | URL | needed with `EXAMPLE_ON=true` |',
      '| `EXAMPLE_ON` | `false` | boolean | a \\| pipe |',
      '| `EXAMPLE_TOKEN` (secret) | (empty) | text | a token |',
      '| `EXAMPLE_MODE` | (empty) | (empty), `a` | a mode |',
      '| `EXAMPLE_MS` | `5` | integer 0–10 | a time |',
      '| `EXAMPLE_NAME` | `x` | text, matching `^[a-z]+$` | a name |',
    ]);
    assert.match(renderConfig([section]), /\n### Example\nAn example\.\n\n\| variable \| default \| allowed \| meaning \|\n/);
  });

  it('replaces only the text between the markers', () => {
    const readme = `# x\nbefore\n${CONFIG_BEGIN}\nold\n${CONFIG_END}\nafter\n`;
    assert.equal(replaceConfig(readme, 'new\n'), `# x\nbefore\n${CONFIG_BEGIN}\nnew\n${CONFIG_END}\nafter\n`);
    assert.throws(() => configRegion('# no markers\n'), /config:begin/);
    assert.throws(() => configRegion(`${CONFIG_END}\n${CONFIG_BEGIN}\n`), /in that order/);
  });

  it('diffs by line, README lines as -, rendered lines as +', () => {
    const diff = lineDiff('a\nb\nc\n', 'a\nB\nc\n', { expected: 'old', actual: 'new', lineOffset: 10 });
    assert.equal(diff, '--- old\n+++ new\n@@ -11,3 +11,3 @@\n a\n-b\n+B\n c\n');
    assert.equal(lineDiff('same\n', 'same\n', { expected: 'old', actual: 'new' }), '');
  });
});
