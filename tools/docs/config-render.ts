/**
 * README's configuration tables, rendered from the variable tables in
 * src/platform/config. Pure: it imports the tables and nothing else, so the
 * test and `npm run docs:config` (config-tables.ts) render the same text.
 */
import { ACG_PROVISIONING_VARIABLES } from '../../src/platform/config/acg-variables.js';
import { OPERATOR_CONNECT_VARIABLES } from '../../src/platform/config/operator-connect-variables.js';
import { OPS_VARIABLES } from '../../src/platform/config/ops-variables.js';
import { RECONCILER_VARIABLES } from '../../src/platform/config/reconciler-variables.js';
import { CLI_VARIABLES, VARIABLES, type VariableSpec } from '../../src/platform/config/variables.js';

export const CONFIG_BEGIN = '<!-- config:begin -->';
export const CONFIG_END = '<!-- config:end -->';

export interface ConfigSection {
  readonly title: string;
  /** Where the table lives and who reads it: one line under the heading. */
  readonly intro: string;
  readonly variables: readonly VariableSpec[];
}

/** README's order: the core settings, the sections loadConfig folds in (each backend's only when configured), then the command's own. */
export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  {
    title: 'Worker',
    intro:
      '`VARIABLES` in `src/platform/config/variables.ts`: logging, PostgreSQL, Kafka and its topics, the intake, the outbox relay, the HTTP server and the custom SIP header.',
    variables: VARIABLES,
  },
  {
    title: 'Operations and read API',
    intro: '`OPS_VARIABLES` in `src/platform/config/ops-variables.ts`: the read API under `/v1` on `HTTP_PORT`.',
    variables: OPS_VARIABLES,
  },
  {
    title: 'Reconciler',
    intro: '`RECONCILER_VARIABLES` in `src/platform/config/reconciler-variables.ts`: flow-through to the backend `BACKEND` chooses.',
    variables: RECONCILER_VARIABLES,
  },
  {
    title: 'Operator Connect',
    intro:
      '`OPERATOR_CONNECT_VARIABLES` in `src/platform/config/operator-connect-variables.ts`: the backend client and its Entra ID credential, ' +
      'read only when `OPERATOR_CONNECT_BASE_URL` is set (`flowthrough simulator` prints a working set).',
    variables: OPERATOR_CONNECT_VARIABLES,
  },
  {
    title: 'Azure Communications Gateway',
    intro:
      '`ACG_PROVISIONING_VARIABLES` in `src/platform/config/acg-variables.ts`: the Provisioning API client (`BACKEND=acg`) and its Entra ID credential, ' +
      'read only when `ACG_PROVISIONING_BASE_URL` is set (`flowthrough simulator --api acg` prints a working set).',
    variables: ACG_PROVISIONING_VARIABLES,
  },
  {
    title: 'The flowthrough command',
    intro: '`CLI_VARIABLES` in `src/platform/config/variables.ts`: read by `src/app/cli/main.ts` itself and never validated.',
    variables: CLI_VARIABLES,
  },
];

/** Every variable name of every section, in README order. */
export function documentedNames(sections: readonly ConfigSection[] = CONFIG_SECTIONS): string[] {
  return sections.flatMap((s) => s.variables.map((v) => v.name));
}

const PREAMBLE = [
  '<!-- Written by `npm run docs:config` from the variable tables in src/platform/config: change a variable there, not here (a test compares the two). -->',
  'Every variable flowthrough reads from its environment, one table per place the code defines them. Every',
  'command but `simulator` validates the first five tables at start (the Operator Connect one only when',
  '`OPERATOR_CONNECT_BASE_URL` is set, the Azure Communications Gateway one only when `ACG_PROVISIONING_BASE_URL`',
  'is) and, given bad values, names each of them and does nothing else.',
  "Booleans take `true` or `false` (also `1`/`0`, `yes`/`no`); (empty) is the empty string. The simulator's",
  'own `SIMULATOR_*` settings are in `flowthrough simulator --help`, the local stack\'s under "Local stack" above.',
];

const POSTSCRIPT = ['Values marked (secret), and a password inside `DATABASE_URL`, are redacted from every log line.'];

/** A markdown code span holding `text` as is (a longer fence when it holds backticks). */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A table cell: a pipe would end the cell, a line break the row. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function defaultOf(spec: VariableSpec): string {
  if (spec.default === undefined) return 'required';
  return spec.default === '' ? '(empty)' : code(spec.default);
}

function allowedOf(spec: VariableSpec): string {
  if (spec.enum) return spec.enum.map((v) => (v === '' ? '(empty)' : code(v))).join(', ');
  const parts: string[] = [];
  switch (spec.type) {
    case 'integer': {
      const { minimum: min, maximum: max } = spec;
      if (min !== undefined && max !== undefined) parts.push(`integer ${min}–${max}`);
      else if (min !== undefined) parts.push(`integer ≥ ${min}`);
      else if (max !== undefined) parts.push(`integer ≤ ${max}`);
      else parts.push('integer');
      break;
    }
    case 'boolean':
      parts.push('boolean');
      break;
    case 'list':
      parts.push('comma-separated list');
      break;
    case 'url':
      parts.push('URL');
      break;
    case 'string':
      parts.push('text');
      break;
  }
  if (spec.pattern) parts.push(`matching ${code(spec.pattern)}`);
  return parts.join(', ');
}

/** Variable names in a description (with a `=value` after them, and `PREFIX_*` families) as code spans. */
function meaningOf(spec: VariableSpec, names: ReadonlySet<string>): string {
  return spec.description.replace(/\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:_\*)?)(=[^\s,;)]+)?/g, (word: string, name: string) =>
    names.has(name) || name.endsWith('_*') ? code(word) : word,
  );
}

function renderTable(section: ConfigSection, names: ReadonlySet<string>): string[] {
  const rows = section.variables.map((spec) => {
    const name = `${code(spec.name)}${spec.secret ? ' (secret)' : ''}`;
    return `| ${[name, defaultOf(spec), allowedOf(spec), meaningOf(spec, names)].map(cell).join(' | ')} |`;
  });
  return ['| variable | default | allowed | meaning |', '|---|---|---|---|', ...rows];
}

/**
 * What README holds between CONFIG_BEGIN and CONFIG_END (the markers
 * excluded), each line ending in a newline. Deterministic: the sections in
 * CONFIG_SECTIONS' order, each table in its own.
 */
export function renderConfig(sections: readonly ConfigSection[] = CONFIG_SECTIONS): string {
  const names = new Set(documentedNames(sections));
  const lines = [...PREAMBLE];
  for (const section of sections) lines.push('', `### ${section.title}`, section.intro, '', ...renderTable(section, names));
  lines.push('', ...POSTSCRIPT);
  return `${lines.join('\n')}\n`;
}

export interface ConfigRegion {
  /** Offset just after CONFIG_BEGIN's line. */
  readonly start: number;
  /** Offset of CONFIG_END. */
  readonly end: number;
  readonly text: string;
}

/** The region between the markers; throws unless each marker is on a line of its own, once, in order. */
export function configRegion(readme: string): ConfigRegion {
  const begin = `${CONFIG_BEGIN}\n`;
  const end = `\n${CONFIG_END}`;
  const b = readme.indexOf(begin);
  const e = readme.indexOf(end);
  if (b < 0 || e < 0 || readme.indexOf(begin, b + 1) >= 0 || readme.indexOf(end, e + 1) >= 0 || e < b) {
    throw new Error(`README.md must hold "${CONFIG_BEGIN}" and "${CONFIG_END}" once each, on lines of their own, in that order`);
  }
  const start = b + begin.length;
  return { start, end: e + 1, text: readme.slice(start, e + 1) };
}

/** README with `rendered` between the markers; everything outside them is kept byte for byte. */
export function replaceConfig(readme: string, rendered: string): string {
  const region = configRegion(readme);
  return readme.slice(0, region.start) + rendered + readme.slice(region.end);
}

export interface DiffOptions {
  readonly expected: string;
  readonly actual: string;
  /** Lines around each change. */
  readonly context?: number;
  /** Added to the line numbers of the hunk headers (where the texts sit in a file). */
  readonly lineOffset?: number;
}

const linesOf = (text: string): string[] => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');

/**
 * A unified-style diff of two texts by line (longest common subsequence):
 * `-` lines are `expected`'s, `+` lines `actual`'s; '' when they are equal.
 */
export function lineDiff(expected: string, actual: string, options: DiffOptions): string {
  if (expected === actual) return '';
  const context = options.context ?? 3;
  const offset = options.lineOffset ?? 0;
  const a = linesOf(expected);
  const b = linesOf(actual);
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  type Op = { readonly kind: ' ' | '-' | '+'; readonly text: string; readonly aLine: number; readonly bLine: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', text: a[i++]!, aLine: i, bLine: ++j });
    else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!))
      ops.push({ kind: '-', text: a[i++]!, aLine: i, bLine: j });
    else ops.push({ kind: '+', text: b[j++]!, aLine: i, bLine: j });
  }
  const out = [`--- ${options.expected}`, `+++ ${options.actual}`];
  for (let k = 0; k < ops.length; ) {
    if (ops[k]!.kind === ' ') {
      k++;
      continue;
    }
    // A hunk: this change, the changes within 2·context of it, and context around them.
    let last = k;
    for (let m = k; m < ops.length && m - last <= 2 * context; m++) if (ops[m]!.kind !== ' ') last = m;
    const from = Math.max(0, k - context);
    const to = Math.min(ops.length, last + context + 1);
    const hunk = ops.slice(from, to);
    const aStart = hunk.find((o) => o.kind !== '+')?.aLine ?? (ops[from]?.aLine ?? 0) + 1;
    const bStart = hunk.find((o) => o.kind !== '-')?.bLine ?? (ops[from]?.bLine ?? 0) + 1;
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aStart + offset},${aCount} +${bStart + offset},${bCount} @@`, ...hunk.map((o) => `${o.kind}${o.text}`));
    k = to;
  }
  return `${out.join('\n')}\n`;
}
