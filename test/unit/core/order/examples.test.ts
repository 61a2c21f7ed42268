import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createOrderValidator,
  createSchemaAjv,
  ENVELOPE_SCHEMA_FILE,
  ORDER_SCHEMA_FILE,
  readSchema,
} from '../../../../src/contracts/order-validator.js';
import { parseOrderRecord } from '../../../../src/core/order/parse-order-record.js';
import { EXAMPLES_DIRECTORY, exampleRecord, jsonFiles, readJson, TEST_LIMITS, type ExampleFile } from './order-records.js';

const validate = createOrderValidator();
const files = jsonFiles(EXAMPLES_DIRECTORY);

describe('examples/', () => {
  it('holds examples of every item kind, in both modes', () => {
    const kinds = new Set<string>();
    const modes = new Set<string>();
    for (const file of files) {
      const result = parseOrderRecord(exampleRecord(readJson<ExampleFile>(EXAMPLES_DIRECTORY, file)), validate, TEST_LIMITS);
      assert.ok(result.ok, file);
      modes.add(result.envelope.mode);
      for (const item of result.order.items) kinds.add(`${item.action} ${item.resource}`);
    }
    assert.deepEqual([...kinds].sort(), ['delete account', 'delete numbers', 'update consent', 'upsert account', 'upsert numbers']);
    assert.deepEqual([...modes].sort(), ['binary', 'structured']);
  });

  for (const file of files) {
    it(`${file} parses without violations or warnings, keyed by its account`, () => {
      const example = readJson<ExampleFile>(EXAMPLES_DIRECTORY, file);
      const result = parseOrderRecord(exampleRecord(example), validate, TEST_LIMITS);
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual(result.warnings, []);
      assert.equal(result.order.account, example.key, 'the record key is the account (per-account ordering)');
      assert.equal(result.envelope.subject, example.key);
      assert.equal(result.forceStale, false);
    });
  }

  it('structured examples also satisfy schemas/cloudevent-envelope.v1.json', () => {
    const ajv = createSchemaAjv();
    ajv.addSchema(readSchema(ORDER_SCHEMA_FILE));
    const validateEvent = ajv.compile(readSchema(ENVELOPE_SCHEMA_FILE));
    let structured = 0;
    for (const file of files) {
      const example = readJson<ExampleFile>(EXAMPLES_DIRECTORY, file);
      if (!example.headers['content-type']?.startsWith('application/cloudevents')) continue;
      structured++;
      assert.ok(validateEvent(example.value), `${file}: ${JSON.stringify(validateEvent.errors)}`);
    }
    assert.ok(structured >= 1);
  });

  it('sort into a sensible publish order: accounts before their numbers, deletes last', () => {
    const firstSeen = new Map<string, number>();
    files.forEach((file, index) => {
      const result = parseOrderRecord(exampleRecord(readJson<ExampleFile>(EXAMPLES_DIRECTORY, file)), validate, TEST_LIMITS);
      assert.ok(result.ok);
      for (const item of result.order.items) {
        const key = `${result.order.account} ${item.action} ${item.resource}`;
        if (!firstSeen.has(key)) firstSeen.set(key, index);
      }
    });
    for (const account of ['contoso', 'fabrikam', 'northwind']) {
      const created = firstSeen.get(`${account} upsert account`);
      assert.notEqual(created, undefined, account);
      const numbers = firstSeen.get(`${account} upsert numbers`);
      if (numbers !== undefined) assert.ok((created ?? Infinity) <= numbers, account);
      const deleted = firstSeen.get(`${account} delete account`);
      if (deleted !== undefined) assert.ok(deleted > (numbers ?? -1), account);
    }
  });
});
