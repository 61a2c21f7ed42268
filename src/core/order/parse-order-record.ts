import { checkOrderRules } from './business-rules.js';
import {
  checkStructuredContentType,
  isStructuredMode,
  readBinaryEnvelope,
  readStructuredEnvelope,
  type CloudEventEnvelope,
} from './cloudevent-envelope.js';
import { normaliseOrder } from './normalise-order.js';
import type { Order, Violation, Warning } from './order.js';
import { schemaErrorsToViolations, type OrderValidator } from './schema-errors.js';
import { mergeViolations } from './violations.js';

export { canonicalJson } from './canonical-json.js';
export { ORDER_EVENT_TYPE, type CloudEventEnvelope, type EnvelopeMode } from './cloudevent-envelope.js';
export type { OrderValidator, SchemaError, SchemaValidation } from './schema-errors.js';

/**
 * Set by the ops replay tool (`dlq replay --force-stale`): the intake then
 * applies the order even where its versions say it is older than the state.
 * Only the exact value "true" counts, so a stray header cannot trigger it.
 */
export const FORCE_STALE_HEADER = 'flowthrough-force-stale';

/** A Kafka record as the adapter hands it over: header values already decoded to strings. */
export interface OrderRecord {
  readonly headers: Readonly<Record<string, string | undefined>>;
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

type Decoded = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly violation: Violation };

function decodeJson(value: Uint8Array | null): Decoded {
  if (value === null || value.byteLength === 0) {
    return { ok: false, violation: { code: 'unparseable', path: '', message: 'the record has no value (empty or a tombstone); an order event needs its data' } };
  }
  let text: string;
  try {
    text = UTF8.decode(value);
  } catch {
    return { ok: false, violation: { code: 'unparseable', path: '', message: 'the record value is not valid UTF-8' } };
  }
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, violation: { code: 'unparseable', path: '', message: `the record value is not JSON: ${reason.slice(0, 200)}` } };
  }
}

/** Header names are case-insensitive to us (the binding says lower case; some producers disagree). */
function lowerCaseHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const lowered: Record<string, string | undefined> = {};
  for (const name of Object.keys(headers)) lowered[name.toLowerCase()] = headers[name];
  return lowered;
}

function readable(data: unknown, field: 'orderId' | 'account', maxLength: number): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Readonly<Record<string, unknown>>)[field];
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : undefined;
}

function looksLikeStructuredEvent(value: unknown): value is { specversion: unknown; data: unknown } {
  return typeof value === 'object' && value !== null && 'specversion' in value && 'data' in value;
}

const STRUCTURED_WITHOUT_CONTENT_TYPE: Violation = {
  code: 'envelope_invalid',
  path: 'content-type',
  message: 'the value is a structured-mode CloudEvent but content-type is not application/cloudevents+json, so it was read as binary mode',
};

/**
 * Parses and validates one order record: the CloudEvents envelope (binary or
 * structured mode), the order data against the schema, the business rules.
 * Pure and synchronous; reports every violation it can find, never just the
 * first. `validate` is compiled once at start-up (src/contracts/order-validator.ts).
 */
export function parseOrderRecord(record: OrderRecord, validate: OrderValidator): ParseResult {
  const headers = lowerCaseHeaders(record.headers);
  const contentType = headers['content-type'];
  const decoded = decodeJson(record.value);
  const violations: Violation[] = [];
  let envelope: CloudEventEnvelope | null = null;
  let data: unknown;
  let checkData = false;
  if (contentType !== undefined && isStructuredMode(contentType)) {
    const refused = checkStructuredContentType(contentType);
    if (refused !== null) violations.push(refused);
    else if (!decoded.ok) violations.push(decoded.violation);
    else {
      const reading = readStructuredEnvelope(decoded.json);
      violations.push(...reading.violations);
      ({ envelope, data } = reading);
      checkData = reading.isOrder && reading.isJson;
    }
  } else {
    const reading = readBinaryEnvelope(headers);
    if (decoded.ok && headers.ce_specversion === undefined && looksLikeStructuredEvent(decoded.json)) {
      // One real mistake (the content type): listing the missing ce_* headers and the event's
      // members as unknown order fields would only bury it. Its data still names the order.
      violations.push(STRUCTURED_WITHOUT_CONTENT_TYPE);
      data = decoded.json.data;
    } else {
      violations.push(...reading.violations);
      envelope = reading.envelope;
      // Undecodable bytes are a finding of their own unless the content type already explains them.
      if (decoded.ok) data = decoded.json;
      else if (reading.isJson) violations.push(decoded.violation);
      checkData = reading.isOrder && reading.isJson;
    }
  }
  if (data !== undefined && checkData) {
    const validation = validate(data);
    const schemaViolations = validation.valid ? [] : schemaErrorsToViolations(validation.errors);
    // Rules first: where both layers caught a value, the rule's wording is the more specific.
    violations.push(...mergeViolations(checkOrderRules(data), schemaViolations));
  }
  if (violations.length > 0 || envelope === null || data === undefined) {
    const orderId = readable(data, 'orderId', 128);
    const account = readable(data, 'account', 100);
    return {
      ok: false,
      ...(orderId === undefined ? {} : { orderId }),
      ...(account === undefined ? {} : { account }),
      violations,
    };
  }
  const { order, warnings } = normaliseOrder(data);
  return { ok: true, order, envelope, warnings, forceStale: headers[FORCE_STALE_HEADER] === 'true' };
}
