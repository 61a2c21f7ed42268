export {
  customHeaderFor,
  decideCustomHeader,
  decidingNumber,
  decidingParty,
  parseCallDirection,
  type Call,
  type CallDirection,
  type ContentsLookup,
  type CustomHeader,
  type CustomHeaderDecision,
} from './custom-header.js';
export { E164_PATTERN, normaliseTelephoneNumber } from './telephone-number.js';
