import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS } from '../contracts/operator-connect-api.js';
import { ApiError, type Reply } from './reply.js';

/** Request and response plumbing shared by the API, the fake Entra ID and the admin endpoints. */

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new ApiError(413, 'PayloadTooLarge', `The request body exceeds ${limit} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON body of a request whose Content-Type is one of `accepted` (parameters such as charset allowed). */
export function parseJson(request: IncomingMessage, body: Buffer, accepted: readonly string[] = ['application/json']): unknown {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!accepted.includes(type)) {
    throw new ApiError(415, 'UnsupportedMediaType', `Content-Type must be ${accepted.join(' or ')}.`);
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiError(
      400,
      'InvalidRequestBody',
      `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function sendReply(response: ServerResponse, reply: Reply, extraHeaders: Readonly<Record<string, string>> = {}): void {
  if (response.destroyed || response.headersSent) return;
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...(reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(payload),
    ...extraHeaders,
    ...reply.headers,
  });
  response.end(payload);
}

/** Headers every API answer carries: a request id of ours and the client's id echoed. */
export function tracingHeaders(request: IncomingMessage, requestId: string): Record<string, string> {
  const clientRequestId = request.headers[HEADERS.clientRequestId];
  return {
    [HEADERS.requestId]: requestId,
    ...(typeof clientRequestId === 'string' && clientRequestId ? { [HEADERS.clientRequestId]: clientRequestId } : {}),
  };
}

export interface PathPattern {
  readonly template: string;
  match(pathname: string): Record<string, string> | undefined;
}

/** "/tenants/{tenantId}/numbers" → a matcher that yields { tenantId } (percent-decoded). */
export function pathPattern(template: string): PathPattern {
  const names: string[] = [];
  const source = template
    .split(/(\{[A-Za-z]+\})/)
    .map((part) => {
      const name = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
      if (name) {
        names.push(name);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    })
    .join('');
  const regex = new RegExp(`^${source}/?$`);
  return {
    template,
    match(pathname) {
      const m = regex.exec(pathname);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const raw = m[i + 1] ?? '';
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          params[name] = raw;
        }
      });
      return params;
    },
  };
}

/** Fills a path template: the inverse of pathPattern. */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}
