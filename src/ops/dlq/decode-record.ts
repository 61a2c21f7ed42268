import type { StoredHeaders } from '../../kafka/record-headers.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes for people: JSON when they are JSON, text when UTF-8, else base64. */
export type DecodedBytes =
  | { readonly encoding: 'json'; readonly json: unknown; readonly bytes: number }
  | { readonly encoding: 'utf8'; readonly text: string; readonly bytes: number }
  | { readonly encoding: 'base64'; readonly base64: string; readonly bytes: number }
  | { readonly encoding: 'null' };

export function decodeBytes(value: Buffer | null): DecodedBytes {
  if (value === null) return { encoding: 'null' };
  let text: string;
  try {
    text = UTF8.decode(value);
  } catch {
    return { encoding: 'base64', base64: value.toString('base64'), bytes: value.length };
  }
  try {
    return { encoding: 'json', json: JSON.parse(text) as unknown, bytes: value.length };
  } catch {
    return { encoding: 'utf8', text, bytes: value.length };
  }
}

export interface DecodedHeader {
  readonly name: string;
  readonly value: string;
  readonly encoding: 'utf8' | 'base64';
}

export function decodeHeaders(stored: StoredHeaders): DecodedHeader[] {
  return stored.map(([name, b64]) => {
    const bytes = Buffer.from(b64, 'base64');
    try {
      return { name, value: UTF8.decode(bytes), encoding: 'utf8' as const };
    } catch {
      return { name, value: b64, encoding: 'base64' as const };
    }
  });
}

/** Multi-line rendering of decoded bytes, indented. */
export function renderBytes(decoded: DecodedBytes, indent = '  '): string[] {
  switch (decoded.encoding) {
    case 'null':
      return [`${indent}(no value: null / tombstone)`];
    case 'json':
      return JSON.stringify(decoded.json, null, 2).split('\n').map((l) => indent + l);
    case 'utf8':
      return [`${indent}(UTF-8 text, not JSON; ${decoded.bytes} bytes)`, ...decoded.text.split('\n').map((l) => indent + l)];
    case 'base64':
      return [`${indent}(not UTF-8; ${decoded.bytes} bytes, base64)`, indent + decoded.base64];
  }
}
