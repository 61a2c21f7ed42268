import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerCall, directRoutingFqdns, type LookupRecord } from '../../../../src/core/custom-header/call-lookup.js';
import { PermanentError } from '../../../../src/core/errors.js';

const records = new Map<string, LookupRecord>([
  [
    '+14255550100',
    {
      number: { telephoneNumber: '+14255550100', accountName: 'alpha', services: ['teamsOperatorConnect'], customSipHeader: 'abc' },
      account: { name: 'alpha', directRoutingSubdomain: 'alpha' },
    },
  ],
  [
    '+442079460100',
    {
      number: { telephoneNumber: '+442079460100', accountName: 'nw', services: ['teamsDirectRouting'], customSipHeader: null },
      account: { name: 'nw', directRoutingSubdomain: 'northwind' },
    },
  ],
]);
const recordOf = (n: string) => records.get(n);
const domains = { baseDomain: 'abc.commsgw.azure.com', regions: 2 };

describe('answerCall', () => {
  it('takes the called number from the operator, the calling number towards it', () => {
    const from = answerCall({ direction: 'fromOperator', calling: '+442079460100', called: '+14255550100' }, recordOf, 'X-H', domains);
    assert.equal(from.number, '+14255550100');
    assert.deepEqual(from.header, { name: 'X-H', value: 'abc' });
    assert.equal(from.account, 'alpha');
    // Not enabled for Direct Routing: no subdomain, whatever the account configures.
    assert.equal(from.directRouting, undefined);
    const to = answerCall({ direction: 'toOperator', calling: '+442079460100', called: '+14255550100' }, recordOf, 'X-H', domains);
    assert.equal(to.number, '+442079460100');
    assert.equal(to.header, null);
    assert.equal(to.reason, 'no_contents');
    assert.deepEqual(to.directRouting, {
      subdomain: 'northwind',
      subdomainFqdns: ['northwind.1r1.abc.commsgw.azure.com', 'northwind.1r2.abc.commsgw.azure.com'],
    });
  });

  it('gives the subdomain alone when no base domain is configured', () => {
    const to = answerCall({ direction: 'toOperator', calling: '+442079460100', called: 'anonymous' }, recordOf, 'X-H', null);
    assert.deepEqual(to.directRouting, { subdomain: 'northwind' });
  });

  it('answers an unknown number as not provisioned', () => {
    const answer = answerCall({ direction: 'fromOperator', calling: 'anonymous', called: 'tel:+1-425-555-0199' }, recordOf, 'X-H', domains);
    assert.deepEqual(answer, {
      provisioned: false,
      decidingParty: 'called',
      number: '+14255550199',
      header: null,
      reason: 'not_provisioned',
      account: null,
      services: [],
    });
  });

  it('refuses a deciding number that is not E.164', () => {
    assert.throws(
      () => answerCall({ direction: 'fromOperator', calling: '+14255550100', called: '0800123' }, recordOf, 'X-H', domains),
      (e: unknown) => e instanceof PermanentError && e.code === 'invalid_telephone_number',
    );
  });

  it('forms one FQDN per region, lower case', () => {
    assert.deepEqual(directRoutingFqdns('Contoso', { baseDomain: 'x.example.net', regions: 1 }), ['contoso.1r1.x.example.net']);
  });
});
