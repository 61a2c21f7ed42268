import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import kafkajs from 'kafkajs';
import { chunksByBytes, partitionQueues, recordBytes } from '../../../src/outbox/publish-plan.js';
import { describeSendFailure, sendFailureKind } from '../../../src/outbox/send-failure.js';

// kafkajs spreads its error classes into its exports, which ESM cannot name: read them off the module.
const { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSConnectionError, KafkaJSNonRetriableError } = kafkajs;

describe('outbox publish plan', () => {
  it('queues rows per (topic, partition), each queue in the rows’ order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ topic: fc.constantFrom('a', 'b'), partition: fc.integer({ min: 0, max: 3 }) }), { maxLength: 60 }),
        (raw) => {
          const rows = raw.map((r, id) => ({ ...r, id }));
          const queues = partitionQueues(rows);
          assert.equal(
            queues.reduce((n, q) => n + q.rows.length, 0),
            rows.length,
          );
          assert.equal(new Set(queues.map((q) => `${q.topic}/${q.partition}`)).size, queues.length, 'one queue per partition');
          for (const q of queues) {
            assert.ok(q.rows.every((r) => r.topic === q.topic && r.partition === q.partition));
            assert.deepEqual(
              q.rows.map((r) => r.id),
              rows.filter((r) => r.topic === q.topic && r.partition === q.partition).map((r) => r.id),
              'id order kept',
            );
          }
        },
      ),
    );
  });

  it('cuts chunks of at most maxBytes, in order; a larger row goes alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 8_000 }),
        (sizes, maxBytes) => {
          const rows = sizes.map((bytes, id) => ({ id, bytes }));
          const chunks = chunksByBytes(rows, maxBytes);
          assert.deepEqual(chunks.flat(), rows, 'every row once, in order');
          for (const chunk of chunks) {
            assert.ok(chunk.length > 0);
            const size = chunk.reduce((n, r) => n + r.bytes, 0);
            assert.ok(size <= maxBytes || chunk.length === 1, `chunk of ${size} bytes`);
          }
          // Greedy: a chunk is closed only when the next row would not fit.
          for (let i = 0; i + 1 < chunks.length; i++) {
            const size = chunks[i]!.reduce((n, r) => n + r.bytes, 0);
            assert.ok(size + chunks[i + 1]![0]!.bytes > maxBytes);
          }
        },
      ),
    );
  });

  it('estimates a record at least at its key, value and header bytes', () => {
    const bytes = recordBytes(Buffer.from('key'), 'välue', { ce_id: 'x', multi: [Buffer.from('ab'), 'c'] });
    assert.ok(bytes >= 3 + Buffer.byteLength('välue') + 'ce_id'.length + 1 + 2 * 'multi'.length + 3);
  });
});

describe('outbox send failures', () => {
  const protocol = (type: string, retriable: boolean) => new KafkaJSProtocolError({ type, code: 0, retriable, message: type } as never);

  it('blames the records for what the broker refuses in them', () => {
    for (const type of ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']) {
      assert.equal(sendFailureKind(protocol(type, type === 'CORRUPT_MESSAGE')), 'record', type);
    }
    assert.equal(sendFailureKind(new KafkaJSNonRetriableError('Invalid message without value for topic "t"')), 'record');
    assert.match(describeSendFailure(protocol('MESSAGE_TOO_LARGE', false)), /^MESSAGE_TOO_LARGE: /);
  });

  it('blames the broker (never a row) for outages, leader moves, authorisation, and a producer being stopped', () => {
    assert.equal(sendFailureKind(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092')), 'broker');
    assert.equal(sendFailureKind(protocol('NOT_LEADER_FOR_PARTITION', true)), 'broker');
    assert.equal(sendFailureKind(protocol('TOPIC_AUTHORIZATION_FAILED', false)), 'broker');
    assert.equal(
      sendFailureKind(new KafkaJSNonRetriableError("The producer is disconnecting; therefore, it can't safely accept messages anymore")),
      'broker',
    );
  });

  it('looks through kafkajs’ retries-exceeded wrapper at what failed', () => {
    const wrapped = (cause: Error) => new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 100 });
    assert.equal(sendFailureKind(wrapped(protocol('LEADER_NOT_AVAILABLE', true))), 'broker');
    assert.equal(sendFailureKind(wrapped(protocol('CORRUPT_MESSAGE', true))), 'record');
    assert.match(describeSendFailure(wrapped(protocol('LEADER_NOT_AVAILABLE', true))), /^LEADER_NOT_AVAILABLE/);
  });
});
