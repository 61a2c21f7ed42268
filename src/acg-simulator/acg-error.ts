import { HEADERS } from '../contracts/operator-connect-api.js';
import type { Reply } from '../simulator/reply.js';

/** One entry of Azure.Core.Foundations.Error's `details`. */
export interface AcgErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

/**
 * An answer in the swagger's error model (Azure.Core.Foundations.ErrorResponse
 * with the x-ms-error-code header), thrown by the handlers. The codes are the
 * simulator's: the swagger defines the shape, not the codes.
 */
export class AcgError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly AcgErrorDetail[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AcgError';
  }

  toReply(): Reply {
    const error = { code: this.code, message: this.message, ...(this.details.length > 0 ? { details: this.details } : {}) };
    return { status: this.status, body: { error }, headers: { [HEADERS.errorCode]: this.code, ...this.headers } };
  }
}

export const notFound = (what: string): AcgError => new AcgError(404, 'NotFound', `${what} was not found.`);
