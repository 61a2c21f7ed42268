import type { IncomingMessage } from 'node:http';

/** What a route answers: the HTTP server (src/platform/http) writes it. */
export interface HttpReply {
  readonly status: number;
  /** A string is written as it is (already serialised); anything else as JSON. */
  readonly body: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A synchronous answer for one exact path, tried before the request's URL is
 * parsed or any route is asked: the call-time lookup answers thousands a
 * second, and each of those steps costs every one of them. undefined: the
 * routes decide, as for any other request (e.g. a caller not yet
 * authenticated on this connection).
 */
export interface RouteShortcut {
  /** The path, without a query: `/v1/lookup`. */
  readonly path: string;
  /** `search` is the query with its `?`, or '' when there is none. */
  answer(request: IncomingMessage, search: string): HttpReply | undefined;
}

/**
 * One route of the worker's HTTP port: undefined when the request is not its
 * own (the next route is tried). A route says "not mine" synchronously where
 * it can: each awaited refusal costs every request behind it a turn of the
 * event loop.
 */
export type Route = ((request: IncomingMessage, url: URL) => Promise<HttpReply | undefined> | HttpReply | undefined) & {
  readonly shortcut?: RouteShortcut;
};
