/**
 * Whose fault a failed produce is. `record`: the broker refused what was sent
 * (too large for the topic, invalid): the same records will be refused again,
 * so the row that holds them is retried a few times and then parked.
 * `broker`: the broker, the network or our own client state failed (down,
 * leader moving, not authorised, producer fenced): no row is to blame, so
 * nothing counts against one; the cycle is retried later.
 */
export type SendFailureKind = 'record' | 'broker';

/** Refusals of the records themselves (kafkajs protocol error types). */
const RECORD_REFUSALS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  // Retriable in kafkajs ("failed its CRC checksum, exceeds the valid size"), but the same bytes fail again.
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'POLICY_VIOLATION',
  'INVALID_TOPIC_EXCEPTION',
]);

/** Non-retriable, yet not about the records: configuration or client state an operator (or a reconnect) fixes. */
const BROKER_FAILURES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_VERSION',
  'INVALID_REQUIRED_ACKS',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'UNSUPPORTED_COMPRESSION_TYPE',
]);

interface KafkaLikeError {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly retriable?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

/** kafkajs wraps the last failure of its retries (KafkaJSNumberOfRetriesExceeded): the cause is what happened. */
export function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const e = current as KafkaLikeError | null;
    if (e === null || typeof e !== 'object' || e.name !== 'KafkaJSNumberOfRetriesExceeded') break;
    const next = e.cause ?? e.originalError;
    if (next === undefined || next === current) break;
    current = next;
  }
  return current;
}

export function sendFailureKind(error: unknown): SendFailureKind {
  const e = rootCause(error) as KafkaLikeError | null;
  if (e === null || typeof e !== 'object') return 'record';
  const type = typeof e.type === 'string' ? e.type : undefined;
  if (type !== undefined && RECORD_REFUSALS.has(type)) return 'record';
  if (type !== undefined && BROKER_FAILURES.has(type)) return 'broker';
  if (e.retriable === true) return 'broker';
  // The producer being stopped is no fault of the records.
  if (typeof e.message === 'string' && /producer is disconnect/i.test(e.message)) return 'broker';
  // Anything else the client or broker refused for good: blame the records, so
  // that the worst case is a parked row, never a relay that stops.
  return 'record';
}

/** One line for last_error and logs: the kafkajs type (or error name) and message. */
export function describeSendFailure(error: unknown): string {
  const e = rootCause(error) as KafkaLikeError | null;
  if (e === null || typeof e !== 'object') return String(error);
  const label = typeof e.type === 'string' ? e.type : typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : String(error);
  return `${label}: ${message}`.slice(0, 2_000);
}
