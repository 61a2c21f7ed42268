import type { IncomingMessage } from 'node:http';
import type { Pool } from 'pg';
import type { HttpReply } from '../platform/http/http-server.js';
import type { Principal } from '../read-api/index.js';
import type { Html } from './html.js';
import { page, type Viewer } from './layout.js';

/** What a console page handler is given: the request, its signed-in viewer and the database. */
export interface PageContext {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly params: readonly string[];
  readonly pool: Pool;
  readonly viewer: Viewer;
  readonly principal: Principal;
}

/**
 * Pages are not cached (they show live state and who is signed in), may not be
 * framed, and may load only the console's own script and style sheet.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: under no-referrer a browser posts forms with "Origin: null", which the origin check refuses.
  'referrer-policy': 'same-origin',
};

export function htmlReply(
  title: string,
  ctx: { url: URL; viewer: Viewer | null },
  body: Html,
  status = 200,
  headers: Record<string, string> = {},
): HttpReply {
  return {
    status,
    body: page(title, ctx.url.pathname, ctx.viewer, body),
    contentType: 'text/html; charset=utf-8',
    headers: { ...PAGE_HEADERS, ...headers },
  };
}

export function redirect(location: string, headers: Record<string, string> = {}): HttpReply {
  return { status: 303, body: '', contentType: 'text/plain; charset=utf-8', headers: { ...PAGE_HEADERS, location, ...headers } };
}

/** A query parameter, trimmed; undefined when absent or blank. */
export function param(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name)?.trim();
  return value ? value : undefined;
}
