import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Secret } from '../platform/config/secret.js';
import type { HttpReply } from '../platform/http/http-server.js';
import { apiError } from './api-errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Static bearer tokens. Missing or malformed credentials: 401 with a
 * WWW-Authenticate challenge; a token that is not on the list: 403.
 * Compared as sha256 digests in constant time, so neither length nor
 * content leaks through timing.
 */
export class BearerAuth {
  private readonly digests: readonly Buffer[];

  constructor(tokens: readonly Secret[]) {
    this.digests = tokens.map((t) => digest(t.reveal()));
  }

  /** null when the request may pass, else the reply that refuses it. */
  check(request: IncomingMessage): HttpReply | null {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      return apiError(401, 'Unauthorized', 'send "Authorization: Bearer <token>" (a token from READ_API_TOKENS)', {
        'www-authenticate': 'Bearer realm="flowthrough"',
      });
    }
    const given = digest(match[1]);
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(d, given) || ok;
    return ok ? null : apiError(403, 'Forbidden', 'the bearer token is not accepted');
  }
}
