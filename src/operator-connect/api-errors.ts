import {
  AggregateAuthenticationError,
  AuthenticationError,
  AuthenticationRequiredError,
  CredentialUnavailableError,
} from '@azure/identity';
import { isAxiosError } from 'axios';
import { classify, FlowthroughError, PermanentError, TransientError, type ErrorContext } from '../core/errors.js';
import type { ErrorDetail } from '../contracts/operator-connect-api.js';
import { isTransientStatus } from './retry-policy.js';
import { OPERATOR_CONNECT_SERVICE } from './backend-service.js';

const DEFAULT_SERVICE = OPERATOR_CONNECT_SERVICE.name;

/** An answer a backend API (Operator Connect, ACG) gave that no retry can change: 400, 403, 404, 409, 412, a second 401… */
export class BackendPermanentError extends PermanentError {
  readonly operation: string;
  /** HTTP status; undefined when the client refused the call itself. */
  readonly status: number | undefined;
  /** Azure.Core `error.details` (e.g. which number of an order is invalid). */
  readonly details: readonly ErrorDetail[];

  constructor(
    code: string,
    message: string,
    options: { operation: string; status?: number; details?: readonly ErrorDetail[]; context?: ErrorContext; cause?: unknown },
  ) {
    super(code, message, {
      cause: options.cause,
      context: { operation: options.operation, httpStatus: options.status, ...options.context },
    });
    this.operation = options.operation;
    this.status = options.status;
    this.details = options.details ?? [];
  }
}

/** A failure that may pass (5xx, 408, 429, a reset, a timeout), thrown once the call's attempts are spent. */
export class BackendTransientError extends TransientError {
  readonly operation: string;
  readonly status: number | undefined;
  /** What the service asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { operation: string; status?: number; retryAfterMs?: number; context?: ErrorContext; cause?: unknown },
  ) {
    super(code, message, {
      cause: options.cause,
      context: { operation: options.operation, httpStatus: options.status, retryAfterMs: options.retryAfterMs, ...options.context },
    });
    this.operation = options.operation;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The circuit is open: the call was refused without touching the network. */
export class CircuitOpenError extends TransientError {
  readonly retryInMs: number;

  constructor(operation: string, retryInMs: number, service = DEFAULT_SERVICE) {
    super('circuit_open', `${service} ${operation} not sent: the circuit is open after repeated failures`, {
      context: { operation, retryInMs },
    });
    this.retryInMs = retryInMs;
  }
}

interface AzureErrorBody {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly details?: unknown;
}

function azureError(body: unknown): AzureErrorBody {
  if (body && typeof body === 'object' && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (error && typeof error === 'object') return error as AzureErrorBody;
  }
  return {};
}

/** An HTTP answer that is not 2xx, classified: transient statuses (contract §4.2) retry, the rest are final. */
export function errorFromResponse(
  operation: string,
  answer: { status: number; body: unknown; headers: Readonly<Record<string, string | undefined>>; retryAfterMs: number | undefined },
  service = DEFAULT_SERVICE,
): BackendPermanentError | BackendTransientError {
  const error = azureError(answer.body);
  const code = typeof error.code === 'string' ? error.code : (answer.headers['x-ms-error-code'] ?? `http_${answer.status}`);
  const text = typeof error.message === 'string' ? error.message : `HTTP ${answer.status}`;
  const message = `${service} ${operation} failed: ${answer.status} ${code}: ${text}`;
  const context = { azureCode: code, msRequestId: answer.headers['x-ms-request-id'] };
  if (isTransientStatus(answer.status)) {
    return new BackendTransientError(code, message, {
      operation,
      status: answer.status,
      retryAfterMs: answer.retryAfterMs,
      context,
    });
  }
  const details = Array.isArray(error.details) ? (error.details as ErrorDetail[]) : [];
  return new BackendPermanentError(code, message, { operation, status: answer.status, details, context });
}

/** Axios codes for a request that never got an answer, beyond the Node codes errors.ts knows. */
const TRANSIENT_AXIOS_CODES = new Set(['ERR_NETWORK', 'ECONNABORTED', 'ETIMEDOUT']);

/**
 * A request with no answer: a reset, a refused connection, a timeout. The
 * outcome is unknown, so it is transient; a mutating call is retried under
 * the same Repeatability-Request-ID. The cause is rebuilt from the code and
 * message only: an AxiosError carries the request config, Authorization
 * header included, and must never reach a log serializer.
 */
export function errorFromNetwork(
  operation: string,
  error: unknown,
  service = DEFAULT_SERVICE,
): BackendTransientError | BackendPermanentError {
  const code = (isAxiosError(error) ? error.code : undefined) ?? classify(error).code;
  const text = error instanceof Error ? error.message : String(error);
  const cause = Object.assign(new Error(text), { code });
  const message = `${service} ${operation} got no answer: ${code}: ${text}`;
  if (TRANSIENT_AXIOS_CODES.has(code) || classify(cause).retryable) return new BackendTransientError(code, message, { operation, cause });
  return new BackendPermanentError(code, message, { operation, cause });
}

/** OAuth 2.0 error words (RFC 6749 §5.2) of a token request Entra ID refused: no retry changes them. */
const OAUTH_REFUSALS =
  /\b(invalid_client|unauthorized_client|invalid_request|invalid_grant|invalid_scope|invalid_resource|unsupported_grant_type)\b/;

/**
 * A failure to get a token from @azure/identity. A refusal by Entra ID
 * (wrong secret, unknown app or tenant) or a credential that cannot work here
 * is permanent until the set-up changes; an unavailable or throttled Entra ID
 * is transient. `explanation`, when given, is the message.
 */
export function tokenFailure(error: unknown, explanation?: string): FlowthroughError {
  if (error instanceof FlowthroughError) return error;
  const text = error instanceof Error ? error.message : String(error);
  // The explanation (src/platform/errors/explain-token.ts) names the OPERATOR_CONNECT_* setting at fault; it starts with the same words.
  const message = explanation ?? `cannot get an Operator Connect access token: ${text}`;
  if (error instanceof AuthenticationError) {
    const context = { httpStatus: error.statusCode, entraError: error.errorResponse.error };
    // @azure/identity reports a token endpoint it could not reach with status 0 or undefined.
    const unreachable = !error.statusCode;
    return unreachable || isTransientStatus(error.statusCode)
      ? new TransientError('token_unavailable', message, { context })
      : new PermanentError('authentication_failed', message, { context });
  }
  if (error instanceof AuthenticationRequiredError) {
    // MSAL's errors reach us only as text ("temporarily_unavailable: …", "90006: AADSTS90006: …"): a refusal is
    // named by its OAuth error word; anything else (5xx, 429, network) may pass, so it is retried, never given up.
    const refusalWord = OAUTH_REFUSALS.exec(text)?.[1];
    return refusalWord
      ? new PermanentError('authentication_failed', message, { context: { entraError: refusalWord } })
      : new TransientError('token_unavailable', message);
  }
  if (error instanceof CredentialUnavailableError || error instanceof AggregateAuthenticationError) {
    return new PermanentError('credential_unavailable', message);
  }
  const classified = classify(error);
  return classified.retryable
    ? new TransientError('token_unavailable', message, { context: { cause: classified.code } })
    : new PermanentError('authentication_failed', message);
}

/** A call the client refuses to send (too many numbers, a malformed id): the server would refuse it too. */
export function refusal(
  operation: string,
  code: string,
  message: string,
  context: ErrorContext = {},
  service = DEFAULT_SERVICE,
): BackendPermanentError {
  return new BackendPermanentError(code, `${service} ${operation} refused by the client: ${message}`, { operation, context });
}
