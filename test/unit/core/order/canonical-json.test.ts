import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../../../src/core/order/parse-order-record.js';

describe('canonicalJson', () => {
  it('is the same whatever the key order, at every depth', () => {
    const a = { orderId: 'o', items: [{ id: '1', numbers: [{ telephoneNumber: '+1', serviceDetails: { b: 1, a: 2 } }] }], account: 'c' };
    const b = { account: 'c', items: [{ numbers: [{ serviceDetails: { a: 2, b: 1 }, telephoneNumber: '+1' }], id: '1' }], orderId: 'o' };
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(
      canonicalJson(a),
      '{"account":"c","items":[{"id":"1","numbers":[{"serviceDetails":{"a":2,"b":1},"telephoneNumber":"+1"}]}],"orderId":"o"}',
    );
  });

  it('keeps array order and tells different content apart', () => {
    assert.notEqual(canonicalJson({ n: ['+1', '+2'] }), canonicalJson({ n: ['+2', '+1'] }));
    assert.notEqual(canonicalJson({ enabled: true }), canonicalJson({ enabled: 'true' }));
  });

  it('round-trips through JSON.parse and drops what JSON.stringify drops', () => {
    const value = {
      s: 'é "q" \n \u2028',
      n: -1.5e-7,
      z: 0,
      t: true,
      f: false,
      nil: null,
      u: undefined,
      arr: [undefined, 1],
      d: new Date(0),
    };
    const text = canonicalJson(value);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
    assert.ok(!text.includes('"u"'));
  });

  it('sorts keys by UTF-16 code units (as RFC 8785)', () => {
    assert.equal(canonicalJson({ b: 1, B: 2, a: 3, é: 4, '10': 5, '9': 6 }), '{"10":5,"9":6,"B":2,"a":3,"b":1,"é":4}');
  });

  it('refuses values with no JSON text', () => {
    assert.throws(() => canonicalJson(undefined), TypeError);
    assert.throws(() => canonicalJson(1n), TypeError);
  });
});
