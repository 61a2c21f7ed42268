import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOrderValidator } from '../../../../src/contracts/order-validator.js';
import { MAX_VIOLATIONS_PER_CODE } from '../../../../src/core/order/parse-limits.js';
import { canonicalJson, parseOrderRecord, type OrderRecord, type ParseResult } from '../../../../src/core/order/parse-order-record.js';
import { BINARY_HEADERS, binaryRecord, headerMap, ocNumber, orderData, TEST_LIMITS, type Headers } from './order-records.js';

/** Issue #9: records built to break the parser, each refused with its own code, none throwing. */
const validate = createOrderValidator();

function parse(record: OrderRecord, limits = TEST_LIMITS): ParseResult {
  return parseOrderRecord(record, validate, limits);
}

function refused(result: ParseResult): Extract<ParseResult, { ok: false }> {
  assert.equal(result.ok, false, 'expected a refusal');
  return result as Extract<ParseResult, { ok: false }>;
}

function accepted(result: ParseResult): Extract<ParseResult, { ok: true }> {
  assert.ok(result.ok, JSON.stringify(result, null, 1));
  return result;
}

const codesAt = (result: ParseResult): string[] => refused(result).violations.map((v) => `${v.code} ${v.path}`);

const textRecord = (text: string, headers: Headers = BINARY_HEADERS): OrderRecord => ({
  headers: headerMap(headers),
  value: Buffer.from(text, 'utf8'),
});

const STRUCTURED: Headers = { 'content-type': 'application/cloudevents+json' };
/** A structured-mode event around data given as JSON text (so the text can hold what JSON.stringify never writes). */
const structuredText = (
  dataText: string,
  attributes = '"specversion":"1.0","id":"e-1","source":"/bss","type":"io.flowthrough.order.v1"',
): OrderRecord => textRecord(`{${attributes},"data":${dataText}}`, STRUCTURED);

const numbersItem = (numbers: unknown[]) => ({ id: 'numbers', action: 'upsert', resource: 'numbers', numbers });
const valid = orderData([numbersItem([ocNumber('+14255550100')])]);
const validText = JSON.stringify(valid);

/** No path or message may carry a control character or lone surrogate: they end in jsonb, logs and status events. */
function assertPrintable(result: ParseResult): void {
  if (result.ok) return;
  for (const v of result.violations) {
    assert.ok(!/[\u0000-\u001f\u007f]|\p{Cs}/u.test(v.path + v.message), JSON.stringify(v));
  }
}

describe('hostile records: header names', () => {
  it('ignores header names that are Object.prototype members, without throwing', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__PROTO__']) {
      const headers = new Map([...headerMap(BINARY_HEADERS), [name, 'x']]);
      const result = accepted(parse({ headers, value: Buffer.from(validText) }));
      assert.equal(result.forceStale, false);
    }
    assert.equal(({} as Record<string, unknown>).x, undefined, 'no prototype was touched');
  });

  it('reads ce_* headers whatever the case of their names, the last spelling winning', () => {
    const headers = new Map<string, string>([...headerMap(BINARY_HEADERS), ['CE_ID', 'upper']]);
    assert.equal(accepted(parse({ headers, value: Buffer.from(validText) })).envelope.id, 'upper');
  });
});

describe('hostile records: size and depth', () => {
  it('refuses a value over maxRecordBytes before decoding it, naming size, limit and variable', () => {
    const limits = { ...TEST_LIMITS, maxRecordBytes: validText.length - 1 };
    const result = refused(parse(textRecord(validText), limits));
    assert.deepEqual(codesAt(result), ['too_large ']);
    assert.match(
      result.violations[0]?.message ?? '',
      new RegExp(`${validText.length} bytes.*${validText.length - 1}.*INTAKE_MAX_RECORD_BYTES`),
    );
    accepted(parse(textRecord(validText), { ...TEST_LIMITS, maxRecordBytes: validText.length }));
    // Not even decoded: bytes that are not UTF-8 are only "too large".
    assert.deepEqual(
      codesAt(parse({ headers: headerMap(BINARY_HEADERS), value: new Uint8Array(11).fill(0xff) }, { ...TEST_LIMITS, maxRecordBytes: 10 })),
      ['too_large '],
    );
  });

  // JSON.stringify is recursive too: write the 10,000 levels as text.
  const deepText = JSON.stringify(orderData([numbersItem([ocNumber('+14255550100', { serviceProvisioningErrors: ['DEEP'] })])])).replace(
    '"DEEP"',
    `{"code":"Conflict","message":"nested",${'"innererror":{"code":"x",'.repeat(10_000)}"target":"t"${'}'.repeat(10_000)}}`,
  );

  it('refuses 10,000 levels of innererror in serviceProvisioningErrors as too_deep, without a stack overflow', () => {
    const result = refused(parse(textRecord(deepText)));
    assert.deepEqual(
      result.violations.map((v) => v.code),
      ['too_deep'],
    );
    const path = result.violations[0]?.path ?? '';
    assert.ok(path.startsWith('/items/0/numbers/0/serviceProvisioningErrors/0/innererror/innererror/'), path);
    assert.equal(path.split('/').length - 1, TEST_LIMITS.maxJsonDepth, 'the pointer of the value at the limit');
    assert.match(result.violations[0]?.message ?? '', /deeper than 64 .*INTAKE_MAX_JSON_DEPTH/);
    assert.equal(result.orderId, 'ORD-TEST-1', 'the orderId is still readable for the rejected status event');
  });

  it('does the same in structured mode, pointing into the event', () => {
    const result = refused(parse(structuredText(deepText)));
    assert.deepEqual(
      result.violations.map((v) => v.code),
      ['too_deep'],
    );
    assert.ok(result.violations[0]?.path.startsWith('/data/items/0/numbers/0/serviceProvisioningErrors/0/innererror/'));
    assert.equal(result.orderId, 'ORD-TEST-1');
  });

  it('accepts legitimate nesting well within the limit', () => {
    const errors = [
      { code: 'Conflict', message: 'm', details: [{ code: 'c', message: 'm', innererror: { code: 'i', innererror: { code: 'j' } } }] },
    ];
    accepted(parse(binaryRecord(orderData([numbersItem([ocNumber('+14255550100', { serviceProvisioningErrors: errors })])]))));
  });
});

describe('hostile records: duplicate member names', () => {
  const withDuplicateAccount = validText.replace('"account":"contoso"', '"account":"contoso","account":"fabrikam"');

  it('refuses two "account" members in binary mode, pointing into the data', () => {
    const result = refused(parse(textRecord(withDuplicateAccount)));
    assert.ok(codesAt(result).includes('duplicate_json_key /account'), codesAt(result).join('\n'));
  });

  it('refuses two "account" members in structured mode, pointing into the event', () => {
    const result = refused(parse(structuredText(withDuplicateAccount)));
    assert.ok(codesAt(result).includes('duplicate_json_key /data/account'), codesAt(result).join('\n'));
  });

  it('compares names after unescaping ("account" and "\\u0061ccount")', () => {
    const result = refused(parse(textRecord(validText.replace('"account":"contoso"', '"account":"contoso","\\u0061ccount":"contoso"'))));
    assert.deepEqual(codesAt(result), ['duplicate_json_key /account']);
  });

  const sipPath = '/items/0/numbers/0/configuration/customSipHeader';
  for (const [label, pair] of [
    ['clean first, CR/LF last (the value JSON.parse keeps)', '"customSipHeader":"abc","customSipHeader":"abc\\r\\nX-Injected: 1"'],
    ['CR/LF first (the value JSON.parse drops)', '"customSipHeader":"abc\\r\\nX-Injected: 1","customSipHeader":"abc"'],
  ] as const) {
    const text = JSON.stringify(
      orderData([numbersItem([ocNumber('+14255550100', { configuration: { customSipHeader: 'PAIR' } })])]),
    ).replace('"customSipHeader":"PAIR"', pair);

    it(`refuses customSipHeader given twice, ${label}, in binary mode`, () => {
      const result = refused(parse(textRecord(text)));
      assert.ok(codesAt(result).includes(`duplicate_json_key ${sipPath}`), codesAt(result).join('\n'));
      assertPrintable(result);
    });

    it(`refuses customSipHeader given twice, ${label}, in structured mode`, () => {
      const result = refused(parse(structuredText(text)));
      assert.ok(codesAt(result).includes(`duplicate_json_key /data${sipPath}`), codesAt(result).join('\n'));
    });
  }

  it('refuses duplicate CloudEvents attributes in structured mode', () => {
    const result = refused(
      parse(structuredText(validText, '"specversion":"1.0","id":"e-1","id":"e-2","source":"/bss","type":"io.flowthrough.order.v1"')),
    );
    assert.deepEqual(codesAt(result), ['duplicate_json_key /id']);
  });

  it(`lists ${MAX_VIOLATIONS_PER_CODE} duplicates and counts the rest`, () => {
    const many = validText.replace('"orderId"', `${'"x":1,'.repeat(MAX_VIOLATIONS_PER_CODE + 20)}"orderId"`);
    const duplicates = refused(parse(textRecord(many))).violations.filter((v) => v.code === 'duplicate_json_key');
    assert.equal(duplicates.length, MAX_VIOLATIONS_PER_CODE + 1);
    assert.match(duplicates.at(-1)?.message ?? '', /^19 more duplicate member names/);
  });
});

describe('hostile records: control characters and broken Unicode', () => {
  it('refuses NUL in correlationId and civicAddressId, naming the character and the fields', () => {
    const data = orderData([
      { id: 'a', action: 'upsert', resource: 'account', account: { name: 'contoso', correlationId: 'CRM\u00001' } },
      numbersItem([
        {
          telephoneNumber: '+14255550100',
          serviceDetails: {
            teamsOperatorConnect: {
              enabled: true,
              configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'], civicAddressId: 'addr\u0000' },
            },
          },
        },
      ]),
    ]);
    const result = refused(parse(binaryRecord(data)));
    assert.deepEqual(codesAt(result), [
      'control_character /items/0/account/correlationId',
      'control_character /items/1/numbers/0/serviceDetails/teamsOperatorConnect/configuration/civicAddressId',
    ]);
    for (const v of result.violations) {
      assert.match(v.message, /U\+0000/);
      assert.match(v.message, /control characters .* are not accepted in order fields/);
    }
    assert.equal(result.orderId, 'ORD-TEST-1');
    assertPrintable(result);
  });

  for (const [label, orderId] of [
    ['a line feed', 'ORD-1\nFORGED-LOG-LINE'],
    ['NUL', 'ORD-1\u0000'],
    ['DEL', 'ORD-1\u007f'],
  ] as const) {
    it(`refuses an orderId with ${label} and does not echo it`, () => {
      const result = refused(parse(binaryRecord(orderData([numbersItem([ocNumber('+14255550100')])], { orderId }))));
      assert.ok(codesAt(result).includes('control_character /orderId'), codesAt(result).join('\n'));
      assert.equal(result.orderId, undefined);
      assert.equal(result.account, 'contoso');
      assertPrintable(result);
    });
  }

  it('refuses a raw DEL (legal in JSON text, no escape to give it away)', () => {
    const result = refused(parse(textRecord(validText.replace('"contoso"', '"con\u007ftoso"'))));
    assert.ok(codesAt(result).includes('control_character /account'));
    assert.equal(result.account, undefined);
  });

  it('refuses a lone surrogate as invalid_unicode, and accepts a surrogate pair', () => {
    const text = JSON.stringify(
      orderData([{ id: 'a', action: 'upsert', resource: 'account', account: { name: 'contoso', correlationId: 'CRM-\ud800' } }]),
    );
    assert.ok(text.includes('\\ud800'), 'JSON.stringify escapes a lone surrogate');
    assert.deepEqual(codesAt(parse(textRecord(text))), ['invalid_unicode /items/0/account/correlationId']);
    accepted(
      parse(
        binaryRecord(
          orderData([{ id: 'a', action: 'upsert', resource: 'account', account: { name: 'contoso', correlationId: 'CRM-\ud83d\ude00' } }]),
        ),
      ),
    );
    const escapedPair = JSON.stringify(
      orderData([{ id: 'a', action: 'upsert', resource: 'account', account: { name: 'contoso', correlationId: 'PAIR' } }]),
    ).replace('"PAIR"', '"CRM-\\ud83d\\ude00"');
    accepted(parse(textRecord(escapedPair)));
  });

  it('checks member names too, and keeps paths and messages printable', () => {
    const result = refused(parse(textRecord(validText.replace('"orderId"', '"bad\\u0000name":1,"orderId"'))));
    assert.ok(
      codesAt(result).some((c) => c.startsWith('control_character /bad\\u0000name')),
      codesAt(result).join('\n'),
    );
    assertPrintable(result);
  });

  it('refuses control characters in binary-mode ce_* headers and content-type, by header name', () => {
    const result = refused(
      parse(
        binaryRecord(valid, {
          ce_id: 'e\r\n1',
          ce_subject: 'contoso\u0000',
          'content-type': 'application/json\n',
          ce_traceparent: '00\t1',
        }),
      ),
    );
    assert.deepEqual(codesAt(result).sort(), [
      'control_character ce_id',
      'control_character ce_subject',
      'control_character ce_traceparent',
      'control_character content-type',
    ]);
    assertPrintable(result);
    // Headers that are not CloudEvents attributes are not ours to judge.
    accepted(parse(binaryRecord(valid, { traceparent: 'a\u0000b' })));
  });

  it('counts U+FFFD in a ce_* header (bytes that were not UTF-8) as invalid_unicode', () => {
    assert.deepEqual(codesAt(parse(binaryRecord(valid, { ce_source: 'urn:\ufffd' }))), ['invalid_unicode ce_source']);
  });

  it('refuses control characters in structured-mode attributes', () => {
    const result = refused(
      parse(
        structuredText(
          validText,
          '"specversion":"1.0","id":"e\\n1","source":"/bss","type":"io.flowthrough.order.v1","traceparent":"\\u0000"',
        ),
      ),
    );
    assert.deepEqual(codesAt(result), ['control_character /id', 'control_character /traceparent']);
    assertPrintable(result);
  });

  it(`lists ${MAX_VIOLATIONS_PER_CODE} strings with control characters and counts the rest`, () => {
    const numbers = Array.from({ length: 150 }, (_, i) =>
      ocNumber(`+1425555${String(i).padStart(4, '0')}`, { configuration: { customSipHeader: `h\n${i}` } }),
    );
    const found = refused(parse(binaryRecord(orderData([numbersItem(numbers)])))).violations.filter((v) => v.code === 'control_character');
    assert.equal(found.length, MAX_VIOLATIONS_PER_CODE + 1);
    assert.match(found.at(-1)?.message ?? '', /^50 more strings with control characters/);
  });

  it('does not set a prototype from a "__proto__" member', () => {
    const result = refused(parse(textRecord(validText.replace('"orderId"', '"__proto__":{"polluted":true},"orderId"'))));
    assert.deepEqual(codesAt(result), ['schema_violation /__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('hostile records: requestedAt', () => {
  for (const requestedAt of ['2026-11-29T23:59:60Z', '0000-01-01T00:00:00Z', '2026-11-29T09:00:00+01', '0001-01-01T00:30:00+01:00']) {
    it(`refuses ${requestedAt}, which the schema's date-time format lets through, as invalid_requested_at`, () => {
      const result = refused(parse(binaryRecord(orderData([numbersItem([ocNumber('+14255550100')])], { requestedAt }))));
      assert.deepEqual(codesAt(result), ['invalid_requested_at /requestedAt']);
      assert.equal(result.orderId, 'ORD-TEST-1');
    });
  }

  it('refuses 9999-12-31T23:59:59Z as requested_at_in_future, naming the skew limit', () => {
    const result = refused(
      parse(binaryRecord(orderData([numbersItem([ocNumber('+14255550100')])], { requestedAt: '9999-12-31T23:59:59Z' }))),
    );
    assert.deepEqual(codesAt(result), ['requested_at_in_future /requestedAt']);
    assert.match(result.violations[0]?.message ?? '', /300000 ms .*INTAKE_MAX_FUTURE_SKEW_MS/);
  });

  it('tolerates exactly maxFutureSkewMs of skew, not a millisecond more', () => {
    const at = (ms: number) =>
      binaryRecord(orderData([numbersItem([ocNumber('+14255550100')])], { requestedAt: new Date(TEST_LIMITS.now + ms).toISOString() }));
    accepted(parse(at(TEST_LIMITS.maxFutureSkewMs)));
    assert.deepEqual(codesAt(parse(at(TEST_LIMITS.maxFutureSkewMs + 1))), ['requested_at_in_future /requestedAt']);
  });

  it('leaves a requestedAt the schema refuses to the schema (one violation per fact)', () => {
    assert.deepEqual(
      codesAt(parse(binaryRecord(orderData([numbersItem([ocNumber('+14255550100')])], { requestedAt: '2026-02-30T09:00:00Z' })))),
      ['schema_violation /requestedAt'],
    );
  });
});

describe('tenant GUIDs', () => {
  const tenant = 'A7F4BD5C-CC01-40F4-8BAA-2B6BDB272B8A';
  const order = (tenantId: string) =>
    orderData([
      {
        id: 'a',
        action: 'upsert',
        resource: 'account',
        account: {
          name: 'contoso',
          serviceDetails: { teamsTenantId: tenantId, teamsOperatorConnect: { enabled: true, syncEnabled: true } },
        },
      },
      { id: 'c', action: 'update', resource: 'consent', tenantId, consent: { customerRelationship: { status: 'AgreementSigned' } } },
    ]);

  it('are stored in lower case, so one tenant in two spellings is one tenant (and one fingerprint)', () => {
    const upper = accepted(parse(binaryRecord(order(tenant))));
    const lower = accepted(parse(binaryRecord(order(tenant.toLowerCase()))));
    const [account, consent] = upper.order.items;
    assert.ok(account?.action === 'upsert' && account.resource === 'account');
    assert.equal(account.account.serviceDetails?.teamsTenantId, tenant.toLowerCase());
    assert.ok(consent?.resource === 'consent');
    assert.equal(consent.tenantId, tenant.toLowerCase());
    assert.equal(canonicalJson(upper.order), canonicalJson(lower.order));
  });
});
