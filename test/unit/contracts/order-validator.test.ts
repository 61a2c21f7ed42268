import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createOrderValidator,
  createSchemaAjv,
  ENVELOPE_SCHEMA_FILE,
  ORDER_SCHEMA_FILE,
  readSchema,
} from '../../../src/contracts/order-validator.js';

describe('createOrderValidator', () => {
  const validate = createOrderValidator();

  it('compiles both schemas in strict mode', () => {
    const ajv = createSchemaAjv();
    ajv.addSchema(readSchema(ORDER_SCHEMA_FILE));
    assert.doesNotThrow(() => ajv.compile(readSchema(ENVELOPE_SCHEMA_FILE)));
  });

  it('accepts a valid order', () => {
    const data = {
      orderId: 'o-1',
      account: 'contoso',
      requestedAt: '2026-11-29T09:00:00Z',
      items: [{ id: 'd', action: 'delete', resource: 'account' }],
    };
    assert.deepEqual(validate(data), { valid: true });
  });

  it('reports every error with a JSON pointer, keyword and params', () => {
    const result = validate({
      orderId: 'o 1',
      account: 'contoso',
      requestedAt: 'now',
      items: [{ id: 'd', action: 'delete', resource: 'account', deleteNumbers: 'yes' }],
    });
    assert.equal(result.valid, false);
    if (result.valid) return;
    assert.deepEqual(
      result.errors.map((e) => `${e.path} ${e.keyword}`),
      ['/orderId pattern', '/requestedAt format', '/items/0/deleteNumbers type', '/items/0 if'],
    );
    assert.equal(result.errors[0]?.params.pattern, '^[A-Za-z0-9._:-]+$');
  });

  it('declares the schema ids the contract documents', () => {
    assert.equal(readSchema(ORDER_SCHEMA_FILE).$id, 'https://flowthrough.dev/schemas/order.v1.json');
    assert.equal(readSchema(ENVELOPE_SCHEMA_FILE).$id, 'https://flowthrough.dev/schemas/cloudevent-envelope.v1.json');
  });
});
