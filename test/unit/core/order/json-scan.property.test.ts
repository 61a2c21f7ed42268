import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jsonc from 'jsonc-parser';
import { scanJson } from '../../../../src/core/order/json-scan.js';

/**
 * scanJson against an independent oracle, jsonc-parser's visitor, over JSON
 * texts written with every spelling JSON allows: escapes (short, \uXXXX in
 * either case, surrogate pairs, lone surrogates), raw DEL and non-ASCII,
 * duplicate member names (also spelled differently: "a" and "\u0061"),
 * names that are pointer-special ("~", "/") or prototype-special, deep
 * nesting and whitespace everywhere.
 */

type Node =
  | { readonly kind: 'object'; readonly members: readonly (readonly [string, Node])[] }
  | { readonly kind: 'array'; readonly items: readonly Node[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'literal'; readonly text: string };

// Mostly harmless characters, so that a single control character or lone surrogate decides the flag often.
const interestingUnit = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.constantFrom(
      'a',
      'b',
      'z',
      'A',
      '0',
      ' ',
      '~',
      '/',
      '"',
      '\\',
      'é',
      '\u0080',
      '\u00a0',
      '\u2028',
      '\ufffd',
      '\ud83d\ude00',
      '\u{10ffff}',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\u0001', '\b', '\t', '\n', '\f', '\r', '\u001f', '\u007f') },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff') },
);
const text = fc.array(interestingUnit, { maxLength: 6 }).map((units) => units.join(''));
// A small pool, so duplicates come up often; the rest arbitrary.
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'id', 'account', '__proto__', 'constructor', 'toString', 'x/y', 'm~n', '', 'é') },
  { weight: 1, arbitrary: text },
);
const literal = fc.constantFrom('true', 'false', 'null', '0', '-1', '12.5e-3', '1E+2', '42');

const { node } = fc.letrec<{ node: Node; object: Node; array: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('literal' as const), text: literal }),
    fc.record({ kind: fc.constant('string' as const), value: text }),
    tie('object'),
    tie('array'),
  ),
  object: fc.record({ kind: fc.constant('object' as const), members: fc.array(fc.tuple(name, tie('node')), { maxLength: 5 }) }),
  array: fc.record({ kind: fc.constant('array' as const), items: fc.array(tie('node'), { maxLength: 4 }) }),
}));

/** A node wrapped in `levels` containers (object or array by the bits of `shape`). */
const deep = fc.tuple(node, fc.integer({ min: 1, max: 150 }), fc.integer()).map(([inner, levels, shape]): Node => {
  let current = inner;
  for (let level = 0; level < levels; level++) {
    current = (shape >> (level % 31)) & 1 ? { kind: 'array', items: [current] } : { kind: 'object', members: [['k', current]] };
  }
  return current;
});

/** mulberry32: the writer's choices (escape or not, which whitespace) follow the generated seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
const WHITESPACE = ['', '', '', ' ', '\n', '\t', '\r\n  '];

function hexEscape(unit: number, next: () => number): string {
  const hex = unit.toString(16).padStart(4, '0');
  return `\\u${next() < 0.5 ? hex : hex.toUpperCase()}`;
}

/** A JSON string literal: well-formed UTF-16 text (a lone surrogate only ever as an escape, as after a fatal UTF-8 decoder). */
function writeString(value: string, next: () => number): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const following = value.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && following >= 0xdc00 && following <= 0xdfff) {
      // A pair: raw, or both halves escaped.
      out += next() < 0.5 ? value.slice(i, i + 2) : hexEscape(unit, next) + hexEscape(following, next);
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += hexEscape(unit, next);
    } else {
      const char = value[i] as string;
      const mustEscape = unit < 0x20 || char === '"' || char === '\\';
      const short = SHORT[char];
      if (mustEscape || next() < 0.2) out += short !== undefined && next() < 0.6 ? short : hexEscape(unit, next);
      else out += char;
    }
  }
  return `${out}"`;
}

function write(root: Node, seed: number): string {
  const next = random(seed);
  const space = (): string => WHITESPACE[Math.floor(next() * WHITESPACE.length)] ?? '';
  // Iterative, so deep nodes cost no stack here either.
  const parts: string[] = [];
  const pending: (Node | string)[] = [root];
  while (pending.length > 0) {
    const item = pending.pop() as Node | string;
    if (typeof item === 'string') {
      parts.push(item);
      continue;
    }
    parts.push(space());
    if (item.kind === 'literal') parts.push(item.text);
    else if (item.kind === 'string') parts.push(writeString(item.value, next));
    else if (item.kind === 'array') {
      const tail: (Node | string)[] = ['['];
      for (const [i, child] of item.items.entries()) tail.push(...(i > 0 ? [`${space()},`] : []), child);
      tail.push(`${space()}]`);
      pending.push(...tail.reverse());
    } else {
      const tail: (Node | string)[] = ['{'];
      for (const [i, [key, child]] of item.members.entries())
        tail.push(`${i > 0 ? `${space()},` : ''}${space()}${writeString(key, next)}${space()}:`, child);
      tail.push(`${space()}}`);
      pending.push(...tail.reverse());
    }
    parts.push(space());
  }
  return parts.join('');
}

const UNACCEPTED = /[\u0000-\u001f\u007f]|\p{Cs}/u;

function pointer(path: readonly (string | number)[]): string {
  return path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

interface Oracle {
  readonly depth: number;
  readonly duplicates: readonly string[];
  readonly suspect: boolean;
  /** Pointer of the first container that opens past `limit`. */
  readonly firstBeyond: string | null;
}

/** The same facts from jsonc-parser's events (its own scanner unescapes the strings). */
function oracle(json: string, limit: number): Oracle {
  let depth = 0;
  let deepest = 0;
  let firstBeyond: string | null = null;
  const objects: (Set<string> | null)[] = [];
  const duplicates: string[] = [];
  let suspect = false;
  const open = (isObject: boolean, path: () => (string | number)[]): void => {
    depth++;
    if (depth > limit && firstBeyond === null) firstBeyond = pointer(path());
    deepest = Math.max(deepest, depth);
    objects.push(isObject ? new Set() : null);
  };
  const close = (): void => {
    depth--;
    objects.pop();
  };
  let errors = 0;
  jsonc.visit(
    json,
    {
      onObjectBegin: (_o, _l, _sl, _sc, path) => open(true, path),
      onArrayBegin: (_o, _l, _sl, _sc, path) => open(false, path),
      onObjectEnd: close,
      onArrayEnd: close,
      onObjectProperty: (property, _o, _l, _sl, _sc, path) => {
        if (UNACCEPTED.test(property)) suspect = true;
        const names = objects.at(-1);
        if (names?.has(property) === true) duplicates.push(pointer([...path(), property]));
        names?.add(property);
      },
      onLiteralValue: (value: unknown) => {
        if (typeof value === 'string' && UNACCEPTED.test(value)) suspect = true;
      },
      onError: () => errors++,
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  assert.equal(errors, 0, `the oracle found the generated text invalid: ${JSON.stringify(json)}`);
  return { depth: deepest, duplicates, suspect, firstBeyond };
}

/** An object past the size where the scan trades its name array for a Set, inside an ordinary value. */
const wide = fc
  .tuple(fc.array(fc.tuple(fc.oneof(name, fc.integer({ min: 0, max: 60 }).map(String)), node), { minLength: 17, maxLength: 60 }), node)
  .map(([members, around]): Node => ({ kind: 'array', items: [around, { kind: 'object', members }, around] }));

const document = fc
  .tuple(fc.oneof({ weight: 4, arbitrary: node }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: wide }), fc.integer())
  .map(([root, seed]) => write(root, seed));

describe('scanJson agrees with jsonc-parser', () => {
  it('on depth, duplicate member names (as pointers, in document order) and the character flag', () => {
    fc.assert(
      fc.property(document, (json) => {
        JSON.parse(json); // the generator writes valid JSON only
        const expected = oracle(json, Infinity);
        const scan = scanJson(json, 10_000, Infinity);
        assert.equal(scan.tooDeepAt, null);
        assert.equal(scan.depth, expected.depth);
        assert.deepEqual(scan.duplicateKeys, expected.duplicates);
        assert.equal(scan.duplicateKeyCount, expected.duplicates.length);
        assert.equal(scan.suspectCharacters, expected.suspect);
      }),
      { numRuns: 600, seed: 9 },
    );
  });

  it('stops where nesting first passes the limit, naming that value, having seen the duplicates before it', () => {
    fc.assert(
      fc.property(document, fc.integer({ min: 0, max: 160 }), (json, limit) => {
        const expected = oracle(json, limit);
        const scan = scanJson(json, limit, Infinity);
        if (expected.depth > limit) {
          assert.equal(scan.depth, limit + 1);
          assert.equal(scan.tooDeepAt, expected.firstBeyond);
          assert.deepEqual(scan.duplicateKeys, expected.duplicates.slice(0, scan.duplicateKeys.length));
        } else {
          assert.equal(scan.tooDeepAt, null);
          assert.equal(scan.depth, expected.depth);
          assert.deepEqual(scan.duplicateKeys, expected.duplicates);
        }
      }),
      { numRuns: 300, seed: 10 },
    );
  });

  it('never throws on text that is not JSON (cut, spliced or random), and agrees wherever JSON.parse accepts it', () => {
    const mangled = fc.oneof(
      fc
        .tuple(document, fc.nat(), fc.nat())
        .map(([json, a, b]) => json.slice(Math.min(a, b) % (json.length + 1), Math.max(a, b) % (json.length + 1))),
      fc
        .tuple(document, fc.nat(), fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', '\\u', '\\ud800', '\u007f'))
        .map(([json, at, insert]) => {
          const cut = at % (json.length + 1);
          return json.slice(0, cut) + insert + json.slice(cut);
        }),
      fc.string({ unit: 'binary-ascii', maxLength: 40 }),
    );
    fc.assert(
      fc.property(mangled, (json) => {
        const scan = scanJson(json, 64, Infinity);
        let parsed = true;
        try {
          JSON.parse(json);
        } catch {
          parsed = false;
        }
        if (!parsed) return;
        const expected = oracle(json, 64);
        assert.equal(scan.depth, Math.min(expected.depth, 65));
        if (expected.depth <= 64) assert.deepEqual(scan.duplicateKeys, expected.duplicates);
        assert.equal(scan.suspectCharacters || expected.depth > 64, expected.suspect || expected.depth > 64);
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});
