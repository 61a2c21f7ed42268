import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LOOKUP_MAX_NOTICES,
  LOOKUP_PAYLOAD_MAX_BYTES,
  LOOKUP_RELOAD,
  lookupNotices,
  parseLookupNotice,
} from '../../../src/contracts/lookup-channel.js';

const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+1425${String(i).padStart(7, '0')}`);

describe('lookup channel notices', () => {
  it('sends nothing when nothing changed, and round-trips numbers and accounts', () => {
    assert.deepEqual(lookupNotices([], []), []);
    const notices = lookupNotices(['+14255550100', '+14255550101'], ['alpha']);
    assert.deepEqual(notices, ['n:+14255550100,+14255550101', 'a:alpha']);
    assert.deepEqual(parseLookupNotice(notices[0]), { reload: false, numbers: ['+14255550100', '+14255550101'], accounts: [] });
    assert.deepEqual(parseLookupNotice(notices[1]), { reload: false, numbers: [], accounts: ['alpha'] });
  });

  it('splits long lists under the NOTIFY limit and loses no key', () => {
    const keys = numbers(2_000);
    const notices = lookupNotices(keys, []);
    assert.ok(notices.length > 1);
    for (const n of notices) assert.ok(Buffer.byteLength(n) <= LOOKUP_PAYLOAD_MAX_BYTES, `${Buffer.byteLength(n)} bytes`);
    const back = notices.flatMap((n) => {
      const change = parseLookupNotice(n);
      return change.reload ? [] : change.numbers;
    });
    assert.deepEqual(back, keys);
  });

  it('asks for one reload when the lists would take too many notices', () => {
    const perNotice = Math.floor(LOOKUP_PAYLOAD_MAX_BYTES / 13);
    assert.deepEqual(lookupNotices(numbers(perNotice * (LOOKUP_MAX_NOTICES + 1)), []), [LOOKUP_RELOAD]);
  });

  it('reads anything it cannot parse as a reload', () => {
    for (const payload of [undefined, '', '*', 'x:1', 'n:', 'n:+1,,+2', 'n:+1 2'])
      assert.deepEqual(parseLookupNotice(payload), { reload: true }, String(payload));
  });
});
