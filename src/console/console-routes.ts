import type { IncomingMessage } from 'node:http';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createOrderValidator } from '../contracts/order-validator.js';
import type { Config } from '../platform/config/load-config.js';
import type { HttpReply, Route } from '../platform/http/http-server.js';
import { componentLogger } from '../platform/logging/component-logger.js';
import type { Logger } from '../platform/logging/logger.js';
import { BearerAuth, OPERATOR } from '../read-api/index.js';
import { accountShow, accountsList } from './accounts-pages.js';
import { consentShow, consentsList } from './consents-pages.js';
import { ConsoleAuth, canOperate, sameToken, sessionCookie, type SignedIn } from './console-auth.js';
import { CONSOLE_CSS } from './console-css.js';
import { CONSOLE_JS } from './console-js.js';
import { cookiesOf, setCookie } from './cookies.js';
import { filterParams } from './dead-letter-filters.js';
import { deadLetterShow, deadLettersList } from './dead-letter-pages.js';
import { FormTooLargeError, readForm } from './form-body.js';
import { html } from './html.js';
import { notice } from './layout.js';
import { numberShow, numbersList } from './numbers-pages.js';
import { orderShow, ordersList } from './orders-pages.js';
import { type FiguresSource, overviewFigures } from './overview-figures.js';
import { overviewBody, overviewJson } from './overview-page.js';
import { htmlReply, type PageContext, PAGE_HEADERS, redirect } from './page-context.js';
import { replayConfirmed, replayDryRun, type ReplaySettings } from './replay-pages.js';
import { randomId } from './sessions.js';
import { signInBody } from './sign-in-page.js';

/** The sign-in form's double-submit token (a cookie and a hidden field that must match): no other site can post a token in. */
const SIGN_IN_COOKIE = 'flowthrough_console_signin';

export interface ConsoleOptions {
  readonly config: Pick<Config, 'readApi' | 'intake' | 'topics'>;
  readonly pool: Pool;
  readonly kafka: Kafka;
  /** The worker's /metrics figures (its registry), for the overview. */
  readonly figures: FiguresSource;
  readonly logger?: Logger;
}

type Page = (ctx: PageContext) => Promise<HttpReply>;

const PAGES: ReadonlyArray<readonly [RegExp, Page]> = [
  [/^\/console\/accounts$/, accountsList],
  [/^\/console\/accounts\/([^/]+)$/, accountShow],
  [/^\/console\/numbers$/, numbersList],
  [/^\/console\/numbers\/([^/]+)$/, numberShow],
  [/^\/console\/orders$/, ordersList],
  [/^\/console\/orders\/([^/]+)$/, orderShow],
  [/^\/console\/consents$/, consentsList],
  [/^\/console\/consents\/([^/]+)$/, consentShow],
  [/^\/console\/dead-letters$/, deadLettersList],
  [/^\/console\/dead-letters\/(\d{1,18})$/, deadLetterShow],
];

function asset(body: string, contentType: string): HttpReply {
  return { status: 200, body, contentType, headers: { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } };
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Served over https (directly, or READ_API_PUBLIC_URL says so behind a proxy): cookies get Secure. */
function isHttps(request: IncomingMessage, publicUrl: string | null): boolean {
  return Boolean((request.socket as { encrypted?: boolean }).encrypted) || (publicUrl?.startsWith('https://') ?? false);
}

/**
 * A POST must come from the console itself: the browser's Origin, when it
 * sends one, names this host (SameSite=Strict cookies already keep other
 * sites' posts unauthenticated; this refuses them outright).
 */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Only a console path: never a redirect to another site after sign-in. */
function safeNext(next: string | null): string {
  return next && /^\/console(\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?$/.test(next) && !next.startsWith('/console//') ? next : '/console';
}

/**
 * The web console under /console: server-rendered pages over the CLI's and
 * read API's queries, behind the read API's authentication (a session holds
 * the token server-side). Off, like the read API, when no READ_API_TOKENS and
 * no Entra ID are configured.
 */
export function consoleRoutes(options: ConsoleOptions): Route[] {
  const { pool, config } = options;
  const { readApi } = config;
  const logger = options.logger ? componentLogger(options.logger, 'console') : undefined;
  const bearer = new BearerAuth(readApi.tokens, readApi.entra ?? null, logger);
  const auth = new ConsoleAuth(bearer);
  const enabled = readApi.tokens.length > 0 || Boolean(readApi.entra);
  const replay: ReplaySettings = {
    kafka: options.kafka,
    validator: createOrderValidator(),
    limits: {
      maxRecordBytes: config.intake.maxRecordBytes,
      maxJsonDepth: config.intake.maxJsonDepth,
      maxFutureSkewMs: config.intake.maxFutureSkewMs,
    },
    ordersTopic: config.topics.orders,
  };

  const signInPage = (request: IncomingMessage, url: URL, problem: string | null, status = 200): HttpReply => {
    const formToken = randomId();
    const cookie = setCookie(SIGN_IN_COOKIE, formToken, { secure: isHttps(request, readApi.publicUrl), maxAgeSeconds: 3600 });
    const next = safeNext(url.searchParams.get('next'));
    return htmlReply('Sign in', { url, viewer: null }, signInBody(formToken, next, problem), status, { 'set-cookie': cookie });
  };

  const signIn = async (request: IncomingMessage, url: URL): Promise<HttpReply> => {
    const form = await readForm(request);
    const expected = cookiesOf(request).get(SIGN_IN_COOKIE);
    if (!sameOrigin(request) || expected === undefined || !sameToken(expected, form.get('csrf')))
      return signInPage(request, url, 'The sign-in form expired or came from elsewhere; please sign in again.', 403);
    const token = form.get('token')?.trim() ?? '';
    if (token === '') return signInPage(request, url, 'Paste a bearer token.', 400);
    const result = await auth.signIn(token, request);
    if ('refused' in result) return signInPage(request, url, `The token is refused: ${result.refused}`, 401);
    return redirect(safeNext(form.get('next')), { 'set-cookie': sessionCookie(result.session, isHttps(request, readApi.publicUrl)) });
  };

  const forbidden = (ctx: { url: URL; viewer: SignedIn['viewer'] }): HttpReply =>
    htmlReply(
      'Not allowed',
      ctx,
      html`<h1>Not allowed</h1>${notice('error', `Replaying dead letters needs the ${OPERATOR} permission (the ${readApi.entra?.operatorRole ?? 'operator'} role): this token only reads.`)}`,
      403,
    );

  const answer = async (request: IncomingMessage, url: URL): Promise<HttpReply> => {
    const path = url.pathname;
    if (!enabled) return { status: 404, body: { error: { code: 'NotFound', message: `no resource at ${path}` } } };
    const method = request.method ?? 'GET';

    if (method === 'GET' && path === '/console/assets/console.css') return asset(CONSOLE_CSS, 'text/css; charset=utf-8');
    if (method === 'GET' && path === '/console/assets/console.js') return asset(CONSOLE_JS, 'text/javascript; charset=utf-8');
    if (path === '/console/sign-in') {
      if (method === 'GET') return signInPage(request, url, null);
      if (method === 'POST') return signIn(request, url).catch(tooLarge);
    }

    const signedIn = await auth.signedIn(request);
    if (signedIn !== null && 'refused' in signedIn && signedIn.retryable)
      return htmlReply('Unavailable', { url, viewer: null }, notice('error', `${signedIn.refused}.`), 503, { 'retry-after': '5' });
    if (signedIn === null || 'refused' in signedIn) {
      if (path === '/console/overview.json') return { status: 401, body: { error: { code: 'Unauthorized', message: 'sign in again' } } };
      // A session whose token no longer passes (expired, role removed) is gone: its cookie is cleared too.
      const next = `?next=${encodeURIComponent(`${path}${url.search}`)}`;
      return redirect(
        `/console/sign-in${next}`,
        signedIn === null ? {} : { 'set-cookie': sessionCookie(null, isHttps(request, readApi.publicUrl)) },
      );
    }
    const { viewer, principal } = signedIn;

    if (method === 'POST') {
      const form = await readForm(request).catch((error: unknown) => {
        if (error instanceof FormTooLargeError) return null;
        throw error;
      });
      if (form === null) return htmlReply('Too large', { url, viewer }, notice('error', 'The form is too large.'), 413);
      if (!sameOrigin(request) || !sameToken(signedIn.session.csrf, form.get('csrf')))
        return htmlReply(
          'Refused',
          { url, viewer },
          notice('error', 'The form expired or came from elsewhere; reload the page and try again.'),
          403,
        );
      if (path === '/console/sign-out') {
        auth.signOut(request);
        return redirect('/console/sign-in', { 'set-cookie': sessionCookie(null, isHttps(request, readApi.publicUrl)) });
      }
      if (path === '/console/dead-letters/replay') {
        if (!canOperate(principal)) return forbidden({ url, viewer });
        const ctx: PageContext = { request, url, params: [], pool, viewer, principal };
        return replayConfirmed(ctx, replay, form, filterParams(form));
      }
      return htmlReply('Not found', { url, viewer }, notice('error', `Nothing to post to at ${path}.`), 404);
    }
    if (method !== 'GET' && method !== 'HEAD')
      return { status: 405, body: { error: { code: 'MethodNotAllowed', message: 'GET or POST' } }, headers: { allow: 'GET, POST' } };

    if (path === '/console/overview.json') {
      return { status: 200, body: overviewJson(await overviewFigures(options.figures)), headers: { 'cache-control': 'no-store' } };
    }
    const ctxOf = (params: string[]): PageContext => ({ request, url, params, pool, viewer, principal });
    if (path === '/console' || path === '/console/')
      return htmlReply('Overview', { url, viewer }, overviewBody(await overviewFigures(options.figures)));
    if (path === '/console/dead-letters/replay') {
      if (!canOperate(principal)) return forbidden({ url, viewer });
      return replayDryRun(ctxOf([]), replay, filterParams(url.searchParams), url.searchParams.get('all') === '1');
    }
    for (const [pattern, page] of PAGES) {
      const match = pattern.exec(path);
      if (!match) continue;
      const params = match.slice(1).map(decode);
      if (params.some((p) => p === null))
        return htmlReply('Bad path', { url, viewer }, notice('error', 'The path is not valid percent-encoding.'), 400);
      return page(ctxOf(params as string[]));
    }
    return htmlReply('Not found', { url, viewer }, notice('error', `No page at ${path}.`), 404);
  };
  const route: Route = (request, url) =>
    url.pathname === '/console' || url.pathname.startsWith('/console/') ? answer(request, url) : undefined;
  return [route];
}

function tooLarge(error: unknown): HttpReply {
  if (!(error instanceof FormTooLargeError)) throw error;
  return {
    status: 413,
    body: notice('error', 'The form is too large.').text,
    contentType: 'text/html; charset=utf-8',
    headers: { ...PAGE_HEADERS },
  };
}

/** The settings the console reads: the read API's (READ_API_*), the intake's limits and the orders topic, for replays. */
export type ConsoleConfig = ConsoleOptions['config'];

export interface ConsoleDeps {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly figures: FiguresSource;
  readonly logger?: Logger;
}

/** The console's routes as the worker mounts them. */
export function createConsoleRoutes(config: ConsoleConfig, deps: ConsoleDeps): Route[] {
  return consoleRoutes({ config, ...deps });
}
