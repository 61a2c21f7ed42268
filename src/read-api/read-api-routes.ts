import type { IncomingMessage } from 'node:http';
import type { Pool } from 'pg';
import type { Config } from '../platform/config/load-config.js';
import type { ReadApiSettings } from '../platform/config/ops-variables.js';
import type { Logger } from '../platform/logging/logger.js';
import { orderDetail, orderJson } from '../ops/index.js';
import type { HttpReply, Route } from '../platform/http/http-server.js';
import { apiError } from './api-errors.js';
import { BearerAuth, type Permission, READER } from './bearer-auth.js';
import { decodeContinuation, encodeContinuation } from './continuation.js';
import { orderExists, orderNumberPage } from './order-numbers.js';
import { accountExists, accountPage, accountResource, numberPage, numberResource, type Page } from './resources.js';
import { componentLogger } from '../platform/logging/component-logger.js';

export interface ReadApiOptions extends ReadApiSettings {
  readonly pool: Pool;
  readonly logger?: Logger;
}

const ACCOUNT_NAME = /^[A-Za-z0-9_-]{1,100}$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const ORDER_FAILED_NUMBERS_SHOWN = 1_000;

type Handler = (request: IncomingMessage, url: URL, params: string[]) => Promise<HttpReply>;

interface PageRequest {
  readonly after: string | null;
  readonly size: number;
}

/** maxpagesize (capped) and continuationToken; a bad value is a 400. */
function pageRequest(url: URL, maxPageSize: number): PageRequest | HttpReply {
  const tokenText = url.searchParams.get('continuationToken');
  const sizeText = url.searchParams.get('maxpagesize');
  let size = maxPageSize;
  if (sizeText !== null) {
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1)
      return apiError(400, 'InvalidQueryParameterValue', `maxpagesize must be a positive integer, not ${JSON.stringify(sizeText)}`);
    size = Math.min(Number(sizeText), maxPageSize);
  }
  if (tokenText === null) return { after: null, size };
  const token = decodeContinuation(tokenText);
  if (token === null)
    return apiError(400, 'InvalidContinuationToken', 'continuationToken is not one this API issued; start again without it');
  return { after: token.after, size: sizeText === null ? Math.min(token.pageSize, maxPageSize) : size };
}

/** Where clients reach this API: READ_API_PUBLIC_URL, else http:// and the request's Host. */
function publicBase(request: IncomingMessage, publicUrl: string | null): string {
  return publicUrl ?? `http://${request.headers.host ?? 'localhost'}`;
}

function pagedReply(
  request: IncomingMessage,
  url: URL,
  page: Page<Record<string, unknown>>,
  size: number,
  publicUrl: string | null,
): HttpReply {
  let nextLink: string | undefined;
  if (page.nextAfter !== null) {
    // The path is appended to the base as text, so a base with a path prefix keeps it.
    const next = new URL(`${publicBase(request, publicUrl)}${url.pathname}`);
    for (const [k, v] of url.searchParams) if (k !== 'continuationToken' && k !== 'maxpagesize') next.searchParams.append(k, v);
    next.searchParams.set('maxpagesize', String(size));
    next.searchParams.set('continuationToken', encodeContinuation({ after: page.nextAfter, pageSize: size }));
    nextLink = next.toString();
  }
  return { status: 200, body: { value: page.items, ...(nextLink ? { nextLink } : {}) } };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The read API: accounts and numbers as ACG's Provisioning API shows them,
 * and order status, under /v1. Static bearer tokens and, when configured,
 * Entra ID access tokens with app roles (bearer-auth.ts); with neither
 * configured the API is off and /v1 answers 404 as if it did not exist.
 */
export function readApiRoutes(options: ReadApiOptions): Route[] {
  const { pool, maxPageSize, publicUrl } = options;
  const auth = new BearerAuth(options.tokens, options.entra ?? null, options.logger);
  const enabled = options.tokens.length > 0 || Boolean(options.entra);

  // Each route names the permission it needs: GETs READER, a state-changing route OPERATOR.
  const routes: Array<[RegExp, Handler, Permission]> = [
    [
      /^\/v1\/accounts$/,
      async (request, url) => {
        const page = pageRequest(url, maxPageSize);
        if ('status' in page) return page;
        return pagedReply(request, url, await accountPage(pool, page.after, page.size), page.size, publicUrl);
      },
      READER,
    ],
    [
      /^\/v1\/accounts\/([^/]+)$/,
      async (_request, _url, [name]) => {
        if (!ACCOUNT_NAME.test(name ?? ''))
          return apiError(400, 'InvalidAccountName', 'an account name is 1–100 letters, digits, underscores or dashes');
        const body = await accountResource(pool, name ?? '');
        return body === null ? apiError(404, 'NotFound', `no account ${name}`) : { status: 200, body };
      },
      READER,
    ],
    [
      /^\/v1\/accounts\/([^/]+)\/numbers$/,
      async (request, url, [name]) => {
        if (!ACCOUNT_NAME.test(name ?? ''))
          return apiError(400, 'InvalidAccountName', 'an account name is 1–100 letters, digits, underscores or dashes');
        const page = pageRequest(url, maxPageSize);
        if ('status' in page) return page;
        if (!(await accountExists(pool, name ?? ''))) return apiError(404, 'NotFound', `no account ${name}`);
        return pagedReply(request, url, await numberPage(pool, name ?? '', page.after, page.size), page.size, publicUrl);
      },
      READER,
    ],
    [
      /^\/v1\/numbers\/([^/]+)$/,
      async (_request, _url, [number]) => {
        if (!E164.test(number ?? ''))
          return apiError(400, 'InvalidTelephoneNumber', 'a telephone number is E.164 (+14255550100; %2B for the plus)');
        const body = await numberResource(pool, number ?? '');
        return body === null ? apiError(404, 'NotFound', `no number ${number}`) : { status: 200, body };
      },
      READER,
    ],
    [
      /^\/v1\/orders\/([^/]+)$/,
      async (_request, _url, [orderId]) => {
        const detail = await orderDetail(pool, orderId ?? '', ORDER_FAILED_NUMBERS_SHOWN);
        if (detail === null) return apiError(404, 'NotFound', `no order ${orderId}`);
        const { numbers, ...body } = orderJson(detail) as { numbers: Array<{ outcome: string }> } & Record<string, unknown>;
        return { status: 200, body: { ...body, failedNumbers: numbers.filter((n) => n.outcome === 'failed') } };
      },
      READER,
    ],
    [
      // Every per-number result of the order, paged: where a summarised status event (numbersOmitted) points.
      /^\/v1\/orders\/([^/]+)\/numbers$/,
      async (request, url, [orderId]) => {
        const page = pageRequest(url, maxPageSize);
        if ('status' in page) return page;
        if (!(await orderExists(pool, orderId ?? ''))) return apiError(404, 'NotFound', `no order ${orderId}`);
        const numbers = await orderNumberPage(pool, orderId ?? '', page.after, page.size);
        if (numbers === null)
          return apiError(400, 'InvalidContinuationToken', 'continuationToken is not one this API issued; start again without it');
        return pagedReply(request, url, numbers, page.size, publicUrl);
      },
      READER,
    ],
  ];

  const route: Route = async (request, url) => {
    if (url.pathname !== '/v1' && !url.pathname.startsWith('/v1/')) return undefined;
    if (!enabled) return apiError(404, 'NotFound', `no resource at ${url.pathname}`);
    const principal = await auth.authenticate(request);
    if ('status' in principal) return principal;
    if (request.method !== 'GET') return apiError(405, 'MethodNotAllowed', 'the read API only answers GET', { allow: 'GET' });
    for (const [pattern, handler, needed] of routes) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      const refused = auth.authorize(principal, needed);
      if (refused) return refused;
      const params = match.slice(1).map(decodeSegment);
      if (params.some((p) => p === null)) return apiError(400, 'InvalidPath', 'the path is not valid percent-encoding');
      return handler(request, url, params as string[]);
    }
    return apiError(404, 'NotFound', `no resource at ${url.pathname}`);
  };
  return [route];
}

/** The settings the read API reads: READ_API_*. */
export type ReadApiConfig = Pick<Config, 'readApi'>;

export interface ReadApiDeps {
  readonly pool: Pool;
  readonly logger?: Logger;
}

/**
 * The read API's routes as the worker mounts them, from the loaded
 * configuration: the one place that turns settings into its options.
 */
export function createReadApiRoutes(config: ReadApiConfig, deps: ReadApiDeps): Route[] {
  return readApiRoutes({
    ...config.readApi,
    pool: deps.pool,
    ...(deps.logger ? { logger: componentLogger(deps.logger, 'read-api') } : {}),
  });
}
