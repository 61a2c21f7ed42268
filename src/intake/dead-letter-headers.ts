import type { StatusProblem } from '../core/status/status-data.js';
import type { RecordSource } from '../core/intake/planned-order.js';
import { textHeadersToStored, unstoreHeaders, type StoredHeaders } from '../platform/kafka/record-headers.js';

/**
 * Headers added to a dead-lettered record (schemas/dead-letter-headers.v1.json):
 * Spring Kafka's kafka_dlt-* names where one exists, flowthrough_dlt-* for the rest.
 * The original value, key and headers are kept untouched beside them.
 */
export const DLT_HEADERS = {
  originalTopic: 'kafka_dlt-original-topic',
  originalPartition: 'kafka_dlt-original-partition',
  originalOffset: 'kafka_dlt-original-offset',
  originalTimestamp: 'kafka_dlt-original-timestamp',
  originalConsumerGroup: 'kafka_dlt-original-consumer-group',
  exceptionMessage: 'kafka_dlt-exception-message',
  errorCode: 'flowthrough_dlt-error-code',
  violations: 'flowthrough_dlt-violations',
  failedAt: 'flowthrough_dlt-failed-at',
  orderId: 'flowthrough_dlt-order-id',
  /** Parts of the original left out of this copy because it would not fit the topic (value, headers, key). */
  omitted: 'flowthrough_dlt-omitted',
  /** The original record's size in bytes, when parts were left out; the whole original is in PostgreSQL. */
  originalBytes: 'flowthrough_dlt-original-bytes',
} as const;

/** DEAD_LETTER_MAX_RECORD_BYTES' default: a 10,000-number order (~2.5 MB) still goes whole to a 4 MiB topic. */
export const DEFAULT_DEAD_LETTER_MAX_RECORD_BYTES = 3 * 1024 * 1024;

/** Per-record and per-header framing in a Kafka record batch, rounded up. */
const RECORD_OVERHEAD = 128;
const HEADER_OVERHEAD = 10;

function headersBytes(headers: StoredHeaders): number {
  return unstoreHeaders(headers).reduce((n, h) => n + Buffer.byteLength(h.name) + (h.value?.length ?? 0) + HEADER_OVERHEAD, 0);
}

export interface DeadLetterCopy {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: StoredHeaders;
}

/**
 * The record published to the dead-letter topic: the original key, value and
 * headers untouched, then the dead-letter headers. When that would exceed
 * `maxBytes`, the value, then the original headers, then the key are left
 * out, named in flowthrough_dlt-omitted; the original stays whole in
 * PostgreSQL (dead_letters, found by its kafka_dlt-original-* position), so
 * the copy always fits the topic and nothing is lost.
 */
export function deadLetterCopy(
  original: DeadLetterCopy,
  dlt: StoredHeaders,
  maxBytes = DEFAULT_DEAD_LETTER_MAX_RECORD_BYTES,
): DeadLetterCopy {
  const keyBytes = original.key?.length ?? 0;
  const valueBytes = original.value?.length ?? 0;
  const originalHeaders = headersBytes(original.headers);
  const fixed = RECORD_OVERHEAD + headersBytes(dlt);
  if (fixed + keyBytes + valueBytes + originalHeaders <= maxBytes) {
    return { key: original.key, value: original.value, headers: [...original.headers, ...dlt] };
  }
  const omitted: string[] = ['value'];
  // Room for the two headers that say what was left out.
  let size = fixed + 2 * (HEADER_OVERHEAD + 64) + keyBytes + originalHeaders;
  if (size > maxBytes) {
    omitted.push('headers');
    size -= originalHeaders;
  }
  if (size > maxBytes) omitted.push('key');
  const marks = textHeadersToStored({
    [DLT_HEADERS.omitted]: omitted.join(','),
    [DLT_HEADERS.originalBytes]: String(keyBytes + valueBytes + originalHeaders),
  });
  return {
    key: omitted.includes('key') ? null : original.key,
    value: null,
    headers: [...(omitted.includes('headers') ? [] : original.headers), ...dlt, ...marks],
  };
}

/** Header values stay readable; the full list is in PostgreSQL (dead_letters.violations). */
const MAX_VIOLATIONS_HEADER_BYTES = 8_192;

export function deadLetterHeaders(input: {
  source: RecordSource;
  consumerGroup: string;
  errorCode: string;
  errorMessage: string;
  violations: readonly StatusProblem[];
  failedAt: string;
  orderId?: string;
}): Record<string, string> {
  let violations = JSON.stringify(input.violations);
  if (Buffer.byteLength(violations) > MAX_VIOLATIONS_HEADER_BYTES) {
    violations = JSON.stringify(
      input.violations
        .slice(0, 20)
        .concat([{ code: 'truncated', path: '', message: `${input.violations.length} violations in all; see flowthrough dlq show` }]),
    );
  }
  return {
    [DLT_HEADERS.originalTopic]: input.source.topic,
    [DLT_HEADERS.originalPartition]: String(input.source.partition),
    [DLT_HEADERS.originalOffset]: input.source.offset,
    [DLT_HEADERS.originalTimestamp]: input.source.timestamp,
    [DLT_HEADERS.originalConsumerGroup]: input.consumerGroup,
    [DLT_HEADERS.exceptionMessage]: input.errorMessage.slice(0, 2_000),
    [DLT_HEADERS.errorCode]: input.errorCode,
    [DLT_HEADERS.violations]: violations,
    [DLT_HEADERS.failedAt]: input.failedAt,
    ...(input.orderId === undefined ? {} : { [DLT_HEADERS.orderId]: input.orderId }),
  };
}
