import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { IHeaders } from 'kafkajs';
import {
  headersAsText,
  rawHeaders,
  restoreHeaders,
  storeHeaders,
  toKafkaHeaders,
  unstoreHeaders,
  type RawHeader,
} from '../../../../src/platform/kafka/record-headers.js';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

/** What the patched kafkajs decoder hands over: own properties plus the wire list under its symbol. */
function decoded(list: ReadonlyArray<{ key: string; value: Buffer | null }>): IHeaders {
  const headers = toKafkaHeaders(list.map((h) => ({ name: h.key, value: h.value })));
  Object.defineProperty(headers, Symbol.for('kafkajs.rawHeaders'), { value: list, enumerable: false });
  return headers;
}

const header = fc.record({
  name: fc.oneof(
    fc.constantFrom(...INHERITED, 'ce_id', 'content-type', ''),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 6 }),
  ),
  value: fc.option(
    fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
    { nil: null },
  ),
});

describe('record headers: a list of names and bytes, never a plain object lookup', () => {
  it('reads the wire list the patched kafkajs decoder keeps, in order, inherited names included', () => {
    const list: Array<{ key: string; value: Buffer | null }> = INHERITED.map((key, i) => ({ key, value: Buffer.from(`v${i}`) }));
    list.push({ key: 'constructor', value: Buffer.from('again') }, { key: 'nulls', value: null });
    const got = rawHeaders(decoded(list));
    assert.deepEqual(
      got,
      list.map((h) => ({ name: h.key, value: h.value })),
    );
  });

  it('a consumed record with inherited header names decodes through kafkajs itself without throwing', async () => {
    // The decoder the consumer uses, patched by patches/kafkajs+2.2.4.patch.
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const Encoder = require('kafkajs/src/protocol/encoder.js');
    const Decoder = require('kafkajs/src/protocol/decoder.js');
    const RecordEncoder = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    const RecordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
    const headers = toKafkaHeaders([
      ...INHERITED.map((name) => ({ name, value: Buffer.from(name) })),
      { name: 'constructor', value: Buffer.from('twice') },
    ]);
    const bytes = new Encoder().writeEncoder(RecordEncoder({ key: 'k', value: 'v', headers })).buffer as Buffer;
    const decoder = new Decoder(bytes);
    decoder.readVarInt(); // the record's length
    const record = RecordDecoder(decoder, { firstOffset: '0', firstTimestamp: '0' }) as { headers: IHeaders };
    assert.deepEqual(
      rawHeaders(record.headers).map((h) => [h.name, h.value?.toString()]),
      // kafkajs' encoder takes an object, so a repeated name is sent grouped with its first value.
      INHERITED.flatMap((name) =>
        name === 'constructor'
          ? [
              [name, name],
              [name, 'twice'],
            ]
          : [[name, name]],
      ),
    );
    assert.ok(
      Array.isArray((record.headers as Record<symbol, unknown>)[Symbol.for('kafkajs.rawHeaders')]),
      'the patch keeps the wire list',
    );
    assert.deepEqual(
      Object.getOwnPropertyDescriptor(record.headers, 'toString')?.value,
      Buffer.from('toString'),
      'an own header, not [Function, value]',
    );
    assert.equal(Object.getPrototypeOf(record.headers), Object.prototype, 'still a plain object for kafkajs users');
    assert.equal(headersAsText(record.headers).get('constructor'), 'constructor');
  });

  it('falls back to own properties for hand-built headers, skipping anything that is not bytes', () => {
    const headers = toKafkaHeaders([{ name: '__proto__', value: Buffer.from('p') }]);
    (headers as Record<string, unknown>).strange = () => 1;
    assert.deepEqual(rawHeaders(headers), [{ name: '__proto__', value: Buffer.from('p') }]);
    assert.equal(Object.getPrototypeOf(headers), Object.prototype, '__proto__ was a header, not a prototype');
  });

  it('headersAsText: the first non-null value per name, as text', () => {
    const text = headersAsText(
      decoded([
        { key: 'a', value: null },
        { key: 'a', value: Buffer.from('1') },
        { key: 'a', value: Buffer.from('2') },
        { key: 'toString', value: Buffer.from('t') },
      ]),
    );
    assert.deepEqual(
      [...text],
      [
        ['a', '1'],
        ['toString', 't'],
      ],
    );
  });

  it('stored headers round-trip any names and values, NUL in names included, as JSON PostgreSQL accepts', () => {
    fc.assert(
      fc.property(fc.array(header, { maxLength: 8 }), (generated: RawHeader[]) => {
        const list = generated.map((h) => ({ name: h.name, value: h.value }));
        const stored = storeHeaders(list);
        const json = JSON.stringify(stored);
        assert.ok(!json.includes('\\u0000'), 'no NUL escape reaches jsonb');
        assert.deepEqual(unstoreHeaders(JSON.parse(json) as typeof stored), list);
        assert.deepEqual(
          rawHeaders(restoreHeaders(stored))
            .map((h) => h.name)
            .sort(),
          list.map((h) => h.name).sort(),
        );
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
