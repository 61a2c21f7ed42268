/**
 * One error hierarchy: a stable code, whether a retry can help, a cause and
 * the context (order id, topic/partition/offset, HTTP status) that explains it.
 */
export type ErrorContext = Readonly<Record<string, string | number | boolean | null | undefined>>;

export class FlowthroughError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly context: ErrorContext;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown; context?: ErrorContext } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
  }
}

/** A failure no retry can fix: bad input, a refused precondition, a bug. */
export class PermanentError extends FlowthroughError {
  constructor(code: string, message: string, options: { cause?: unknown; context?: ErrorContext } = {}) {
    super(code, message, { ...options, retryable: false });
  }
}

/** A failure that may pass: a network fault, a throttle, a restarting dependency. */
export class TransientError extends FlowthroughError {
  constructor(code: string, message: string, options: { cause?: unknown; context?: ErrorContext } = {}) {
    super(code, message, { ...options, retryable: true });
  }
}

const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** PostgreSQL SQLSTATE classes worth a retry: connection, resources, serialization, shutdown. */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code.startsWith('53') || // insufficient resources
    code === '40001' || // serialization_failure
    code === '40P01' || // deadlock_detected
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' // cannot_connect_now
  );
}

export interface Classified {
  readonly retryable: boolean;
  readonly code: string;
  readonly message: string;
}

/** The one place that decides transient vs permanent for anything thrown. */
export function classify(error: unknown): Classified {
  if (error instanceof FlowthroughError) return { retryable: error.retryable, code: error.code, message: error.message };
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; retriable?: unknown; name?: unknown };
    const message = typeof e.message === 'string' ? e.message : String(error);
    if (typeof e.retriable === 'boolean') return { retryable: e.retriable, code: String(e.name ?? 'kafka_error'), message };
    if (typeof e.code === 'string') {
      if (TRANSIENT_NODE_CODES.has(e.code)) return { retryable: true, code: e.code, message };
      if (/^[0-9A-Z]{5}$/.test(e.code)) return { retryable: isTransientSqlState(e.code), code: `pg_${e.code}`, message };
    }
    return { retryable: false, code: 'internal_error', message };
  }
  return { retryable: false, code: 'internal_error', message: String(error) };
}
