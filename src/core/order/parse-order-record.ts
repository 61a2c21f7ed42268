import { checkOrderRules } from './business-rules.js';
import { CharacterFindings, checkStrings, isCleanText, printable } from './characters.js';
import {
  checkHeaderCharacters,
  checkStructuredContentType,
  isStructuredMode,
  readBinaryEnvelope,
  readStructuredEnvelope,
  type CloudEventEnvelope,
} from './cloudevent-envelope.js';
import { scanJson, type JsonScan } from './json-scan.js';
import { normaliseOrder } from './normalise-order.js';
import type { Order, Violation, Warning } from './order.js';
import { MAX_VIOLATIONS_PER_CODE, type ParseLimits } from './parse-limits.js';
import { checkRequestedAt } from './requested-at.js';
import { pointerToken, schemaErrorsToViolations, type OrderValidator } from './schema-errors.js';
import { mergeViolations } from './violations.js';

export { canonicalJson } from './canonical-json.js';
export { ORDER_EVENT_TYPE, type CloudEventEnvelope, type EnvelopeMode } from './cloudevent-envelope.js';
export { DEFAULT_PARSE_LIMITS, MAX_VIOLATIONS_PER_CODE, type ParseLimits } from './parse-limits.js';
export type { OrderValidator, SchemaError, SchemaValidation } from './schema-errors.js';

/**
 * Set by the ops replay tool (`dlq replay --force-stale`): the intake then
 * applies the order even where its versions say it is older than the state.
 * Only the exact value "true" counts, so a stray header cannot trigger it.
 */
export const FORCE_STALE_HEADER = 'flowthrough-force-stale';

/**
 * A Kafka record as the adapter hands it over: header name → its first value
 * decoded as text. Names are arbitrary text ("__proto__" included), hence a
 * Map.
 */
export interface OrderRecord {
  readonly headers: ReadonlyMap<string, string>;
  readonly value: Uint8Array | null;
}

export type ParseResult =
  | {
      readonly ok: true;
      readonly order: Order;
      readonly envelope: CloudEventEnvelope;
      readonly warnings: readonly Warning[];
      readonly forceStale: boolean;
    }
  | {
      readonly ok: false;
      /** Filled whenever the data lets us read them, valid or not, so a "rejected" status event can be sent. */
      readonly orderId?: string;
      readonly account?: string;
      readonly violations: readonly Violation[];
    };

// fatal: bytes that are not UTF-8 are refused, not replaced with U+FFFD.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

type Decoded =
  | { readonly ok: true; readonly json: unknown; readonly scan: JsonScan }
  | { readonly ok: false; readonly violation: Violation };

function decodeJson(value: Uint8Array | null, limits: ParseLimits): Decoded {
  if (value === null || value.byteLength === 0) {
    return {
      ok: false,
      violation: {
        code: 'unparseable',
        path: '',
        message: 'the record has no value (empty or a tombstone); an order event needs its data',
      },
    };
  }
  let text: string;
  try {
    text = UTF8.decode(value);
  } catch {
    return { ok: false, violation: { code: 'unparseable', path: '', message: 'the record value is not valid UTF-8' } };
  }
  // Before JSON.parse: it bounds what every later step walks. It tolerates invalid JSON, which JSON.parse then reports.
  const scan = scanJson(text, limits.maxJsonDepth, MAX_VIOLATIONS_PER_CODE);
  try {
    return { ok: true, json: JSON.parse(text) as unknown, scan };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, violation: { code: 'unparseable', path: '', message: `the record value is not JSON: ${reason.slice(0, 200)}` } };
  }
}

/** Header names are case-insensitive to us (the binding says lower case; some producers disagree); the last of two spellings wins. */
function lowerCaseHeaders(headers: ReadonlyMap<string, string>): Map<string, string> {
  const lowered = new Map<string, string>();
  for (const [name, value] of headers) lowered.set(name.toLowerCase(), value);
  return lowered;
}

/** orderId or account for the rejected status event: only text that is safe to echo (no control characters, whole Unicode, within length). */
function readable(data: unknown, field: 'orderId' | 'account', maxLength: number): string | undefined {
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, field)) return undefined;
  const value: unknown = (data as Readonly<Record<string, unknown>>)[field];
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength && isCleanText(value) ? value : undefined;
}

function looksLikeStructuredEvent(value: unknown): value is { specversion: unknown; data: unknown } {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, 'specversion') && Object.hasOwn(value, 'data');
}

const STRUCTURED_WITHOUT_CONTENT_TYPE: Violation = {
  code: 'envelope_invalid',
  path: 'content-type',
  message: 'the value is a structured-mode CloudEvent but content-type is not application/cloudevents+json, so it was read as binary mode',
};

function tooLarge(bytes: number, limits: ParseLimits): Violation {
  return {
    code: 'too_large',
    path: '',
    message: `the record value is ${bytes} bytes; at most ${limits.maxRecordBytes} bytes are accepted (INTAKE_MAX_RECORD_BYTES)`,
  };
}

/**
 * What the scan found that concerns the record: `inData` tells whether a
 * pointer lies in the order data, which is only judged when it is checked.
 */
function scanViolations(scan: JsonScan, limits: ParseLimits, inData: (pointer: string) => boolean, checkData: boolean): Violation[] {
  const violations: Violation[] = [];
  if (scan.tooDeepAt !== null && (checkData || !inData(scan.tooDeepAt))) {
    violations.push({
      code: 'too_deep',
      path: scan.tooDeepAt,
      message: `the JSON nests deeper than ${limits.maxJsonDepth} arrays and objects (INTAKE_MAX_JSON_DEPTH); the value was not read further`,
    });
  }
  let listed = 0;
  for (const pointer of scan.duplicateKeys) {
    if (!checkData && inData(pointer)) continue;
    listed++;
    violations.push({
      code: 'duplicate_json_key',
      path: pointer,
      message:
        'this member name appears more than once in its object; JSON readers disagree on which value counts, so an order must name each member once',
    });
  }
  // The scan lists the first ones; say how many more there were (only when the list was cut short).
  if (scan.duplicateKeyCount > scan.duplicateKeys.length && listed > 0) {
    violations.push({
      code: 'duplicate_json_key',
      path: '',
      message: `${scan.duplicateKeyCount - scan.duplicateKeys.length} more duplicate member names (only the first ${scan.duplicateKeys.length} are listed)`,
    });
  }
  return violations;
}

const IN_ORDER_FIELDS = 'in order fields';
const IN_ATTRIBUTES = 'in CloudEvents attributes';

/** Paths and messages quote what they refuse; they must still be storable (PostgreSQL jsonb refuses \u0000) and loggable. */
function printableViolations(violations: readonly Violation[]): Violation[] {
  return violations.map((v) =>
    isCleanText(v.path) && isCleanText(v.message) ? v : { code: v.code, path: printable(v.path), message: printable(v.message) },
  );
}

/** What one mode's reading of a record gives: its envelope, its data, and whether the data is an order to check. */
interface Reading {
  readonly envelope: CloudEventEnvelope | null;
  readonly data: unknown;
  readonly checkData: boolean;
}

const NOTHING_READ: Reading = { envelope: null, data: undefined, checkData: false };

function readStructured(
  contentType: string,
  decoded: Decoded,
  limits: ParseLimits,
  violations: Violation[],
  characters: CharacterFindings,
): Reading {
  const refused = checkStructuredContentType(contentType);
  if (refused !== null) {
    violations.push(refused);
    return NOTHING_READ;
  }
  if (!decoded.ok) {
    violations.push(decoded.violation);
    return NOTHING_READ;
  }
  const reading = readStructuredEnvelope(decoded.json);
  violations.push(...reading.violations);
  const checkData = reading.isOrder && reading.isJson;
  violations.push(...scanViolations(decoded.scan, limits, (pointer) => pointer.startsWith('/data/'), checkData));
  if (decoded.scan.tooDeepAt !== null) return { envelope: reading.envelope, data: reading.data, checkData: false };
  if (decoded.scan.suspectCharacters && typeof decoded.json === 'object' && decoded.json !== null && !Array.isArray(decoded.json)) {
    // The attributes here; the data with the rest of the order's checks.
    for (const [name, value] of Object.entries(decoded.json)) {
      if (name === 'data') continue;
      const path = `/${pointerToken(name)}`;
      characters.check(name, path, `the member name ${JSON.stringify(name)}`, IN_ATTRIBUTES);
      checkStrings(value, path, printable(name), characters, IN_ATTRIBUTES);
    }
  }
  return { envelope: reading.envelope, data: reading.data, checkData };
}

function readBinary(headers: ReadonlyMap<string, string>, decoded: Decoded, limits: ParseLimits, violations: Violation[]): Reading {
  const reading = readBinaryEnvelope(headers);
  if (decoded.ok && !headers.has('ce_specversion') && looksLikeStructuredEvent(decoded.json)) {
    // One real mistake (the content type): listing the missing ce_* headers and the event's
    // members as unknown order fields would only bury it. Its data still names the order.
    violations.push(STRUCTURED_WITHOUT_CONTENT_TYPE);
    return { envelope: null, data: decoded.json.data, checkData: false };
  }
  violations.push(...reading.violations);
  if (!decoded.ok) {
    // Undecodable bytes are a finding of their own unless the content type already explains them.
    if (reading.isJson) violations.push(decoded.violation);
    return { envelope: reading.envelope, data: undefined, checkData: false };
  }
  const checkData = reading.isOrder && reading.isJson;
  violations.push(...scanViolations(decoded.scan, limits, () => true, checkData));
  return { envelope: reading.envelope, data: decoded.json, checkData: checkData && decoded.scan.tooDeepAt === null };
}

/** The order data's own checks: characters (only when the scan saw an escape or a DEL), rules, requestedAt, schema. */
function checkOrderData(
  data: unknown,
  scan: JsonScan,
  validate: OrderValidator,
  limits: ParseLimits,
  characters: CharacterFindings,
): Violation[] {
  if (scan.suspectCharacters) checkStrings(data, '', 'the data', characters, IN_ORDER_FIELDS);
  const validation = validate(data);
  const schemaViolations = validation.valid ? [] : schemaErrorsToViolations(validation.errors);
  // The schema's verdict on requestedAt's format comes first; the instant is checked only in a well-formed value.
  const timing = schemaViolations.some((v) => v.path === '/requestedAt') ? [] : checkRequestedAt(data, limits);
  // Rules first: where both layers caught a value, the rule's wording is the more specific.
  return mergeViolations(checkOrderRules(data), timing, schemaViolations);
}

/**
 * Parses and validates one order record: its size, the CloudEvents envelope
 * (binary or structured mode), the JSON's shape (depth, duplicate member
 * names), the characters of every string and envelope header, the order data
 * against the schema, the business rules and requestedAt against
 * `limits.now`. Pure and synchronous, and safe on any input: nothing a record
 * holds can throw, exhaust the stack or set a prototype. Reports every
 * violation it can find, never just the first (long lists of one kind are
 * capped). `validate` is compiled once at start-up (src/contracts/order-validator.ts).
 */
export function parseOrderRecord(record: OrderRecord, validate: OrderValidator, limits: ParseLimits): ParseResult {
  // Size first: nothing larger is decoded, let alone parsed.
  if (record.value !== null && record.value.byteLength > limits.maxRecordBytes) {
    return { ok: false, violations: [tooLarge(record.value.byteLength, limits)] };
  }
  const headers = lowerCaseHeaders(record.headers);
  const contentType = headers.get('content-type');
  const decoded = decodeJson(record.value, limits);
  const violations: Violation[] = [];
  const characters = new CharacterFindings();
  const structured = contentType !== undefined && isStructuredMode(contentType);
  checkHeaderCharacters(headers, structured ? 'structured' : 'binary', characters);
  const { envelope, data, checkData } = structured
    ? readStructured(contentType, decoded, limits, violations, characters)
    : readBinary(headers, decoded, limits, violations);
  const dataViolations =
    data !== undefined && checkData && decoded.ok ? checkOrderData(data, decoded.scan, validate, limits, characters) : [];
  violations.push(...characters.result(), ...dataViolations);
  if (violations.length > 0 || envelope === null || data === undefined) {
    const orderId = readable(data, 'orderId', 128);
    const account = readable(data, 'account', 100);
    return {
      ok: false,
      ...(orderId === undefined ? {} : { orderId }),
      ...(account === undefined ? {} : { account }),
      violations: printableViolations(violations),
    };
  }
  const { order, warnings } = normaliseOrder(data);
  return { ok: true, order, envelope, warnings, forceStale: headers.get(FORCE_STALE_HEADER) === 'true' };
}
