import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanJson } from '../../../../src/core/order/json-scan.js';

const scan = (text: string, maxDepth = 64, maxReported = 100) => scanJson(text, maxDepth, maxReported);

describe('scanJson: duplicate member names', () => {
  it('compares names after unescaping, and points at the repeated member', () => {
    assert.deepEqual(scan('{"a":1,"\\u0061":2}').duplicateKeys, ['/a']);
    assert.deepEqual(scan('{"x":{"a\\"b":1,"a\\u0022b":2}}').duplicateKeys, ['/x/a"b']);
    assert.deepEqual(scan('{"a":1,"A":2,"a ":3}').duplicateKeys, []);
  });

  it('escapes ~ and / in pointers (RFC 6901) and counts array positions', () => {
    assert.deepEqual(scan('[0,{"m~n":{"x/y":1,"x/y":2}},{"q":[1,{"":0,"":1}]}]').duplicateKeys, ['/1/m~0n/x~1y', '/2/q/1/']);
  });

  it('treats prototype names as plain names', () => {
    assert.deepEqual(scan('{"__proto__":1,"constructor":2,"toString":3,"__proto__":4}').duplicateKeys, ['/__proto__']);
  });

  it('keeps sibling objects apart, and checks large objects as well as small ones', () => {
    assert.deepEqual(scan('[{"a":1},{"a":2}]').duplicateKeys, []);
    const members = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    assert.deepEqual(scan(`{${members.join(',')},"k3":0,"k39":0}`).duplicateKeys, ['/k3', '/k39']);
  });

  it('lists at most maxReported and counts the rest', () => {
    const result = scan(`{${Array.from({ length: 10 }, () => '"a":1').join(',')}}`, 64, 3);
    assert.deepEqual(result.duplicateKeys, ['/a', '/a', '/a']);
    assert.equal(result.duplicateKeyCount, 9);
  });
});

describe('scanJson: depth', () => {
  it('measures nesting and stops past the limit, pointing at the value that went too deep', () => {
    assert.equal(scan('1').depth, 0);
    assert.equal(scan('{"a":[[],{}]}').depth, 3);
    const deep = scan('{"a":[{"b":[[1]]}]}', 3);
    assert.equal(deep.depth, 4);
    assert.equal(deep.tooDeepAt, '/a/0/b');
    assert.equal(scan('{"a":[{"b":[1]}]}', 4).tooDeepAt, null);
  });

  it('stops early on a million levels without using the stack', () => {
    const result = scan('['.repeat(1_000_000) + ']'.repeat(1_000_000));
    assert.equal(result.depth, 65);
    assert.equal(result.tooDeepAt, '/0'.repeat(64));
  });
});

describe('scanJson: characters', () => {
  it('flags escaped control characters, DEL and lone surrogates, not other escapes', () => {
    for (const text of [
      '"\\u0000"',
      '"\\n"',
      '"\\t"',
      '"\\b"',
      '"\\f"',
      '"\\r"',
      '"\\u001F"',
      '"\\u007f"',
      '"\u007f"',
      '"\\ud800"',
      '"\\udc00"',
      '"\\ud800\\u0041"',
      '"\\ud800"\\udc00',
      '{"\\u0000":1}',
    ]) {
      assert.equal(scan(text).suspectCharacters, true, text);
    }
    for (const text of [
      '"\\u0041"',
      '"\\"\\\\\\/"',
      '"\\ud83d\\ude00"',
      '"\\uD83D\\uDE00"',
      '"\ud83d\ude00"',
      '"\\u0080"',
      '"é"',
      '{"a\\"":"\\u00e9"}',
    ]) {
      assert.equal(scan(text).suspectCharacters, false, text);
    }
  });
});

describe('scanJson: text that is not JSON', () => {
  it('returns without throwing', () => {
    for (const text of ['', '"', '"\\', '"\\u12', '{"a', '{"a":', '}}]]', '{"a":1,"a', '\\\\\\"', '[{"a":"\\"}]', '{"\\ud800', '\u0000']) {
      assert.doesNotThrow(() => scan(text), text);
    }
  });

  it('stays linear on hostile shapes (a quadratic scan would take minutes)', () => {
    const shapes = [
      `{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":0`).join(',')}}`,
      `{${Array.from({ length: 100_000 }, () => '"same-name-of-some-length":0').join(',')}}`,
      `"${'\\\\'.repeat(1_000_000)}"`,
      `"${'\\"'.repeat(1_000_000)}"`,
      `[${'"\\u0000",'.repeat(300_000)}0]`,
      '"'.repeat(2_000_000),
      '\\'.repeat(2_000_000),
      `{${'"a\\u0061":0,'.repeat(200_000)}"b":0}`,
    ];
    for (const text of shapes) {
      const started = performance.now();
      scan(text);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 3000, `${text.slice(0, 30)}…: ${elapsed.toFixed(0)} ms`);
    }
  });
});
