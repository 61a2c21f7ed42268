import type { IncomingMessage } from 'node:http';

/** What a route answers: the HTTP server (src/platform/http) writes it. */
export interface HttpReply {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One route of the worker's HTTP port: undefined when the request is not its own (the next route is tried). */
export type Route = (request: IncomingMessage, url: URL) => Promise<HttpReply | undefined>;
