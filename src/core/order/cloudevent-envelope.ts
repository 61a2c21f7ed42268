import { printable, type CharacterFindings } from './characters.js';
import type { Violation } from './order.js';

/**
 * CloudEvents 1.0 attributes of an order record, read from either Kafka
 * protocol binding mode: binary (ce_* headers, value = data) or structured
 * (content-type application/cloudevents+json, value = the whole event).
 */

export const ORDER_EVENT_TYPE = 'io.flowthrough.order.v1';
export const SPEC_VERSION = '1.0';

export type EnvelopeMode = 'binary' | 'structured';

export interface CloudEventEnvelope {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time?: string;
  readonly subject?: string;
  readonly mode: EnvelopeMode;
}

export interface EnvelopeReading {
  /** Null when a required attribute is missing or wrong. */
  readonly envelope: CloudEventEnvelope | null;
  readonly violations: Violation[];
  /**
   * False when the event type is another than an order's: its data is then
   * not checked against the order contract, which would only bury the real
   * reason under noise.
   */
  readonly isOrder: boolean;
  /** False when the declared data content type is not JSON (same reason). */
  readonly isJson: boolean;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** RFC 3339 date-time with an offset, calendar-checked (no 30 February). */
export function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const dayOk = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  // Second 60 is a leap second, which RFC 3339 allows.
  return dayOk && offsetOk && hour <= 23 && minute <= 59 && second <= 60;
}

/** The media type alone, lower-cased, and its charset parameter if any. */
export function parseMediaType(contentType: string): { type: string; charset: string | undefined } {
  const [type = '', ...parameters] = contentType.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() === 'charset')
      charset = value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

/** The Kafka binding's rule: structured mode when content-type starts with application/cloudevents. */
export function isStructuredMode(contentType: string | undefined): boolean {
  return contentType?.trimStart().toLowerCase().startsWith('application/cloudevents') === true;
}

/** Checks a data content type (binary-mode content-type header, structured-mode datacontenttype): JSON in UTF-8, or absent. */
function checkJsonContentType(value: string | undefined, path: string, violations: Violation[]): boolean {
  if (value === undefined) return true;
  const { type, charset } = parseMediaType(value);
  if (type === 'application/json' && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return true;
  violations.push({
    code: 'envelope_invalid',
    path,
    message: `data content type ${JSON.stringify(value)} is not supported: order data must be application/json (UTF-8)`,
  });
  return false;
}

interface RawAttributes {
  readonly specversion: unknown;
  readonly id: unknown;
  readonly source: unknown;
  readonly type: unknown;
  readonly time: unknown;
  readonly subject: unknown;
}

/** The attribute checks both modes share; `where` names an attribute as the mode spells it. */
function readAttributes(
  raw: RawAttributes,
  mode: EnvelopeMode,
  where: (attribute: string) => string,
  violations: Violation[],
): { envelope: CloudEventEnvelope | null; isOrder: boolean } {
  const start = violations.length;
  const bad = (attribute: string, message: string): void => {
    violations.push({ code: 'envelope_invalid', path: where(attribute), message });
  };
  const required = (attribute: keyof RawAttributes): string | undefined => {
    const value = raw[attribute];
    if (value === undefined) bad(attribute, `CloudEvents attribute "${attribute}" is missing (${where(attribute)})`);
    else if (typeof value !== 'string' || value === '') bad(attribute, `CloudEvents attribute "${attribute}" must be a non-empty string`);
    else return value;
    return undefined;
  };
  const specversion = required('specversion');
  if (specversion !== undefined && specversion !== SPEC_VERSION)
    bad('specversion', `specversion ${JSON.stringify(specversion)} is not supported; only "${SPEC_VERSION}"`);
  const id = required('id');
  const source = required('source');
  const type = required('type');
  const isOrder = type === undefined || type === ORDER_EVENT_TYPE;
  if (!isOrder) bad('type', `event type ${JSON.stringify(type)} is not an order; this topic carries "${ORDER_EVENT_TYPE}"`);
  let time: string | undefined;
  if (raw.time !== undefined) {
    if (typeof raw.time === 'string' && isRfc3339(raw.time)) time = raw.time;
    else bad('time', `time ${JSON.stringify(raw.time)} is not an RFC 3339 timestamp`);
  }
  let subject: string | undefined;
  if (raw.subject !== undefined) {
    if (typeof raw.subject === 'string' && raw.subject !== '') subject = raw.subject;
    else bad('subject', 'subject, when present, must be a non-empty string');
  }
  if (violations.length > start || id === undefined || source === undefined || type === undefined) {
    return { envelope: null, isOrder };
  }
  const envelope: CloudEventEnvelope = {
    id,
    source,
    type,
    ...(time === undefined ? {} : { time }),
    ...(subject === undefined ? {} : { subject }),
    mode,
  };
  return { envelope, isOrder };
}

/** Binary mode: attributes in ce_* headers (names already lower-cased), content-type is the data's. */
export function readBinaryEnvelope(headers: ReadonlyMap<string, string>): EnvelopeReading {
  const violations: Violation[] = [];
  const isJson = checkJsonContentType(headers.get('content-type'), 'content-type', violations);
  const { envelope, isOrder } = readAttributes(
    {
      specversion: headers.get('ce_specversion'),
      id: headers.get('ce_id'),
      source: headers.get('ce_source'),
      type: headers.get('ce_type'),
      time: headers.get('ce_time'),
      subject: headers.get('ce_subject'),
    },
    'binary',
    (attribute) => `ce_${attribute}`,
    violations,
  );
  return { envelope: violations.length === 0 ? envelope : null, violations, isOrder, isJson };
}

const SUSPECT_HEADER_TEXT = /[\u0000-\u001f\u007f\ud800-\udfff\ufffd]/;

/**
 * Control characters (and lone surrogates) in the headers the envelope is
 * read from: every ce_* header in binary mode (CloudEvents string attributes
 * exclude them), and content-type in both modes. A U+FFFD there is counted as
 * invalid_unicode: the Kafka adapter decodes header bytes that are not UTF-8
 * to U+FFFD, and no attribute or media type has a use for it. Other headers
 * are not ours to judge.
 */
export function checkHeaderCharacters(headers: ReadonlyMap<string, string>, mode: EnvelopeMode, findings: CharacterFindings): void {
  for (const [name, value] of headers) {
    if (name !== 'content-type' && !(mode === 'binary' && name.startsWith('ce_'))) continue;
    // One cheap test per header on the hot path (any surrogate, paired or not, takes the exact look).
    if (!SUSPECT_HEADER_TEXT.test(value)) continue;
    const path = printable(name);
    findings.check(value, path, `header ${path}`, 'in CloudEvents attributes or the content type');
    const replaced = value.indexOf('\uFFFD');
    if (replaced !== -1) {
      findings.add({
        code: 'invalid_unicode',
        path,
        message: `header ${path} contains U+FFFD at offset ${replaced}, the mark of bytes that were not UTF-8; CloudEvents attributes and the content type must be UTF-8 text`,
      });
    }
  }
}

/** CloudEvents attribute names: lower-case letters and digits (data_base64 is the JSON format's own member). */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/** Structured mode is JSON only: the other event formats and batch mode are refused. */
export function checkStructuredContentType(contentType: string): Violation | null {
  if (parseMediaType(contentType).type === 'application/cloudevents+json') return null;
  return {
    code: 'envelope_invalid',
    path: 'content-type',
    message: `${JSON.stringify(contentType)} is not supported: structured mode must be application/cloudevents+json (one event per record, no batches)`,
  };
}

/**
 * Structured mode: `event` is the parsed record value. Returns the data too
 * (undefined when the event has none).
 */
export function readStructuredEnvelope(event: unknown): EnvelopeReading & { readonly data: unknown } {
  const violations: Violation[] = [];
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    violations.push({ code: 'envelope_invalid', path: '', message: 'a structured-mode record must be one JSON object (the CloudEvent)' });
    return { envelope: null, violations, isOrder: false, isJson: false, data: undefined };
  }
  const fields = event as Readonly<Record<string, unknown>>;
  for (const name of Object.keys(fields)) {
    if (name === 'data_base64') {
      violations.push({
        code: 'envelope_invalid',
        path: '/data_base64',
        message: 'data_base64 is not supported: order data must be JSON in "data"',
      });
    } else if (!ATTRIBUTE_NAME.test(name)) {
      violations.push({
        code: 'envelope_invalid',
        path: `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        message: `"${name}" is not a CloudEvents attribute name (lower-case letters and digits); order fields belong inside "data"`,
      });
    }
  }
  const declared = fields.datacontenttype;
  let isJson = true;
  if (typeof declared === 'string') {
    isJson = checkJsonContentType(declared, '/datacontenttype', violations);
  } else if (declared !== undefined) {
    isJson = false;
    violations.push({ code: 'envelope_invalid', path: '/datacontenttype', message: 'datacontenttype must be a string' });
  }
  const { envelope, isOrder } = readAttributes(
    {
      specversion: fields.specversion,
      id: fields.id,
      source: fields.source,
      type: fields.type,
      time: fields.time,
      subject: fields.subject,
    },
    'structured',
    (attribute) => `/${attribute}`,
    violations,
  );
  const data = fields.data;
  if (data === undefined) {
    violations.push({
      code: 'envelope_invalid',
      path: '/data',
      message: 'the event has no "data": an order event carries the order there',
    });
  }
  return { envelope: violations.length === 0 ? envelope : null, violations, isOrder, isJson, data };
}
