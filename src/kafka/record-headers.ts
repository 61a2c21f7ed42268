import type { IHeaders } from 'kafkajs';

/** [name, base64 value] pairs: Kafka headers kept byte for byte in a jsonb column. */
export type StoredHeaders = Array<[string, string]>;

function asBuffers(value: IHeaders[string]): Buffer[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v)));
}

/** Header values as text (first value of a repeated header), for parsing. */
export function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = asBuffers(value)[0];
    if (first !== undefined) out[name] = first.toString('utf8');
  }
  return out;
}

export function storeHeaders(headers: IHeaders | undefined): StoredHeaders {
  const out: StoredHeaders = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const b of asBuffers(value)) out.push([name, b.toString('base64')]);
  }
  return out;
}

export function textHeadersToStored(headers: Readonly<Record<string, string>>): StoredHeaders {
  return Object.entries(headers).map(([name, value]) => [name, Buffer.from(value, 'utf8').toString('base64')]);
}

/** Back to kafkajs form; a repeated header becomes an array, as it arrived. */
export function restoreHeaders(stored: StoredHeaders): IHeaders {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const [name, b64] of stored) {
    const value = Buffer.from(b64, 'base64');
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else out[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}
