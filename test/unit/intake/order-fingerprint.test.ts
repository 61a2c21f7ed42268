import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOrderValidator } from '../../../src/contracts/order-validator.js';
import { DEFAULT_PARSE_LIMITS, parseOrderRecord } from '../../../src/core/order/index.js';
import { orderFingerprint } from '../../../src/intake/intake-processor.js';

const validator = createOrderValidator();
const headers = new Map(
  Object.entries({
    ce_specversion: '1.0',
    ce_id: 'x',
    ce_source: '/t',
    ce_type: 'io.flowthrough.order.v1',
    'content-type': 'application/json',
  }),
);
// After the orders' requestedAt (2026-11-29), fixed so the test does not depend on the day it runs.
const limits = { ...DEFAULT_PARSE_LIMITS, now: Date.parse('2026-12-01T00:00:00.000Z') };

function fingerprint(text: string): string {
  const parsed = parseOrderRecord({ headers, value: Buffer.from(text) }, validator, limits);
  assert.ok(parsed.ok);
  return orderFingerprint(parsed.order);
}

describe('order fingerprint', () => {
  it('is the same for the same content in another key order and layout', () => {
    const a = `{"orderId":"o1","account":"acme","requestedAt":"2026-11-29T10:00:00Z","items":[{"id":"n","action":"upsert","resource":"numbers","numbers":[{"telephoneNumber":"+14255550100","serviceDetails":{"teamsOperatorConnect":{"enabled":true,"configuration":{"usage":"CallingUserAssignment","choosableCapabilities":["InboundCalling"]}}},"configuration":{"customSipHeader":"h1"}}]}]}`;
    const b = `{ "items": [ { "numbers": [ { "configuration": { "customSipHeader": "h1" }, "serviceDetails": { "teamsOperatorConnect": { "configuration": { "choosableCapabilities": ["InboundCalling"], "usage": "CallingUserAssignment" }, "enabled": true } }, "telephoneNumber": "+14255550100" } ], "resource": "numbers", "action": "upsert", "id": "n" } ], "requestedAt": "2026-11-29T10:00:00Z", "account": "acme", "orderId": "o1" }`;
    assert.equal(fingerprint(a), fingerprint(b));
  });

  it('differs when the content differs', () => {
    const a = `{"orderId":"o1","account":"acme","requestedAt":"2026-11-29T10:00:00Z","items":[{"id":"d","action":"delete","resource":"numbers","numbers":[{"telephoneNumber":"+14255550100"}]}]}`;
    assert.notEqual(fingerprint(a), fingerprint(a.replace('+14255550100', '+14255550101')));
  });

  it('ignores read-only fields, which the normalised order drops', () => {
    const a = `{"orderId":"o1","account":"acme","requestedAt":"2026-11-29T10:00:00Z","items":[{"id":"a","action":"upsert","resource":"account","account":{"name":"acme","serviceDetails":{"teamsOperatorConnect":{"enabled":true,"syncEnabled":true}}}}]}`;
    const b = a.replace('"syncEnabled":true}', '"syncEnabled":true,"numberCount":100}');
    assert.notEqual(a, b);
    assert.equal(fingerprint(a), fingerprint(b));
  });
});
