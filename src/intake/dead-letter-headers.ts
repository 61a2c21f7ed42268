import type { StatusProblem } from '../core/status/status-data.js';
import type { RecordSource } from '../core/intake/planned-order.js';

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
} as const;

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
    violations = JSON.stringify(input.violations.slice(0, 20).concat([{ code: 'truncated', path: '', message: `${input.violations.length} violations in all; see flowthrough dlq show` }]));
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
