import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkEnd } from '../../../../src/platform/kafka/transactional-batch-consumer.js';

const records = (...sizes: number[]): Array<{ value: Buffer | null }> => sizes.map((n) => ({ value: Buffer.alloc(n) }));

/** Splits the whole batch the way the consumer does, returning the chunk sizes. */
function chunks(messages: ReturnType<typeof records>, maxRecords: number, maxBytes: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < messages.length; ) {
    const end = chunkEnd(messages, start, maxRecords, maxBytes);
    out.push(end - start);
    start = end;
  }
  return out;
}

describe('chunking a batch into transactions', () => {
  it('cuts by record count', () => {
    assert.deepEqual(chunks(records(1, 1, 1, 1, 1), 2, Number.POSITIVE_INFINITY), [2, 2, 1]);
  });

  it('cuts by value bytes, keeping every chunk within the limit', () => {
    assert.deepEqual(chunks(records(400, 400, 400, 100, 100), 100, 1000), [2, 3]);
  });

  it('sends a record larger than the limit alone, never an empty chunk', () => {
    assert.deepEqual(chunks(records(10, 5000, 10, 10), 100, 1000), [1, 1, 2]);
  });

  it('counts tombstones (no value) as empty', () => {
    assert.deepEqual(chunks([{ value: null }, { value: null }, ...records(10)], 100, 5), [2, 1]);
  });
});
