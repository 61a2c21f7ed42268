import type { IncomingMessage } from 'node:http';
import type { Pool } from 'pg';
import type { Config } from '../platform/config/load-config.js';
import type { ReadApiSettings } from '../platform/config/ops-variables.js';
import type { Logger } from '../platform/logging/logger.js';
import { orderDetail, orderJson } from '../ops/index.js';
import type { HttpReply, Route, RouteShortcut } from '../platform/http/http-server.js';
import { apiError } from './api-errors.js';
import { BearerAuth, type Permission, READER } from './bearer-auth.js';
import { decodeContinuation, encodeContinuation } from './continuation.js';
import { requestForInformationPage, requestForInformationResource } from './consent-resources.js';
import { orderExists, orderNumberPage } from './order-numbers.js';
import { accountExists, accountPage, accountResource, numberPage, numberResource, type Page } from './resources.js';
import { componentLogger } from '../platform/logging/component-logger.js';
import { type CallLookupSource, lookupHandler } from './lookup-route.js';

export interface ReadApiOptions extends ReadApiSettings {
  readonly pool: Pool;
  readonly logger?: Logger;
  /** The call-time lookup index (/v1/lookup); absent: that route answers 503. */
  readonly lookup?: CallLookupSource | null;
  /** CUSTOM_HEADER_NAME. */
  readonly customHeaderName?: string;
}

/** CUSTOM_HEADER_NAME's default, for callers that build options by hand. */
const DEFAULT_HEADER_NAME = 'X-MS-Operator-Content';

const ACCOUNT_KEY = {
  pattern: /^[A-Za-z0-9_-]{1,100}$/,
  code: 'InvalidAccountName',
  message: 'an account name is 1–100 letters, digits, underscores or dashes',
} as const;
const E164 = /^\+[1-9]\d{1,14}$/;
/** A Teams tenant id as the swagger's tenantId parameter pattern has it. */
const TENANT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ORDER_FAILED_NUMBERS_SHOWN = 1_000;

type Handler = (request: IncomingMessage, url: URL, params: string[]) => Promise<HttpReply> | HttpReply;

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
 * The read API: accounts, numbers and consents (requests for information) as ACG's Provisioning API shows them,
 * and order status, under /v1. Static bearer tokens and, when configured,
 * Entra ID access tokens with app roles (bearer-auth.ts); with neither
 * configured the API is off and /v1 answers 404 as if it did not exist.
 */
export function readApiRoutes(options: ReadApiOptions): Route[] {
  const { pool, maxPageSize, publicUrl } = options;
  const auth = new BearerAuth(options.tokens, options.entra ?? null, options.logger);
  const enabled = options.tokens.length > 0 || Boolean(options.entra);
  const lookup = lookupHandler({
    source: options.lookup ?? null,
    headerName: options.customHeaderName ?? DEFAULT_HEADER_NAME,
    directRouting: options.directRouting ?? null,
  });

  /** A whole collection, paged (maxpagesize, continuationToken, nextLink). */
  const listRoute =
    (read: (after: string | null, size: number) => Promise<Page<Record<string, unknown>>>): Handler =>
    async (request, url) => {
      const page = pageRequest(url, maxPageSize);
      if ('status' in page) return page;
      return pagedReply(request, url, await read(page.after, page.size), page.size, publicUrl);
    };
  /** One resource by the key in its path: a 400 for a key of the wrong form, a 404 for one not found. */
  const resourceRoute =
    (
      key: { readonly pattern: RegExp; readonly code: string; readonly message: string },
      read: (key: string) => Promise<Record<string, unknown> | null>,
      notFound: (key: string) => string,
    ): Handler =>
    async (_request, _url, [value]) => {
      if (!key.pattern.test(value ?? '')) return apiError(400, key.code, key.message);
      const body = await read(value ?? '');
      return body === null ? apiError(404, 'NotFound', notFound(value ?? '')) : { status: 200, body };
    };

  // Each route names the permission it needs: GETs READER, a state-changing route OPERATOR.
  const routes: Array<[RegExp, Handler, Permission]> = [
    // First: the call-time lookup is the hot path (lookup-route.ts).
    [/^\/v1\/lookup$/, (_request, url) => lookup(url.search), READER],
    [/^\/v1\/accounts$/, listRoute((after, size) => accountPage(pool, after, size)), READER],
    [
      /^\/v1\/accounts\/([^/]+)$/,
      resourceRoute(
        ACCOUNT_KEY,
        (name) => accountResource(pool, name),
        (name) => `no account ${name}`,
      ),
      READER,
    ],
    [
      /^\/v1\/accounts\/([^/]+)\/numbers$/,
      async (request, url, [name]) => {
        if (!ACCOUNT_KEY.pattern.test(name ?? '')) return apiError(400, ACCOUNT_KEY.code, ACCOUNT_KEY.message);
        const page = pageRequest(url, maxPageSize);
        if ('status' in page) return page;
        if (!(await accountExists(pool, name ?? ''))) return apiError(404, 'NotFound', `no account ${name}`);
        return pagedReply(request, url, await numberPage(pool, name ?? '', page.after, page.size), page.size, publicUrl);
      },
      READER,
    ],
    [
      /^\/v1\/numbers\/([^/]+)$/,
      resourceRoute(
        { pattern: E164, code: 'InvalidTelephoneNumber', message: 'a telephone number is E.164 (+14255550100; %2B for the plus)' },
        (number) => numberResource(pool, number),
        (number) => `no number ${number}`,
      ),
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
    [
      // Consents (requests for information) as ACG serves them: TeamsRequestsForInformation_List.
      /^\/v1\/teamsRequestsForInformation$/,
      listRoute((after, size) => requestForInformationPage(pool, after, size)),
      READER,
    ],
    [
      /^\/v1\/teamsRequestsForInformation\/([^/]+)$/,
      resourceRoute(
        { pattern: TENANT_ID, code: 'InvalidTenantId', message: 'a Teams tenant id is a GUID (8-4-4-4-12 hexadecimal digits)' },
        (tenantId) => requestForInformationResource(pool, tenantId),
        (tenantId) => `no request for information of tenant ${tenantId}`,
      ),
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
  // The lookup of a caller whose connection already proved a static token with reader rights is answered
  // before any URL is parsed; any other caller goes the whole way above (the same answer, authenticated).
  const shortcut: RouteShortcut = {
    path: '/v1/lookup',
    answer: (request, search) => {
      if (!enabled || request.method !== 'GET') return undefined;
      const known = auth.provenPrincipal(request);
      return known && !auth.authorize(known, READER) ? lookup(search) : undefined;
    },
  };
  return [Object.assign(route, { shortcut })];
}

/** The settings the read API reads: READ_API_*, DIRECT_ROUTING_* and CUSTOM_HEADER_NAME (the lookup's header). */
export type ReadApiConfig = Pick<Config, 'readApi'> & Partial<Pick<Config, 'customHeaderName'>>;

export interface ReadApiDeps {
  readonly pool: Pool;
  readonly logger?: Logger;
  /** The call-time lookup index the worker runs, if any. */
  readonly lookup?: CallLookupSource | null;
}

/** Whether the read API answers at all (a token or Entra ID validation configured): the lookup index runs only then. */
export function readApiEnabled(config: ReadApiConfig): boolean {
  return config.readApi.tokens.length > 0 || Boolean(config.readApi.entra);
}

/**
 * The read API's routes as the worker mounts them, from the loaded
 * configuration: the one place that turns settings into its options.
 */
export function createReadApiRoutes(config: ReadApiConfig, deps: ReadApiDeps): Route[] {
  return readApiRoutes({
    ...config.readApi,
    pool: deps.pool,
    ...(config.customHeaderName === undefined ? {} : { customHeaderName: config.customHeaderName }),
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
    ...(deps.logger ? { logger: componentLogger(deps.logger, 'read-api') } : {}),
  });
}
