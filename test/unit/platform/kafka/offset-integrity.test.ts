import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  judgeAhead,
  judgeBatch,
  judgeRange,
  recordDigest,
  type BatchFacts,
  type DigestibleRecord,
  type StoredOffset,
} from '../../../../src/platform/kafka/offset-integrity.js';

const record = (offset: number, value = `v${offset}`): DigestibleRecord & { offset: bigint } => ({
  offset: BigInt(offset),
  key: Buffer.from('acct'),
  value: Buffer.from(value),
  timestamp: String(1_764_000_000_000 + offset),
});

function stored(next: number, last?: DigestibleRecord, extra: Partial<StoredOffset> = {}): StoredOffset {
  return {
    next: BigInt(next),
    digest: last ? recordDigest(last) : null,
    stoppedReason: null,
    stoppedDetail: null,
    resetPending: false,
    ...extra,
  };
}

function batch(
  records: ReadonlyArray<DigestibleRecord & { offset: bigint }>,
  options: { fetched?: number; hw?: number; explained?: boolean } = {},
): BatchFacts {
  const first = records[0]?.offset ?? 0n;
  return {
    fetchedOffset: options.fetched === undefined ? first : BigInt(options.fetched),
    highWatermark: BigInt(options.hw ?? Number((records.at(-1)?.offset ?? -1n) + 1n)),
    firstOffset: first,
    positionExplained: options.explained ?? false,
    recordAt: (offset) => records.find((r) => r.offset === offset),
  };
}

const log = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => record(from + i));

describe('offset checks: the legitimate cases raise no alarm', () => {
  it('a new group applies whatever comes', () => {
    assert.deepEqual(judgeBatch(stored(-1), batch(log(40, 45), { fetched: 40 })), { kind: 'apply', clearsReset: false });
  });

  it('a normal restart: the batch starts at the stored offset', () => {
    assert.deepEqual(judgeBatch(stored(5, record(4)), batch(log(5, 9))), { kind: 'apply', clearsReset: false });
  });

  it('a crash between the two commits: the records up to the stored offset come again, record next-1 unchanged', () => {
    assert.deepEqual(judgeBatch(stored(5, record(4)), batch(log(2, 9))), { kind: 'apply', clearsReset: false });
  });

  it('transaction markers: the first record is past the stored offset, fetched from it (or from a position this consumer explains)', () => {
    assert.deepEqual(judgeBatch(stored(5, record(4)), batch(log(6, 9), { fetched: 5 })), { kind: 'apply', clearsReset: false });
    assert.deepEqual(judgeBatch(stored(5, record(4)), batch(log(7, 9), { fetched: 6, explained: true })), {
      kind: 'apply',
      clearsReset: false,
    });
  });

  it('record next-1 deleted by retention: nothing to compare, nothing lost', () => {
    assert.deepEqual(judgeBatch(stored(5, record(4)), batch(log(5, 9), { fetched: 5 })), { kind: 'apply', clearsReset: false });
  });

  it('after a reset: a position elsewhere is corrected by a seek; from the offset on it applies and the reset is done', () => {
    const reset = stored(3, undefined, { resetPending: true });
    assert.deepEqual(judgeBatch(reset, batch(log(8, 9))), { kind: 'seek', to: 3n });
    assert.deepEqual(judgeBatch(reset, batch(log(3, 9))), { kind: 'apply', clearsReset: true });
  });
});

describe('offset checks: a stored offset outside the log, or another log, stops the partition', () => {
  it('beyond the log end (a recreated topic with fewer records)', () => {
    const verdict = judgeBatch(stored(5, record(4)), batch(log(0, 0)));
    assert.equal(verdict.kind === 'stop' && verdict.reason, 'beyond_log_end');
  });

  it('a different record at next-1 (a recreated topic that grew past the offset)', () => {
    const replaced = [
      record(0, 'new-0'),
      record(1, 'new-1'),
      record(2, 'new-2'),
      record(3, 'new-3'),
      record(4, 'new-4'),
      record(5, 'new-5'),
    ];
    const verdict = judgeBatch(stored(5, record(4)), batch(replaced));
    assert.equal(verdict.kind === 'stop' && verdict.reason, 'different_record');
  });

  it('a position ahead of the stored offset that nothing explains goes to the broker', () => {
    assert.deepEqual(judgeBatch(stored(5, record(4)), batch(log(9, 12), { fetched: 9 })), { kind: 'ask-broker' });
  });

  it('the broker decides: below the log start, Kafka committed ahead, or read again from the stored offset', () => {
    const below = judgeAhead(5n, 9n, 9n, 'g');
    assert.equal(below.kind === 'stop' && below.reason, 'below_log_start');
    const ahead = judgeAhead(5n, 0n, 9n, 'g');
    assert.equal(ahead.kind === 'stop' && ahead.reason, 'kafka_offset_ahead');
    assert.deepEqual(judgeAhead(5n, 0n, 5n, 'g'), { kind: 'seek', to: 5n });
    assert.deepEqual(judgeAhead(5n, 0n, null, 'g'), { kind: 'seek', to: 5n });
  });

  it('at assignment: outside [log start, log end]', () => {
    assert.equal(judgeRange(5n, 0n, 1n)?.reason, 'beyond_log_end');
    assert.equal(judgeRange(5n, 7n, 9n)?.reason, 'below_log_start');
    assert.equal(judgeRange(5n, 5n, 5n), null);
    assert.equal(judgeRange(-1n, 5n, 9n), null);
  });

  it('a stop already stored holds', () => {
    const verdict = judgeBatch(stored(5, record(4), { stoppedReason: 'different_record', stoppedDetail: 'seen before' }), batch(log(5, 9)));
    assert.deepEqual(verdict, { kind: 'stop', reason: 'different_record', detail: 'seen before' });
  });
});

describe('record digest', () => {
  it('tells key, value and time apart, and a null key from an empty one', () => {
    const base = record(1);
    const digests = [
      recordDigest(base),
      recordDigest({ ...base, key: null }),
      recordDigest({ ...base, key: Buffer.alloc(0) }),
      recordDigest({ ...base, value: Buffer.from('other') }),
      recordDigest({ ...base, timestamp: '1' }),
    ].map((d) => d.toString('hex'));
    assert.equal(new Set(digests).size, digests.length);
    assert.ok(recordDigest(base).equals(recordDigest(record(1))));
  });
});
