import { parseCallDirection } from '../core/custom-header/custom-header.js';
import { answerCall, type DirectRoutingDomains, type LookupRecord } from '../core/custom-header/call-lookup.js';
import { callLookupJson } from '../core/custom-header/call-lookup-json.js';
import { FlowthroughError } from '../core/errors.js';
import type { HttpReply } from '../platform/http/http-server.js';
import { apiError } from './api-errors.js';

/**
 * GET /v1/lookup?direction=from-operator|to-operator&calling=…&called=…: what
 * a session border controller needs at call time, answered from memory (the
 * lookup index, src/lookup) by the one custom-header rule (answerCall).
 *
 * A number that is not provisioned is a definitive answer, not an error:
 * 200 with provisioned false and header null, so an SBC never mistakes it
 * for a failure to retry. 400 names the one thing wrong with the request;
 * 503 (Retry-After) only while the index has not finished its first load.
 */

/** What the route reads: the index, or anything with its shape. */
export interface CallLookupSource {
  /** Whether lookups can be answered (the first full load is done). */
  readonly ready: boolean;
  recordOf(telephoneNumber: string): LookupRecord | undefined;
}

export interface LookupRouteSettings {
  /** null: no index runs in this process. */
  readonly source: CallLookupSource | null;
  readonly headerName: string;
  readonly directRouting: DirectRoutingDomains | null;
}

const PARAMETERS = ['direction', 'calling', 'called'] as const;
type Parameter = (typeof PARAMETERS)[number];

/** Percent-decoding without form encoding's '+' for space; null when not valid. Most values have no '%': no work. */
function decode(text: string): string | null {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The lookup's three parameters from the query (others are ignored): an SBC
 * that sends calling=+14255550100 unescaped means the plus. A 400 reply says
 * what is wrong with the query instead.
 */
function queryParameters(search: string): Partial<Record<Parameter, string>> | HttpReply {
  const values: Partial<Record<Parameter, string>> = {};
  let from = search.startsWith('?') ? 1 : 0;
  while (from < search.length) {
    let to = search.indexOf('&', from);
    if (to === -1) to = search.length;
    const eq = search.indexOf('=', from);
    const nameEnd = eq === -1 || eq > to ? to : eq;
    const name = decode(search.slice(from, nameEnd));
    const value = nameEnd === to ? '' : decode(search.slice(nameEnd + 1, to));
    if (name === null || value === null) return badRequest('InvalidQuery', 'the query string is not valid percent-encoding');
    if (name === 'direction' || name === 'calling' || name === 'called') {
      if (values[name] !== undefined) return badRequest('InvalidQueryParameterValue', `${name} is given more than once; give it once`);
      values[name] = value;
    }
    from = to + 1;
  }
  return values;
}

function badRequest(code: string, message: string): HttpReply & { readonly status: number } {
  return apiError(400, code, message);
}

const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store' });

/** The lookup's answer to a query string (`?direction=…`, as the request has it). */
export function lookupHandler(settings: LookupRouteSettings): (search: string) => HttpReply {
  const { source, headerName, directRouting } = settings;
  return (search) => {
    const values = queryParameters(search);
    if ('status' in values) return values;
    for (const name of PARAMETERS)
      if (values[name] === undefined || values[name] === '')
        return badRequest(
          'MissingQueryParameter',
          `${name} is missing: GET /v1/lookup?direction=from-operator|to-operator&calling=<E.164>&called=<E.164>`,
        );
    const direction = parseCallDirection(values.direction ?? '');
    if (direction === undefined)
      return badRequest(
        'InvalidQueryParameterValue',
        `direction must be from-operator or to-operator, not ${JSON.stringify(values.direction)}`,
      );
    if (source === null)
      return apiError(503, 'ServiceUnavailable', 'the call-time lookup index does not run in this process', { 'retry-after': '5' });
    if (!source.ready) return apiError(503, 'ServiceUnavailable', 'the call-time lookup index is loading', { 'retry-after': '1' });
    try {
      const answer = answerCall(
        { direction, calling: values.calling ?? '', called: values.called ?? '' },
        (n) => source.recordOf(n),
        headerName,
        directRouting,
      );
      return { status: 200, body: callLookupJson(values.direction ?? '', answer), headers: NO_STORE };
    } catch (error) {
      if (error instanceof FlowthroughError && error.code === 'invalid_telephone_number')
        return badRequest('InvalidTelephoneNumber', error.message);
      throw error;
    }
  };
}
