import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOrderValidator } from '../../../../src/contracts/order-validator.js';
import { VIOLATION_CODES } from '../../../../src/core/order/order.js';
import { parseOrderRecord } from '../../../../src/core/order/parse-order-record.js';
import { fixtureLimits, fixtureRecord, INVALID_DIRECTORY, jsonFiles, readJson, type InvalidFixture } from './order-records.js';

const validate = createOrderValidator();
const files = jsonFiles(INVALID_DIRECTORY);

describe('test/support/fixtures/invalid/', () => {
  it('is a catalogue of at least 20 records covering every violation code', () => {
    assert.ok(files.length >= 20, `${files.length} fixtures`);
    const covered = new Set(files.flatMap((file) => readJson<InvalidFixture>(INVALID_DIRECTORY, file).expect.codes));
    assert.deepEqual([...covered].sort(), [...VIOLATION_CODES].sort());
  });

  for (const file of files) {
    const fixture = readJson<InvalidFixture>(INVALID_DIRECTORY, file);
    it(`${file}: ${fixture.description}`, () => {
      const result = parseOrderRecord(fixtureRecord(fixture), validate, fixtureLimits(fixture));
      assert.equal(result.ok, false);
      if (result.ok) return;
      const codes = [...new Set(result.violations.map((v) => v.code))].sort();
      assert.deepEqual(codes, [...fixture.expect.codes].sort(), JSON.stringify(result.violations, null, 1));
      assert.equal(result.orderId, fixture.expect.orderId);
      if (fixture.expect.account !== undefined) assert.equal(result.account, fixture.expect.account);
      for (const violation of result.violations) {
        assert.ok(violation.message.length > 0, 'every violation says why');
        assert.equal(typeof violation.path, 'string');
      }
    });
  }
});
