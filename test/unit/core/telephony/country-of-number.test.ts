import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consentCovers, countryOf } from '../../../../src/core/telephony/country-of-number.js';

test('E.164 numbers map to ISO countries, +1 split between Canada and the US by area code', () => {
  assert.equal(countryOf('+14255550100'), 'US');
  assert.equal(countryOf('+16135550100'), 'CA');
  assert.equal(countryOf('+442071838750'), 'GB');
  assert.equal(countryOf('+4930123456'), 'DE');
  assert.equal(countryOf('+33142685300'), 'FR');
  assert.equal(countryOf('+61291234567'), 'AU');
  assert.equal(countryOf('+353112345678'), 'IE');
  assert.equal(countryOf('+99912345678'), undefined);
});

test('a consent naming UK covers GB numbers, case aside', () => {
  assert.ok(consentCovers(['UK'], 'GB'));
  assert.ok(consentCovers(['gb'], 'GB'));
  assert.ok(!consentCovers(['US'], 'GB'));
});
