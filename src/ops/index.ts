/** The operator's tools (src/ops): inspect, dead letters (list, show, replay, purge), argument parsing and output for the CLI. */
export { durationValue, FILTER_OPTIONS, filterFrom, parse, positiveNumber, stringValue, UsageError } from './cli-arguments.js';
export { parseTimeArgument } from './duration.js';
export { formatTable, isoOrDash } from './format-table.js';
export { defaultIo, errorLine, line, nowOf, operatorName, printJson, type OpsIo } from './ops-io.js';
export { accountDetail, listOrders, numberCounts, numberDetail, orderDetail } from './inspect/inspect-queries.js';
export type { WorkRow } from './inspect/inspect-queries.js';
export {
  accountJson,
  accountText,
  numberJson,
  numberText,
  orderJson,
  orderListJson,
  orderListTable,
  orderText,
} from './inspect/inspect-views.js';
export { isEmptyFilter } from './dlq/dead-letter-filter.js';
export { assertReplayTable, countByCode, listDeadLetters, loadDeadLetters, replayHistory } from './dlq/dead-letter-store.js';
export { countsLines, listTable, outcomeLine, reportSummary, showJson, showText, summaryJson, tally } from './dlq/dlq-views.js';
export { KafkaReplaySink } from './dlq/kafka-replay-sink.js';
export { ProgressBar } from './dlq/progress.js';
export { previewPurge, purgeDeadLetters } from './dlq/purge.js';
export { replayDeadLetters, type ReplayAction, type ReplayMessage, type ReplayOutcome, type ReplaySink } from './dlq/replay.js';
export {
  CONSENT_STATES,
  consentDetail,
  consentPage,
  relationshipSync,
  type ConsentDetail,
  type ConsentPageRequest,
  type ConsentRow,
  type HeldNumber,
} from './inspect/consent-queries.js';
export { consentJson, consentListJson, consentListTable, consentText } from './inspect/consent-views.js';
export {
  accountPage,
  numberPage,
  orderPage,
  type AccountListRow,
  type BrowsePage,
  type NumberListRow,
  type OrderPageFilter,
  type OrderPageRow,
} from './inspect/browse-queries.js';
