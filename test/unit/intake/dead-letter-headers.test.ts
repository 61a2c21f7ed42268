import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createOrderValidator } from '../../../src/contracts/order-validator.js';
import { rejected } from '../../../src/core/intake/plan-record.js';
import type { RecordSource } from '../../../src/core/intake/planned-order.js';
import { parseOrderRecord } from '../../../src/core/order/parse-order-record.js';
import type { StatusProblem } from '../../../src/core/status/status-data.js';
import { deadLetterCopy, deadLetterHeaders, DLT_HEADERS } from '../../../src/intake/dead-letter-headers.js';
import { textHeadersToStored, unstoreHeaders } from '../../../src/platform/kafka/record-headers.js';
import { fixtureLimits, fixtureRecord, INVALID_DIRECTORY, jsonFiles, readJson, type InvalidFixture } from '../core/order/order-records.js';

interface HeaderSchema {
  $id: string;
  required: string[];
  properties: Record<string, { contentSchema?: object }>;
}

const schema = JSON.parse(readFileSync(new URL('../../../schemas/dead-letter-headers.v1.json', import.meta.url), 'utf8')) as HeaderSchema;
const ajv = new Ajv2020({ strict: true, allErrors: true });
// ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose .default is the plugin.
addFormats.default(ajv);
const validate = ajv.compile(schema);
const violationsSchema = schema.properties[DLT_HEADERS.violations]?.contentSchema;
assert.ok(violationsSchema, 'the violations header describes its JSON');
const validateViolations = ajv.compile(violationsSchema);
const validateOrder = createOrderValidator();

const SOURCE: RecordSource = {
  topic: 'provisioning.orders.v1',
  partition: 2,
  offset: '1234567',
  timestamp: '2026-11-29T09:00:00.000Z',
  key: 'contoso',
};
const FAILED_AT = '2026-11-29T09:00:01.250Z';

function build(violations: readonly StatusProblem[], orderId?: string): Record<string, string> {
  const decision = rejected(orderId, 'contoso', violations, FAILED_AT);
  return deadLetterHeaders({
    source: SOURCE,
    consumerGroup: 'flowthrough-intake',
    errorCode: decision.errorCode,
    errorMessage: decision.errorMessage,
    violations: decision.violations,
    failedAt: FAILED_AT,
    ...(orderId === undefined ? {} : { orderId }),
  });
}

function assertValid(headers: Record<string, string>): void {
  assert.ok(validate(headers), ajv.errorsText(validate.errors));
  const list: unknown = JSON.parse(headers[DLT_HEADERS.violations] ?? 'null');
  assert.ok(validateViolations(list), ajv.errorsText(validateViolations.errors));
}

const E164: StatusProblem = {
  code: 'invalid_e164',
  path: '/items/0/numbers/0/telephoneNumber',
  message: '"4255550100" is not an E.164 number',
};

describe('schemas/dead-letter-headers.v1.json', () => {
  it('names exactly the headers deadLetterHeaders writes; all but the order id and the omission marks always', () => {
    const optional: string[] = [DLT_HEADERS.orderId, DLT_HEADERS.omitted, DLT_HEADERS.originalBytes];
    assert.equal(schema.$id, 'https://flowthrough.dev/schemas/dead-letter-headers.v1.json');
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.values(DLT_HEADERS).sort());
    assert.deepEqual(
      [...schema.required].sort(),
      Object.values(DLT_HEADERS)
        .filter((h) => !optional.includes(h))
        .sort(),
    );
  });

  it('accepts a copy that left the value out', () => {
    const dlt = build([{ code: 'too_large', path: '', message: 'the record is too large' }]);
    const copy = deadLetterCopy(
      { key: Buffer.from('contoso'), value: Buffer.alloc(200_000, 1), headers: [] },
      textHeadersToStored(dlt),
      100_000,
    );
    const headers = Object.fromEntries(unstoreHeaders(copy.headers).map((h) => [h.name, h.value?.toString() ?? '']));
    assertValid(headers);
    assert.equal(headers[DLT_HEADERS.omitted], 'value');
  });

  it('accepts the headers of a record with one violation and a readable orderId', () => {
    const headers = build([E164], 'ORD-1');
    assertValid(headers);
    assert.equal(headers[DLT_HEADERS.orderId], 'ORD-1');
    assert.equal(headers[DLT_HEADERS.exceptionMessage], E164.message);
    assert.equal(headers[DLT_HEADERS.originalOffset], '1234567');
  });

  it('accepts them beside the original record headers, without an orderId', () => {
    const headers: Record<string, string> = {
      ce_specversion: '1.0',
      'content-type': 'application/json',
      ...build([{ code: 'unparseable', path: '', message: 'the record value is not valid UTF-8' }]),
    };
    assertValid(headers);
    assert.equal(headers[DLT_HEADERS.orderId], undefined);
  });

  it('accepts a truncated violations header (over 8 KiB of violations)', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ ...E164, path: `/items/0/numbers/${i}/telephoneNumber` }));
    const headers = build(many, 'ORD-2');
    assertValid(headers);
    const list = JSON.parse(headers[DLT_HEADERS.violations] ?? '[]') as StatusProblem[];
    assert.equal(list.length, 21);
    assert.equal(list.at(-1)?.code, 'truncated');
  });

  for (const file of jsonFiles(INVALID_DIRECTORY)) {
    it(`accepts the headers the intake would write for ${file}`, () => {
      const fixture = readJson<InvalidFixture>(INVALID_DIRECTORY, file);
      const parsed = parseOrderRecord(fixtureRecord(fixture), validateOrder, fixtureLimits(fixture));
      assert.equal(parsed.ok, false);
      if (parsed.ok) return;
      const headers = build(parsed.violations, parsed.orderId);
      assertValid(headers);
      assert.equal(headers[DLT_HEADERS.errorCode], fixture.expect.codes[0]);
    });
  }

  const broken: ReadonlyArray<[string, (h: Record<string, string>) => void]> = [
    ['without the error code', (h) => delete h[DLT_HEADERS.errorCode]],
    ['with a partition that is not a decimal number', (h) => (h[DLT_HEADERS.originalPartition] = '-1')],
    ['with an offset in hexadecimal', (h) => (h[DLT_HEADERS.originalOffset] = '0x10')],
    ['with a failed-at time that is not RFC 3339', (h) => (h[DLT_HEADERS.failedAt] = '29/11/2026 09:00')],
    ['with an empty exception message', (h) => (h[DLT_HEADERS.exceptionMessage] = '')],
    ['with an error code that is not snake_case', (h) => (h[DLT_HEADERS.errorCode] = 'Invalid E164')],
  ];
  for (const [name, breakIt] of broken) {
    it(`refuses headers ${name}`, () => {
      const headers = build([E164], 'ORD-3');
      breakIt(headers);
      assert.equal(validate(headers), false);
    });
  }

  it('refuses a violations header whose entries lack a code', () => {
    assert.equal(validateViolations([{ path: '', message: 'no code' }]), false);
  });
});
