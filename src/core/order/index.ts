/** The order contract: types, parsing and rules of io.flowthrough.order.v1 records. */
export * from './order.js';
export { checkOrderRules, COMMENT_REQUIRED_STATUSES, ORDER_LIMITS, PATTERNS } from './business-rules.js';
export { MAX_WARNINGS } from './normalise-order.js';
export { SPEC_VERSION } from './cloudevent-envelope.js';
export {
  canonicalJson,
  DEFAULT_PARSE_LIMITS,
  FORCE_STALE_HEADER,
  MAX_VIOLATIONS_PER_CODE,
  ORDER_EVENT_TYPE,
  parseOrderRecord,
  type CloudEventEnvelope,
  type EnvelopeMode,
  type OrderRecord,
  type OrderValidator,
  type ParseLimits,
  type ParseResult,
  type SchemaError,
  type SchemaValidation,
} from './parse-order-record.js';
