import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadLetterCopy, DLT_HEADERS } from '../../../src/intake/dead-letter-headers.js';
import { storeHeaders, textHeadersToStored, unstoreHeaders } from '../../../src/platform/kafka/record-headers.js';

const dlt = textHeadersToStored({ [DLT_HEADERS.errorCode]: 'too_large', [DLT_HEADERS.originalOffset]: '7' });
const headers = storeHeaders([{ name: 'ce_id', value: Buffer.from('x'.repeat(5_000)) }]);
const key = Buffer.from('contoso');

function size(copy: ReturnType<typeof deadLetterCopy>): number {
  return (
    (copy.key?.length ?? 0) +
    (copy.value?.length ?? 0) +
    unstoreHeaders(copy.headers).reduce((n, h) => n + h.name.length + (h.value?.length ?? 0) + 10, 0) +
    128
  );
}

function header(copy: ReturnType<typeof deadLetterCopy>, name: string): string | undefined {
  return unstoreHeaders(copy.headers)
    .find((h) => h.name === name)
    ?.value?.toString();
}

describe('deadLetterCopy: the copy always fits, and says what it left out', () => {
  it('is the original plus the dead-letter headers when it fits', () => {
    const value = Buffer.alloc(1_000, 1);
    const copy = deadLetterCopy({ key, value, headers }, dlt, 64 * 1024);
    assert.deepEqual(copy, { key, value, headers: [...headers, ...dlt] });
  });

  it('leaves the value out first, then the headers, then the key, within the limit', () => {
    const limit = 16 * 1024;
    const withoutValue = deadLetterCopy({ key, value: Buffer.alloc(limit, 1), headers }, dlt, limit);
    assert.equal(withoutValue.value, null);
    assert.deepEqual(withoutValue.key, key);
    assert.equal(header(withoutValue, DLT_HEADERS.omitted), 'value');
    assert.equal(header(withoutValue, DLT_HEADERS.originalBytes), String(key.length + limit + 5_000 + 5 + 10));
    assert.ok(size(withoutValue) <= limit);

    const bigHeaders = storeHeaders([{ name: 'h', value: Buffer.alloc(limit, 2) }]);
    const withoutHeaders = deadLetterCopy({ key, value: Buffer.alloc(10, 1), headers: bigHeaders }, dlt, limit);
    assert.equal(header(withoutHeaders, DLT_HEADERS.omitted), 'value,headers');
    assert.ok(size(withoutHeaders) <= limit);

    const withoutKey = deadLetterCopy({ key: Buffer.alloc(limit, 3), value: null, headers }, dlt, limit);
    assert.equal(withoutKey.key, null);
    assert.equal(header(withoutKey, DLT_HEADERS.omitted), 'value,headers,key');
    assert.ok(size(withoutKey) <= limit);
  });
});
