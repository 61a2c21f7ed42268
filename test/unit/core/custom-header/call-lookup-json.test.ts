import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallLookupAnswer } from '../../../../src/core/custom-header/call-lookup.js';
import { callLookupJson } from '../../../../src/core/custom-header/call-lookup-json.js';

/** Seeded xorshift: the same answers on every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

// Strings a header's contents may hold that JSON must escape or keep: quotes, backslashes, controls, non-ASCII, lone surrogates.
const AWKWARD = ['plain', 'say "hi"', 'back\\slash', 'tab\there', 'line\nbreak', '\u0000\u001f', 'émoji 📞', '\ud800', '</script>', ''];

function answerOf(next: () => number, i: number): CallLookupAnswer {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const provisioned = next() < 0.8;
  const services = pick([[], ['teamsOperatorConnect'], Object.freeze(['teamsDirectRouting', 'zoomPhoneCloudPeering'])]);
  const header = provisioned && next() < 0.7 ? { name: pick(['X-MS-Operator-Content', 'X-"odd"']), value: pick(AWKWARD) } : null;
  return {
    provisioned,
    decidingParty: pick(['calling', 'called'] as const),
    number: `+1425555${String(i).padStart(4, '0')}`,
    header,
    reason: header ? 'contents' : provisioned ? 'no_contents' : 'not_provisioned',
    account: provisioned ? pick(['contoso', 'fabri"kam', 'é']) : null,
    services: provisioned ? services : [],
    ...(provisioned && next() < 0.3
      ? { directRouting: { subdomain: 'contoso', ...(next() < 0.5 ? { subdomainFqdns: ['contoso.1r1.example.com'] } : {}) } }
      : {}),
  };
}

describe('callLookupJson', () => {
  it('writes exactly what JSON.stringify({ direction, ...answer }) writes, for 5,000 varied answers', () => {
    const next = random(0x5eed);
    for (let i = 0; i < 5_000; i++) {
      const answer = answerOf(next, i);
      const direction = i % 2 === 0 ? 'from-operator' : 'to-operator';
      assert.equal(callLookupJson(direction, answer), JSON.stringify({ direction, ...answer }), `answer ${i}`);
    }
  });

  it('takes a services array that is not frozen afresh each time (it may have changed)', () => {
    const services = ['teamsOperatorConnect'];
    const answer: CallLookupAnswer = {
      provisioned: true,
      decidingParty: 'called',
      number: '+14255550100',
      header: null,
      reason: 'no_contents',
      account: 'contoso',
      services,
    };
    assert.match(callLookupJson('from-operator', answer), /"services":\["teamsOperatorConnect"\]/);
    services.push('teamsDirectRouting');
    assert.match(callLookupJson('from-operator', answer), /"services":\["teamsOperatorConnect","teamsDirectRouting"\]/);
  });
});
