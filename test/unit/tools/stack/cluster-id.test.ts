import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newClusterId } from '../../../../tools/stack/kafka-broker.js';

describe('newClusterId', () => {
  it('redraws an id that would start with "-" (the format tool would read it as an option)', () => {
    // f8… encodes to "-…" in base64url.
    const draws = ['f8000000-0000-4000-8000-000000000000', '0c0ffee0-0000-4000-8000-000000000001'];
    assert.equal(
      newClusterId(() => draws.shift() ?? ''),
      Buffer.from('0c0ffee0000040008000000000000001', 'hex').toString('base64url'),
    );
    assert.equal(draws.length, 0, 'both drawn');
  });

  it('gives 22 URL-safe base64 characters', () => {
    assert.match(newClusterId(), /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
