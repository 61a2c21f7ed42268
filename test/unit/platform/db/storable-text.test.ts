import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { storableText } from '../../../../src/platform/db/storable-text.js';

const UNSTORABLE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('storableText: text from a record that PostgreSQL can always store', () => {
  it('leaves no control character or lone surrogate, and keeps every other character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const stored = storableText(text);
        assert.ok(!UNSTORABLE.test(stored), JSON.stringify(stored));
        assert.equal(Buffer.from(stored, 'utf8').toString('utf8'), stored, 'valid UTF-8');
        if (!UNSTORABLE.test(text)) assert.equal(stored, text);
      }),
      { numRuns: 500, seed: 4 },
    );
  });

  it('says what was there', () => {
    assert.equal(storableText('a\u0000b\nc\ud800'), 'a\\u0000b\\u000ac\\ud800');
    assert.equal(storableText('emoji \ud83d\ude00 stays'), 'emoji \ud83d\ude00 stays');
  });
});
