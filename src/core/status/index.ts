export {
  STATUS_EVENT_TYPE,
  RESEND_REJECTED_EVENT_TYPE,
  STATUS_SCHEMA_ID,
  type ItemStatus,
  type NumberCounts,
  type NumberResult,
  type NumbersOmitted,
  type StatusEventData,
  type StatusItemAction,
  type StatusItemResource,
  type StatusProblem,
  type StatusReason,
} from './status-data.js';
export {
  buildStatusEvent,
  statusEventHeaders,
  statusEventKey,
  parseStatusEvent,
  statusEventId,
  type ReceivedHeaders,
  type StatusEvent,
  type StatusEventInput,
  type StatusEventOptions,
  type StatusEventRecord,
} from './status-event.js';
export {
  countStates,
  orderNumbersPath,
  orderShowCommand,
  statusEventValue,
  utf8Length,
  type StatusEventValue,
} from './status-size.js';
export { formatStatusLine } from './status-line.js';
