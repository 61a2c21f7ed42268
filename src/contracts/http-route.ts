import type { IncomingMessage } from 'node:http';

/** What a route answers: the HTTP server (src/platform/http) writes it. */
export interface HttpReply {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One route of the worker's HTTP port: undefined when the request is not its
 * own (the next route is tried). A route says "not mine" synchronously where
 * it can: each awaited refusal costs every request behind it a turn of the
 * event loop (the call-time lookup answers thousands a second).
 */
export type Route = (request: IncomingMessage, url: URL) => Promise<HttpReply | undefined> | HttpReply | undefined;
