import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HEADERS } from '../contracts/operator-connect-api.js';
import type { Clock } from './clock.js';
import { ApiError, type Reply } from './reply.js';

/**
 * Repeatable requests (OASIS Repeatable Requests 1.0, as Azure uses them):
 * the first answer to a Repeatability-Request-ID is kept for the window and
 * replayed to a retry with the same request; a different request under the
 * same id is a conflict.
 */

export interface RepeatabilityHeaders {
  readonly requestId: string;
  /** Milliseconds since the epoch, when the client sent it. */
  readonly firstSent: number | undefined;
}

interface Stored {
  readonly fingerprint: string;
  readonly reply: Reply;
  readonly storedAt: number;
}

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
/** IMF-fixdate (RFC 9110 §5.6.7), the only form the header allows. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

export function readRepeatabilityHeaders(headers: IncomingHttpHeaders): RepeatabilityHeaders {
  const id = headers[HEADERS.repeatabilityRequestId];
  const sent = headers[HEADERS.repeatabilityFirstSent];
  const rejected = { [HEADERS.repeatabilityResult]: 'rejected' };
  if (id === undefined || id === '') {
    throw new ApiError(
      400,
      'MissingRepeatabilityRequestId',
      'Mutating calls need a Repeatability-Request-ID header (a UUID is recommended).',
      [],
      rejected,
    );
  }
  if (Array.isArray(id) || !REQUEST_ID.test(id)) {
    throw new ApiError(
      400,
      'InvalidRepeatabilityHeaders',
      'Repeatability-Request-ID must be 1–128 visible ASCII characters.',
      [],
      rejected,
    );
  }
  if (sent === undefined) return { requestId: id, firstSent: undefined };
  const parsed = Array.isArray(sent) || !IMF_FIXDATE.test(sent) ? Number.NaN : Date.parse(sent);
  if (Number.isNaN(parsed)) {
    throw new ApiError(
      400,
      'InvalidRepeatabilityHeaders',
      'Repeatability-First-Sent must be an IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".',
      [],
      rejected,
    );
  }
  return { requestId: id, firstSent: parsed };
}

/** Same method, path and JSON content ⇒ same fingerprint, whatever the key order or spacing. */
export function fingerprint(method: string, path: string, body: Buffer): string {
  let content: string;
  try {
    content = canonicalJson(JSON.parse(body.toString('utf8')));
  } catch {
    content = body.toString('base64');
  }
  return createHash('sha256').update(`${method} ${path}\n${content}`).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class RepeatabilityStore {
  private readonly answers = new Map<string, Stored>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /**
   * The stored answer to replay, undefined to go ahead, or an ApiError: a
   * different request under a known id (409), or a first-sent time older
   * than the window for an id no longer known (412: unsafe to re-execute).
   */
  check(key: string, print: string, headers: RepeatabilityHeaders): Reply | undefined {
    this.prune();
    const stored = this.answers.get(key);
    const rejected = { [HEADERS.repeatabilityResult]: 'rejected' };
    if (stored) {
      if (stored.fingerprint !== print) {
        throw new ApiError(
          409,
          'RepeatabilityConflict',
          `Repeatability-Request-ID ${headers.requestId} was first used for a different request; use a new id for a new request.`,
          [],
          rejected,
        );
      }
      return { ...stored.reply, headers: { ...stored.reply.headers, [HEADERS.repeatabilityResult]: 'accepted' } };
    }
    if (headers.firstSent !== undefined && this.clock.now() - headers.firstSent > this.windowMs) {
      throw new ApiError(
        412,
        'RepeatabilityWindowExceeded',
        `Repeatability-First-Sent is older than the ${Math.round(this.windowMs / 1000)} s the service remembers requests; check the outcome before sending it again.`,
        [],
        rejected,
      );
    }
    return undefined;
  }

  remember(key: string, print: string, reply: Reply): void {
    this.answers.set(key, { fingerprint: print, reply, storedAt: this.clock.now() });
  }

  clear(): void {
    this.answers.clear();
  }

  /** Entries are inserted in time order, so the expired ones sit at the front. */
  private prune(): void {
    const oldest = this.clock.now() - this.windowMs;
    for (const [key, stored] of this.answers) {
      if (stored.storedAt >= oldest) break;
      this.answers.delete(key);
    }
  }
}
