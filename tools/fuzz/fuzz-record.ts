/**
 * One record of a hostile-input run: the Kafka message exactly as it is
 * sent, where it goes, and what the generator meant by it (its kind and
 * variant, its seed index), so that any finding names a record that
 * `--seed S --records N` regenerates byte for byte.
 */

/** Header values as bytes; a repeated header is an array, in wire order. */
export type RecordHeaders = Record<string, Buffer | Buffer[]>;

export interface RecordMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** A null-prototype object, so names such as `__proto__` are own properties that reach the wire. */
  readonly headers: RecordHeaders;
}

export interface FuzzRecord {
  /** Position in the run (the seed index): `--seed S --records N` regenerates it. */
  readonly index: number;
  /** The generator family (header-names, deep-json, …) and what this record does within it. */
  readonly kind: string;
  readonly variant: string;
  readonly partition: number;
  readonly message: RecordMessage;
  /** A well-formed order for its own account: it must be accepted and reach `completed`. */
  readonly valid: boolean;
  /** The orderId the generator wrote, when it wrote one. */
  readonly orderId?: string;
  /** An earlier record this one repeats or overrides (duplicates, forced stale orders). */
  readonly refersTo?: number;
  /** Same orderId and same order content as `refersTo`: once that one is accepted, this one is a duplicate. */
  readonly repeatsContent?: boolean;
}

/** A record once published: its offset in the orders topic. */
export interface SentRecord extends FuzzRecord {
  readonly offset: string;
}

export type HeaderInput = string | Buffer | readonly Buffer[];

/** Builds headers from [name, value] pairs; every name becomes an own property, `__proto__` included. */
export function recordHeaders(entries: ReadonlyArray<readonly [string, HeaderInput]>): RecordHeaders {
  const headers = Object.create(null) as RecordHeaders;
  for (const [name, value] of entries) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : [...value];
    Object.defineProperty(headers, name, { value: bytes, enumerable: true, writable: true, configurable: true });
  }
  return headers;
}

/** The headers as [name, value] pairs (a repeated header gives one pair per value). */
export function headerEntries(headers: RecordHeaders): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}

export function textKey(key: string | null): Buffer | null {
  return key === null ? null : Buffer.from(key, 'utf8');
}

/** Bytes a record puts on the wire (key, value, header names and values). */
export function messageBytes(message: RecordMessage): number {
  let bytes = (message.key?.byteLength ?? 0) + (message.value?.byteLength ?? 0);
  for (const [name, value] of headerEntries(message.headers)) bytes += Buffer.byteLength(name) + value.byteLength;
  return bytes;
}

/** "deep-json/innererror-10000 #812": how a finding names its record. */
export function recordLabel(record: Pick<FuzzRecord, 'kind' | 'variant' | 'index'>): string {
  return `${record.kind}/${record.variant} #${record.index}`;
}
