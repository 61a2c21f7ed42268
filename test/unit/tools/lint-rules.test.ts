// The layer rules in biome.jsonc (README: Layout), proved to fail and to pass: small probe files go through the
// project's own Biome binary with the project's biome.jsonc, at least one violating and one permitted import per rule.
//
// The probes live in a throw-away copy of the layout under the OS temp folder, never in src/. Biome's
// --stdin-file-path cannot serve here: in stdin mode Biome prints only the content back and exits 1 whether or not a
// rule fired, with no diagnostics. A real folder also lets noImportCycles see both files of a cycle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const biome = join(repoRoot, 'node_modules', '.bin', 'biome');

const RESTRICTED = 'lint/style/noRestrictedImports';
const CYCLE = 'lint/suspicious/noImportCycles';

interface Probe {
  /** Where the probe sits in the throw-away copy of the layout. */
  readonly path: string;
  /** What it imports (its only import), or its whole source. */
  readonly imports?: string;
  readonly source?: string;
  /** The rule that must fire on it, or null: neither boundary rule may fire. Undefined: a helper file, not asserted. */
  readonly fails?: string | null;
}

const fails = (path: string, imports: string, rule = RESTRICTED): Probe => ({ path, imports, fails: rule });
const passes = (path: string, imports: string): Probe => ({ path, imports, fails: null });

const rules: ReadonlyArray<{ readonly rule: string; readonly probes: readonly Probe[] }> = [
  {
    rule: 'src/core imports nothing outside src/core',
    probes: [
      fails('src/core/order/to-platform.ts', '../../platform/db/pool.js'),
      // Depth matters: from src/core/*.ts one '../' already leaves src/core, and 'intake' there is the component.
      fails('src/core/to-component.ts', '../intake/intake-service.js'),
      passes('src/core/order/to-core.ts', '../order-state/index.js'),
      // src/core/intake has the name of the intake component: from src/core/order/ it is core, not the component.
      passes('src/core/order/to-core-intake.ts', '../intake/plan-record.js'),
      passes('src/core/to-core-subfolder.ts', './order/index.js'),
    ],
  },
  {
    rule: 'src/core imports no package, so no I/O library',
    probes: [
      fails('src/core/order/to-pg.ts', 'pg'),
      fails('src/core/order/to-node-fs.ts', 'node:fs/promises'),
      fails('src/core/status/to-azure.ts', '@azure/identity'),
      passes('src/core/status/to-sibling.ts', './status-data.js'),
    ],
  },
  {
    rule: 'src/contracts imports only src/core and src/contracts',
    probes: [
      fails('src/contracts/to-platform.ts', '../platform/logging/logger.js'),
      fails('src/contracts/to-component.ts', '../outbox/index.js'),
      passes('src/contracts/to-core.ts', '../core/order/index.js'),
      passes('src/contracts/to-contracts.ts', './order-validator.js'),
    ],
  },
  {
    rule: 'src/platform imports only src/core, src/contracts and src/platform',
    probes: [
      fails('src/platform/db/to-component.ts', '../../outbox/index.js'),
      fails('src/platform/kafka/to-app.ts', '../../app/metrics/index.js'),
      passes('src/platform/db/to-core.ts', '../../core/errors.js'),
      passes('src/platform/db/to-contracts.ts', '../../contracts/operator-connect-api.js'),
      passes('src/platform/db/to-platform.ts', '../logging/logger.js'),
    ],
  },
  {
    rule: 'a component reaches another component only through its index.ts',
    probes: [
      fails('src/reconciler/to-outbox-internals.ts', '../outbox/outbox-relay.js'),
      fails('src/ops/dlq/to-intake-internals.ts', '../../intake/intake-sql.js'),
      passes('src/reconciler/to-outbox-index.ts', '../outbox/index.js'),
      passes('src/ops/dlq/to-intake-index.ts', '../../intake/index.js'),
      // core, contracts, platform and the component's own folder, with a same-named core subfolder on the way
      passes('src/ops/dlq/to-core-intake.ts', '../../core/intake/plan-record.js'),
      passes('src/ops/dlq/to-own-folder.ts', '../inspect/inspect-views.js'),
      passes('src/intake/to-platform.ts', '../platform/kafka/record-headers.js'),
      passes('src/read-api/to-contracts.ts', '../contracts/operator-connect-api.js'),
    ],
  },
  {
    rule: 'a component never imports src/app or src/simulator',
    probes: [
      fails('src/intake/to-app.ts', '../app/worker/worker.js'),
      fails('src/outbox/to-app-index.ts', '../app/metrics/index.js'),
      fails('src/operator-connect/to-simulator.ts', '../simulator/index.js'),
      passes('src/operator-connect/to-core.ts', '../core/errors.js'),
    ],
  },
  {
    rule: 'src/simulator imports only core, contracts, platform and itself',
    probes: [
      fails('src/simulator/to-component.ts', '../operator-connect/index.js'),
      fails('src/simulator/to-app.ts', '../app/cli/main.js'),
      passes('src/simulator/to-contracts.ts', '../contracts/operator-connect-api.js'),
      passes('src/simulator/to-platform.ts', '../platform/logging/logger.js'),
    ],
  },
  {
    rule: 'src/app imports anything under src/ (components through index.ts), nothing outside it',
    probes: [
      fails('src/app/cli/commands/to-test.ts', '../../../../test/support/run-cli.js'),
      fails('src/app/cli/commands/to-component-internals.ts', '../../../outbox/outbox-relay.js'),
      passes('src/app/cli/commands/to-component-index.ts', '../../../outbox/index.js'),
      passes('src/app/worker/to-platform.ts', '../../platform/db/pool.js'),
    ],
  },
  {
    rule: 'the worker never loads the simulator: only its own command imports it',
    probes: [
      fails('src/app/worker/to-simulator.ts', '../../simulator/index.js'),
      fails('src/app/metrics/to-simulator.ts', '../../simulator/clock.js'),
      fails('src/app/cli/commands/worker-to-simulator.ts', '../../../simulator/index.js'),
      passes('src/app/cli/commands/simulator-command.ts', '../../../simulator/index.js'),
    ],
  },
  {
    rule: 'src/lookup imports only core, contracts, platform, itself and other components through index.ts',
    probes: [
      fails('src/lookup/to-app.ts', '../app/worker/worker.js'),
      fails('src/lookup/to-simulator.ts', '../simulator/index.js'),
      fails('src/lookup/to-component-internals.ts', '../read-api/read-api-routes.js'),
      fails('src/lookup/to-outside-src.ts', '../../test/support/test-context.js'),
      // Flat: the component has no subfolders, so one is outside the covered layout.
      fails('src/lookup/nested/too-deep.ts', '../lookup-index.js'),
      passes('src/lookup/to-core.ts', '../core/custom-header/call-lookup.js'),
      passes('src/lookup/to-contracts.ts', '../contracts/lookup-channel.js'),
      passes('src/lookup/to-platform.ts', '../platform/db/notification-listener.js'),
      passes('src/lookup/to-own-folder.ts', './lookup-records.js'),
      passes('src/lookup/to-component-index.ts', '../reconciler/index.js'),
    ],
  },
  {
    rule: 'src/console imports as a component, plus the ops paged queries (browse-queries.ts) and no simulator',
    probes: [
      fails('src/console/to-app.ts', '../app/worker/worker.js'),
      fails('src/console/to-simulator.ts', '../simulator/index.js'),
      fails('src/console/to-acg-simulator.ts', '../acg-simulator/index.js'),
      // Only browse-queries.ts is named: the other ops/inspect files stay behind src/ops/index.ts.
      fails('src/console/to-ops-internals.ts', '../ops/inspect/consent-queries.js'),
      fails('src/console/to-component-internals.ts', '../read-api/bearer-auth.js'),
      fails('src/console/to-outside-src.ts', '../../test/support/console-browser.js'),
      fails('src/console/nested/too-deep.ts', '../html.js'),
      passes('src/console/to-ops-index.ts', '../ops/index.js'),
      fails('src/console/to-browse-queries.ts', '../ops/inspect/browse-queries.js'),
      passes('src/console/to-core.ts', '../core/errors.js'),
      passes('src/console/to-contracts.ts', '../contracts/http-route.js'),
      passes('src/console/to-platform.ts', '../platform/http/http-server.js'),
      passes('src/console/to-own-folder.ts', './html.js'),
    ],
  },
  {
    rule: 'a src/ file outside the covered layout fails instead of escaping the rules',
    probes: [
      fails('src/db/unknown-folder.ts', './pool.js'),
      fails('src/core/order/rules/too-deep.ts', '../index.js'),
      passes('test/unit/anything-goes.test.ts', '../../src/outbox/outbox-relay.js'),
    ],
  },
  {
    rule: 'no import cycles in src/',
    probes: [
      { path: 'src/outbox/cycle-a.ts', source: "import { b } from './cycle-b.js';\n\nexport const a = (): unknown => b;\n" },
      fails('src/outbox/cycle-b.ts', './cycle-a.js', CYCLE),
      // Type-only imports count too (ignoreTypes: false).
      { path: 'src/core/order/type-cycle-a.ts', source: "import type { B } from './type-cycle-b.js';\n\nexport type A = { b?: B };\n" },
      {
        path: 'src/core/order/type-cycle-b.ts',
        source: "import type { A } from './type-cycle-a.js';\n\nexport type B = { a?: A };\n",
        fails: CYCLE,
      },
      {
        path: 'src/outbox/one-way-a.ts',
        source: "import { b } from './one-way-b.js';\n\nexport const a = (): unknown => b;\n",
        fails: null,
      },
      passes('src/outbox/one-way-b.ts', './relay-sql.js'),
    ],
  },
];

const probes = rules.flatMap((r) => r.probes);
let diagnostics: ReadonlyArray<{ category?: string; message?: string; location?: { path?: string } }> = [];
let folder = '';

const diagnosticsOf = (path: string) => diagnostics.filter((d) => d.location?.path === path);

before(() => {
  assert.equal(new Set(probes.map((p) => p.path)).size, probes.length, 'one probe per path');
  folder = mkdtempSync(join(tmpdir(), 'flowthrough-lint-rules-'));
  copyFileSync(join(repoRoot, 'biome.jsonc'), join(folder, 'biome.jsonc'));
  for (const p of probes) {
    mkdirSync(dirname(join(folder, p.path)), { recursive: true });
    writeFileSync(join(folder, p.path), p.source ?? `import { probe } from '${p.imports}';\n\nexport const used = probe;\n`);
  }
  // `lint` only: formatting and the other rules are not what these probes are about. Exit code 1 is expected.
  const run = spawnSync(biome, ['lint', '--reporter=json', '--max-diagnostics=none', '.'], { cwd: folder, encoding: 'utf8' });
  assert.equal(run.error, undefined, `${biome} runs`);
  const report = JSON.parse(run.stdout) as { summary?: { changed?: number; unchanged?: number }; diagnostics?: typeof diagnostics };
  assert.ok(Array.isArray(report.diagnostics), `a Biome JSON report: ${run.stdout}${run.stderr}`);
  const checked = (report.summary?.changed ?? 0) + (report.summary?.unchanged ?? 0);
  assert.ok(checked >= probes.length, `Biome checked every probe (${checked} files for ${probes.length} probes)`);
  diagnostics = report.diagnostics;
  const strays = diagnostics.filter((d) => !probes.some((p) => p.path === d.location?.path));
  assert.deepEqual(strays, [], 'every diagnostic is on a probe');
});

after(() => {
  if (folder !== '') rmSync(folder, { recursive: true, force: true });
});

for (const { rule, probes: cases } of rules) {
  describe(rule, () => {
    for (const p of cases) {
      if (p.fails === undefined) continue;
      const what = p.imports === undefined ? p.path : `${p.path}: '${p.imports}'`;
      if (p.fails === null) {
        it(`${what} passes`, () => {
          const found = diagnosticsOf(p.path).filter((d) => d.category === RESTRICTED || d.category === CYCLE);
          assert.deepEqual(found, [], `no boundary diagnostic on ${p.path}`);
        });
      } else {
        const expected = p.fails;
        it(`${what} fails ${expected.split('/').pop()}`, () => {
          const found = diagnosticsOf(p.path);
          assert.ok(
            found.some((d) => d.category === expected),
            `${expected} on ${p.path}, got ${JSON.stringify(found)}`,
          );
          const messages = found.filter((d) => d.category === RESTRICTED).map((d) => d.message ?? '');
          assert.ok(
            messages.every((m) => m.includes('(README: Layout)')),
            `each message says the rule: ${messages.join(' | ')}`,
          );
        });
      }
    }
  });
}
