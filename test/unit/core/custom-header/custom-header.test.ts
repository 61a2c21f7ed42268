import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../../../../src/core/errors.js';
import {
  customHeaderFor,
  decideCustomHeader,
  decidingParty,
  normaliseTelephoneNumber,
  type ContentsLookup,
} from '../../../../src/core/custom-header/index.js';

const HEADER = 'X-MS-Operator-Content';
const OPERATOR_SUBSCRIBER = '+442071838750';
const TEAMS_USER = '+15550100001';
const TEAMS_USER_NO_CONTENTS = '+15550100002';
const TEAMS_USER_EMPTY_CONTENTS = '+15550100003';

// Provisioned numbers: a number absent here is not provisioned (undefined).
const PROVISIONED: ReadonlyMap<string, string | null> = new Map([
  [TEAMS_USER, 'contoso-commsgw'],
  [TEAMS_USER_NO_CONTENTS, null],
  [TEAMS_USER_EMPTY_CONTENTS, ''],
  [OPERATOR_SUBSCRIBER, 'should-never-be-used'],
]);
const lookups: string[] = [];
const contentsOf: ContentsLookup = (e164) => {
  lookups.push(e164);
  return PROVISIONED.get(e164);
};

function isInvalidNumber(party: string) {
  return (error: unknown) => error instanceof PermanentError && error.code === 'invalid_telephone_number' && error.context.party === party;
}

describe('customHeaderFor', () => {
  it('uses the called number for a call from the operator network', () => {
    lookups.length = 0;
    const header = customHeaderFor({ direction: 'fromOperator', calling: OPERATOR_SUBSCRIBER, called: TEAMS_USER }, contentsOf, HEADER);
    assert.deepEqual(header, { name: HEADER, value: 'contoso-commsgw' });
    assert.deepEqual(lookups, [TEAMS_USER]);
  });

  it('uses the calling number for a call to the operator network', () => {
    lookups.length = 0;
    const header = customHeaderFor({ direction: 'toOperator', calling: TEAMS_USER, called: OPERATOR_SUBSCRIBER }, contentsOf, HEADER);
    assert.deepEqual(header, { name: HEADER, value: 'contoso-commsgw' });
    assert.deepEqual(lookups, [TEAMS_USER]);
  });

  it('ignores the other party even when it is provisioned with contents', () => {
    assert.equal(customHeaderFor({ direction: 'fromOperator', calling: TEAMS_USER, called: '+15550109999' }, contentsOf, HEADER), null);
    assert.equal(customHeaderFor({ direction: 'toOperator', calling: '+15550109999', called: TEAMS_USER }, contentsOf, HEADER), null);
  });

  it('uses the deployment header name it is given', () => {
    const header = customHeaderFor({ direction: 'fromOperator', calling: OPERATOR_SUBSCRIBER, called: TEAMS_USER }, contentsOf, 'X-Custom');
    assert.deepEqual(header, { name: 'X-Custom', value: 'contoso-commsgw' });
  });

  it('adds no header for a number that is not provisioned', () => {
    const call = { direction: 'fromOperator', calling: OPERATOR_SUBSCRIBER, called: '+15550109999' } as const;
    assert.equal(customHeaderFor(call, contentsOf, HEADER), null);
    assert.deepEqual(decideCustomHeader(call, contentsOf, HEADER), {
      header: null,
      telephoneNumber: '+15550109999',
      reason: 'not_provisioned',
    });
  });

  it('adds no header for a provisioned number without contents', () => {
    const call = { direction: 'toOperator', calling: TEAMS_USER_NO_CONTENTS, called: OPERATOR_SUBSCRIBER } as const;
    assert.equal(customHeaderFor(call, contentsOf, HEADER), null);
    assert.equal(decideCustomHeader(call, contentsOf, HEADER).reason, 'no_contents');
  });

  it('adds no header for empty contents', () => {
    const call = { direction: 'fromOperator', calling: OPERATOR_SUBSCRIBER, called: TEAMS_USER_EMPTY_CONTENTS } as const;
    assert.equal(customHeaderFor(call, contentsOf, HEADER), null);
    assert.equal(decideCustomHeader(call, contentsOf, HEADER).reason, 'no_contents');
  });

  it('looks the number up in E.164 when the call gives URIs', () => {
    lookups.length = 0;
    const header = customHeaderFor(
      { direction: 'fromOperator', calling: 'sip:+442071838750@sbc.operator.example;user=phone', called: 'tel:+1-555-010-0001' },
      contentsOf,
      HEADER,
    );
    assert.deepEqual(header, { name: HEADER, value: 'contoso-commsgw' });
    assert.deepEqual(lookups, [TEAMS_USER]);
  });

  it('refuses a deciding number that is not E.164, naming the party', () => {
    assert.throws(
      () => customHeaderFor({ direction: 'fromOperator', calling: OPERATOR_SUBSCRIBER, called: '02071838750' }, contentsOf, HEADER),
      isInvalidNumber('called'),
    );
    assert.throws(
      () => customHeaderFor({ direction: 'toOperator', calling: 'anonymous', called: OPERATOR_SUBSCRIBER }, contentsOf, HEADER),
      isInvalidNumber('calling'),
    );
    assert.throws(
      () => customHeaderFor({ direction: 'toOperator', calling: '', called: OPERATOR_SUBSCRIBER }, contentsOf, HEADER),
      isInvalidNumber('calling'),
    );
  });

  it('does not check the other party: it may be anonymous', () => {
    const header = customHeaderFor({ direction: 'fromOperator', calling: 'anonymous', called: TEAMS_USER }, contentsOf, HEADER);
    assert.deepEqual(header, { name: HEADER, value: 'contoso-commsgw' });
  });

  it('decides by the Teams/Zoom side of the call', () => {
    assert.equal(decidingParty('fromOperator'), 'called');
    assert.equal(decidingParty('toOperator'), 'calling');
  });
});

describe('normaliseTelephoneNumber', () => {
  const accepted: readonly [string, string][] = [
    ['+15550100001', '+15550100001'],
    ['  +15550100001 ', '+15550100001'],
    ['+4420', '+4420'],
    ['+123456789012345', '+123456789012345'],
    ['tel:+15550100001', '+15550100001'],
    ['TEL:+1-555-010-0001', '+15550100001'],
    ['tel:+1(555)010.0001;ext=12', '+15550100001'],
    ['sip:+15550100001@sbc.example.com', '+15550100001'],
    ['sip:+15550100001@sbc.example.com;user=phone', '+15550100001'],
    ['sip:+15550100001;isub=1@sbc.example.com', '+15550100001'],
    ['sips:+44-20-7183-8750@sbc.example.com:5061', '+442071838750'],
  ];
  for (const [input, expected] of accepted) {
    it(`reads ${JSON.stringify(input)} as ${expected}`, () => assert.equal(normaliseTelephoneNumber(input), expected));
  }

  const refused = [
    '',
    '15550100001',
    '+05550100001',
    '+1',
    '+1234567890123456',
    '+1 555 010 0001',
    '+1-555-010-0001',
    'tel:7042;phone-context=example.com',
    'sip:15550100001@sbc.example.com',
    'sip:alice@example.com',
    'mailto:+15550100001',
    'anonymous',
  ];
  for (const input of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => assert.equal(normaliseTelephoneNumber(input), null));
  }
});
