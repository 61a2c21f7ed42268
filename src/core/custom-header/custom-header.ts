import { PermanentError } from '../errors.js';
import { normaliseTelephoneNumber } from './telephone-number.js';

/**
 * `fromOperator`: the call comes from the operator's network towards Teams or
 * Zoom. `toOperator`: it goes from Teams or Zoom into the operator's network.
 */
export type CallDirection = 'fromOperator' | 'toOperator';

/** A direction as given (from-operator | to-operator); undefined for anything else. */
export function parseCallDirection(name: string): CallDirection | undefined {
  if (name === 'from-operator') return 'fromOperator';
  if (name === 'to-operator') return 'toOperator';
  return undefined;
}

export interface Call {
  readonly direction: CallDirection;
  /** The calling party, E.164 or a tel:/sip: URI. */
  readonly calling: string;
  /** The called party, E.164 or a tel:/sip: URI. */
  readonly called: string;
}

/**
 * A provisioned number's custom header contents: `undefined` when the number
 * is not provisioned, `null` (or '') when it is but has no contents.
 */
export type ContentsLookup = (telephoneNumber: string) => string | null | undefined;

export interface CustomHeader {
  readonly name: string;
  readonly value: string;
}

export type CustomHeaderDecision =
  | { readonly header: CustomHeader; readonly telephoneNumber: string; readonly reason: 'contents' }
  | { readonly header: null; readonly telephoneNumber: string; readonly reason: 'not_provisioned' | 'no_contents' };

/**
 * Which party's number decides the header, after Azure Communications
 * Gateway: the number on the Teams/Zoom side of the call. From the operator's
 * network that is the called number; towards it, the calling number.
 */
export function decidingParty(direction: CallDirection): 'calling' | 'called' {
  return direction === 'fromOperator' ? 'called' : 'calling';
}

/**
 * The deciding number in E.164. Only that number is checked: the other party
 * may legitimately be anonymous or a non-E.164 short code, and it does not
 * affect the header. Throws PermanentError `invalid_telephone_number`.
 */
export function decidingNumber(call: Call): string {
  const party = decidingParty(call.direction);
  const raw = call[party];
  const e164 = normaliseTelephoneNumber(raw);
  if (e164 === null) {
    throw new PermanentError(
      'invalid_telephone_number',
      `the ${party} number ${JSON.stringify(raw)} decides the header for a call ${call.direction === 'fromOperator' ? 'from' : 'to'} the operator's network, but it is not E.164 (+ and up to 15 digits) or a tel:/sip: URI holding one`,
      { context: { party, input: raw } },
    );
  }
  return e164;
}

/** The header decision with its reason, for tools that explain "no header". */
export function decideCustomHeader(call: Call, contentsOf: ContentsLookup, headerName: string): CustomHeaderDecision {
  const telephoneNumber = decidingNumber(call);
  const contents = contentsOf(telephoneNumber);
  if (contents === undefined) return { header: null, telephoneNumber, reason: 'not_provisioned' };
  if (contents === null || contents.length === 0) return { header: null, telephoneNumber, reason: 'no_contents' };
  return { header: { name: headerName, value: contents }, telephoneNumber, reason: 'contents' };
}

/**
 * The custom SIP header for a call: one header name for the whole deployment
 * (configuration), contents from the deciding number; null when that number
 * is not provisioned or has no contents.
 */
export function customHeaderFor(call: Call, contentsOf: ContentsLookup, headerName: string): CustomHeader | null {
  return decideCustomHeader(call, contentsOf, headerName).header;
}
