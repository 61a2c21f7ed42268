import type { Reply } from '../simulator/reply.js';
import type { ValidRequest } from './request-validation.js';

/** What a handler gets: the validated request and the URL it came on (for nextLink). */
export interface AcgCall {
  readonly request: ValidRequest;
  readonly url: URL;
}

export type AcgHandler = (call: AcgCall) => Reply;

/** Conditional headers of a validated request. */
export const conditions = (call: AcgCall): { ifMatch?: string; ifNoneMatch?: string } => ({
  ...(call.request.headers['if-match'] !== undefined ? { ifMatch: call.request.headers['if-match'] } : {}),
  ...(call.request.headers['if-none-match'] !== undefined ? { ifNoneMatch: call.request.headers['if-none-match'] } : {}),
});

export const withEtag = (status: number, body: unknown, etag: string): Reply => ({ status, body, headers: { etag } });
