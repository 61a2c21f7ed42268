import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { explainedError, explainHttpListenError, HTTP_SETTINGS, type ListenSettingNames } from '../errors/explain.js';
import type { Logger } from '../logging/logger.js';
import type { HttpReply, Route, RouteShortcut } from '../../contracts/http-route.js';

export type { HttpReply, Route, RouteShortcut };

/**
 * A small HTTP server: a request for a path that has a shortcut is offered to
 * it first; otherwise (or when it declines) routes are tried in order, the
 * first reply wins.
 */
export class HttpServer {
  private readonly server: Server;
  private readonly routes: Route[] = [];
  private readonly shortcuts = new Map<string, RouteShortcut['answer']>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
    this.server = createServer((req, res) => this.receive(req, res));
    this.server.keepAliveTimeout = 5_000;
  }

  route(route: Route): this {
    this.routes.push(route);
    const { shortcut } = route;
    if (shortcut) {
      if (this.shortcuts.has(shortcut.path)) throw new Error(`two routes have a shortcut for ${shortcut.path}`);
      this.shortcuts.set(shortcut.path, shortcut.answer);
    }
    return this;
  }

  /**
   * Listens on host:port. A port in use, a privileged port or an address not
   * of this host is thrown as one line naming the settings (HTTP_PORT and
   * HTTP_HOST unless `names` says otherwise), the Node error as its cause.
   */
  async listen(port: number, host: string, names: ListenSettingNames = HTTP_SETTINGS): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => reject(explainedError(explainHttpListenError(error, host, port, names), error));
      this.server.once('error', fail);
      this.server.listen(port, host, () => {
        this.server.off('error', fail);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    if (this.shortcuts.size > 0) {
      const target = req.url ?? '/';
      const query = target.indexOf('?');
      const path = query === -1 ? target : target.slice(0, query);
      const shortcut = this.shortcuts.get(path);
      if (shortcut !== undefined) {
        try {
          const reply = shortcut(req, query === -1 ? '' : target.slice(query));
          if (reply) {
            send(res, reply);
            return;
          }
        } catch (error) {
          this.failed(res, error, path);
          return;
        }
      }
    }
    void this.dispatch(req, res);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      for (const route of this.routes) {
        const answer = route(req, url);
        const reply = answer instanceof Promise ? await answer : answer;
        if (reply) return send(res, reply);
      }
      send(res, { status: 404, body: { error: { code: 'NotFound', message: `no resource at ${url.pathname}` } } });
    } catch (error) {
      this.failed(res, error, url.pathname);
    }
  }

  private failed(res: ServerResponse, error: unknown, path: string): void {
    this.logger.error({ err: error, path }, 'HTTP handler failed');
    send(res, { status: 500, body: { error: { code: 'InternalError', message: 'internal error' } } });
  }
}

function send(res: ServerResponse, reply: HttpReply): void {
  const contentType = reply.contentType ?? 'application/json';
  const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, reply.headers ? { 'content-type': contentType, ...reply.headers } : { 'content-type': contentType });
  res.end(payload);
}

/** Matches one method and exact path. */
export function get(path: string, handler: (request: IncomingMessage, url: URL) => Promise<HttpReply> | HttpReply): Route {
  return (request, url) => (request.method === 'GET' && url.pathname === path ? handler(request, url) : undefined);
}
