import type { IncomingMessage } from 'node:http';

/** The request's cookies by name (the first of a repeated name wins). */
export function cookiesOf(request: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (name && !out.has(name)) out.set(name, part.slice(at + 1).trim());
  }
  return out;
}

/**
 * A Set-Cookie value: HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it), scoped to /console, Secure when the console is served
 * over https. maxAgeSeconds 0 deletes it.
 */
export function setCookie(name: string, value: string, options: { secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${value}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join('; ');
}
