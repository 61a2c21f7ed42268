import type { IncomingMessage } from 'node:http';
import type { Page } from '../contracts/operator-connect-api.js';
import { ApiError } from './reply.js';
import { GUID_PATTERN } from './request-schemas.js';
import type { Principal } from './token-authority.js';

/** What an API handler gets: everything already authenticated, read and routed. */
export interface HandlerContext {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly principal: Principal;
  /** The Repeatability-Request-ID of a mutating call. */
  readonly requestId: string;
  /** `http://host:port{basePath}` as the client addressed us, for links. */
  readonly apiBaseUrl: string;
  readonly apiVersion: string;
}

const GUID = new RegExp(GUID_PATTERN);

/** The {tenantId} path parameter, lower-cased; 400 unless it is a GUID. */
export function tenantParam(context: HandlerContext): string {
  const tenantId = context.params.tenantId ?? '';
  if (!GUID.test(tenantId)) throw new ApiError(400, 'InvalidTenantId', `"${tenantId}" is not a Teams tenant id (a GUID).`);
  return tenantId.toLowerCase();
}

function intParam(url: URL, name: string, min: number, max: number, fallback: number): number {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ApiError(400, 'InvalidQueryParameter', `${name} must be an integer from ${min} to ${max}.`, [
      { code: 'InvalidValue', message: `got "${text}"`, target: name },
    ]);
  }
  return n;
}

/** Azure-style paging: `maxpagesize` and `skip` in, `{ value, nextLink }` out. */
export function page<T>(items: readonly T[], context: HandlerContext, sizes: { defaultPageSize: number; maxPageSize: number }): Page<T> {
  const size = intParam(context.url, 'maxpagesize', 1, sizes.maxPageSize, sizes.defaultPageSize);
  const skip = intParam(context.url, 'skip', 0, Number.MAX_SAFE_INTEGER, 0);
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length) return { value };
  const next = new URL(context.url.toString());
  next.searchParams.set('skip', String(skip + size));
  next.searchParams.set('maxpagesize', String(size));
  return { value, nextLink: next.toString() };
}
