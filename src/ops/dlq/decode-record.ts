import { unstoreHeaders, type StoredHeaders } from '../../platform/kafka/record-headers.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes for people: JSON when they are JSON, text when UTF-8, else base64. */
export type DecodedBytes =
  | { readonly encoding: 'json'; readonly json: unknown; readonly bytes: number }
  | { readonly encoding: 'utf8'; readonly text: string; readonly bytes: number; readonly note?: string }
  | { readonly encoding: 'base64'; readonly base64: string; readonly bytes: number }
  | { readonly encoding: 'null' };

/** Deeper JSON is shown as text: printing it (JSON.stringify recurses) would overflow the stack. */
export const MAX_RENDERED_JSON_DEPTH = 256;

/** Nesting depth of a parsed JSON value, measured without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function decodeBytes(value: Buffer | null): DecodedBytes {
  if (value === null) return { encoding: 'null' };
  let text: string;
  try {
    text = UTF8.decode(value);
  } catch {
    return { encoding: 'base64', base64: value.toString('base64'), bytes: value.length };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { encoding: 'utf8', text, bytes: value.length };
  }
  if (jsonDepth(json, MAX_RENDERED_JSON_DEPTH) > MAX_RENDERED_JSON_DEPTH) {
    return {
      encoding: 'utf8',
      text,
      bytes: value.length,
      note: `JSON nested deeper than ${MAX_RENDERED_JSON_DEPTH} levels, shown as text`,
    };
  }
  return { encoding: 'json', json, bytes: value.length };
}

export interface DecodedHeader {
  readonly name: string;
  /** null: the header was sent with a null value. */
  readonly value: string | null;
  readonly encoding: 'utf8' | 'base64' | 'null';
}

export function decodeHeaders(stored: StoredHeaders): DecodedHeader[] {
  return unstoreHeaders(stored).map(({ name, value }) => {
    if (value === null) return { name, value: null, encoding: 'null' as const };
    try {
      return { name, value: UTF8.decode(value), encoding: 'utf8' as const };
    } catch {
      return { name, value: value.toString('base64'), encoding: 'base64' as const };
    }
  });
}

/** Multi-line rendering of decoded bytes, indented. */
export function renderBytes(decoded: DecodedBytes, indent = '  '): string[] {
  switch (decoded.encoding) {
    case 'null':
      return [`${indent}(no value: null / tombstone)`];
    case 'json':
      return JSON.stringify(decoded.json, null, 2)
        .split('\n')
        .map((l) => indent + l);
    case 'utf8':
      return [
        `${indent}(UTF-8 text, ${decoded.note ?? 'not JSON'}; ${decoded.bytes} bytes)`,
        ...decoded.text.split('\n').map((l) => indent + l),
      ];
    case 'base64':
      return [`${indent}(not UTF-8; ${decoded.bytes} bytes, base64)`, indent + decoded.base64];
  }
}
