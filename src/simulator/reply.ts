import type { ApiErrorCode, ErrorDetail, ErrorResponse } from '../contracts/operator-connect-api.js';
import { HEADERS } from '../contracts/operator-connect-api.js';

/** What a handler answers; the pipeline adds the common headers and writes it. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An Azure-style error answer, thrown by handlers and turned into a Reply by the pipeline. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toReply(): Reply {
    const body: ErrorResponse = {
      error: { code: this.code, message: this.message, ...(this.details.length > 0 ? { details: this.details } : {}) },
    };
    return { status: this.status, body, headers: { [HEADERS.errorCode]: this.code, ...this.headers } };
  }
}

export const ok = (body: unknown, headers?: Readonly<Record<string, string>>): Reply => ({
  status: 200,
  body,
  ...(headers ? { headers } : {}),
});
