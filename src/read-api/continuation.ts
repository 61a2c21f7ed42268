/**
 * Opaque continuation tokens: base64url JSON of the last key on the page and
 * the page size. Clients must not build them; a token we cannot read is a 400.
 */
export interface Continuation {
  readonly after: string;
  readonly pageSize: number;
}

export function encodeContinuation(c: Continuation): string {
  return Buffer.from(JSON.stringify({ v: 1, a: c.after, n: c.pageSize }), 'utf8').toString('base64url');
}

export function decodeContinuation(token: string): Continuation | null {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; a?: unknown; n?: unknown };
    if (parsed.v !== 1 || typeof parsed.a !== 'string' || typeof parsed.n !== 'number' || !Number.isInteger(parsed.n) || parsed.n < 1)
      return null;
    return { after: parsed.a, pageSize: parsed.n };
  } catch {
    return null;
  }
}
