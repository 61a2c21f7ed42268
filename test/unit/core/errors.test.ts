import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, PermanentError, TransientError } from '../../../src/core/errors.js';

describe('classify', () => {
  it('trusts our own errors', () => {
    assert.deepEqual(classify(new TransientError('backend_unavailable', 'x')), {
      retryable: true,
      code: 'backend_unavailable',
      message: 'x',
    });
    assert.equal(classify(new PermanentError('bad_input', 'y')).retryable, false);
  });
  it('treats network faults as transient', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']) {
      assert.equal(classify(Object.assign(new Error('net'), { code })).retryable, true, code);
    }
  });
  it('reads PostgreSQL SQLSTATEs', () => {
    assert.equal(classify(Object.assign(new Error('x'), { code: '40001' })).retryable, true);
    assert.equal(classify(Object.assign(new Error('x'), { code: '08006' })).retryable, true);
    assert.equal(classify(Object.assign(new Error('x'), { code: '57P01' })).retryable, true);
    const unique = classify(Object.assign(new Error('dup'), { code: '23505' }));
    assert.equal(unique.retryable, false);
    assert.equal(unique.code, 'pg_23505');
  });
  it('reads kafkajs retriable flags', () => {
    assert.equal(classify(Object.assign(new Error('k'), { retriable: true, name: 'KafkaJSConnectionError' })).retryable, true);
    assert.equal(classify(Object.assign(new Error('k'), { retriable: false, name: 'KafkaJSNonRetriableError' })).retryable, false);
  });
  it('treats the unknown as permanent', () => {
    assert.deepEqual(classify('boom'), { retryable: false, code: 'internal_error', message: 'boom' });
    assert.equal(classify(new TypeError('undefined is not a function')).retryable, false);
  });
});
