import type { CallLookupAnswer } from './call-lookup.js';

/**
 * A lookup answer as the JSON text of `{ direction, ...answer }`, byte for
 * byte, built without JSON.stringify's walk over a fresh object: the answer
 * is written thousands of times a second. The services arrays are shared
 * (interned by the index), so each one's text is made once.
 */
const servicesText = new WeakMap<readonly string[], string>();

function servicesJson(services: readonly string[]): string {
  let text = servicesText.get(services);
  if (text === undefined) {
    text = JSON.stringify(services);
    // A frozen array cannot change after its text was taken; any other is written afresh each time.
    if (Object.isFrozen(services)) servicesText.set(services, text);
  }
  return text;
}

const quoted = (text: string): string => JSON.stringify(text);

export function callLookupJson(direction: string, answer: CallLookupAnswer): string {
  const header = answer.header === null ? 'null' : `{"name":${quoted(answer.header.name)},"value":${quoted(answer.header.value)}}`;
  const json =
    `{"direction":${quoted(direction)},"provisioned":${answer.provisioned},"decidingParty":${quoted(answer.decidingParty)}` +
    `,"number":${quoted(answer.number)},"header":${header},"reason":${quoted(answer.reason)}` +
    `,"account":${answer.account === null ? 'null' : quoted(answer.account)},"services":${servicesJson(answer.services)}`;
  return answer.directRouting === undefined ? `${json}}` : `${json},"directRouting":${JSON.stringify(answer.directRouting)}}`;
}
