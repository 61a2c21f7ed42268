import type { HttpReply } from '../platform/http/http-server.js';

/** Azure-style error body: {"error": {"code", "message"}}, with x-ms-error-code as ACG sends it. */
export function apiError(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpReply {
  return { status, body: { error: { code, message } }, headers: { 'x-ms-error-code': code, ...headers } };
}
