import type { IHeaders } from 'kafkajs';

/**
 * Kafka record headers as a list. A header name is any string the producer
 * chose (`__proto__` and `constructor` included) and a value is bytes or
 * null, so headers are never read or built through a plain object's
 * properties: kafkajs (patched, patches/kafkajs+2.2.4.patch) hands the wire
 * list over under RAW_HEADERS, and objects given to kafkajs are built with
 * own properties only.
 */
export interface RawHeader {
  readonly name: string;
  readonly value: Buffer | null;
}

/** Where the patched kafkajs decoder keeps a consumed record's [key, value] list, in wire order. */
const RAW_HEADERS = Symbol.for('kafkajs.rawHeaders');

/**
 * A header as stored in PostgreSQL (JSON): [name, base64 value or null]. A
 * name PostgreSQL's JSON cannot hold (NUL) is stored base64 too, marked by a
 * third element.
 */
export type StoredHeader = readonly [string, string | null] | readonly [string, string | null, typeof BASE64_NAME];
export type StoredHeaders = StoredHeader[];

const BASE64_NAME = 'name-base64';

function asBuffer(value: unknown): Buffer | null | undefined {
  if (value === null) return null;
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return undefined;
}

/** Every header of a consumed (or hand-built) record, in order. */
export function rawHeaders(headers: IHeaders | undefined): RawHeader[] {
  if (headers === undefined || headers === null) return [];
  const wire = (headers as Record<symbol, unknown>)[RAW_HEADERS];
  if (Array.isArray(wire)) {
    return wire.map((h: { key: unknown; value: unknown }) => ({ name: String(h.key), value: asBuffer(h.value) ?? null }));
  }
  const out: RawHeader[] = [];
  for (const name of Object.keys(headers)) {
    const value: unknown = Object.getOwnPropertyDescriptor(headers, name)?.value;
    for (const v of Array.isArray(value) ? value : [value]) {
      const bytes = asBuffer(v);
      if (bytes !== undefined) out.push({ name, value: bytes });
    }
  }
  return out;
}

/** Header values as text, for parsing: the first non-null value of each name. */
export function headersAsText(headers: IHeaders | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const { name, value } of rawHeaders(headers)) {
    if (value !== null && !out.has(name)) out.set(name, value.toString('utf8'));
  }
  return out;
}

export function storeHeaders(headers: readonly RawHeader[]): StoredHeaders {
  return headers.map(({ name, value }): StoredHeader => {
    const stored = value === null ? null : value.toString('base64');
    return name.includes('\u0000') ? [Buffer.from(name, 'utf8').toString('base64'), stored, BASE64_NAME] : [name, stored];
  });
}

/** Stored headers back to names and bytes. */
export function unstoreHeaders(stored: StoredHeaders): RawHeader[] {
  return stored.map((h) => ({
    name: h[2] === BASE64_NAME ? Buffer.from(h[0], 'base64').toString('utf8') : h[0],
    value: h[1] === null ? null : Buffer.from(h[1], 'base64'),
  }));
}

export function textHeadersToStored(headers: Readonly<Record<string, string>>): StoredHeaders {
  return storeHeaders(Object.entries(headers).map(([name, value]) => ({ name, value: Buffer.from(value, 'utf8') })));
}

/**
 * Headers in kafkajs' producer form; a repeated name becomes an array, in
 * order. Own properties only (defineProperty), so `__proto__` is a header.
 */
export function toKafkaHeaders(headers: readonly RawHeader[]): IHeaders {
  const out: IHeaders = {};
  for (const { name, value } of headers) {
    const existing = Object.getOwnPropertyDescriptor(out, name)?.value as Buffer | null | Array<Buffer | null> | undefined;
    const next = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    Object.defineProperty(out, name, { value: next, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/** Back to kafkajs form, as it arrived. */
export function restoreHeaders(stored: StoredHeaders): IHeaders {
  return toKafkaHeaders(unstoreHeaders(stored));
}
