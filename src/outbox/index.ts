/** The transactional outbox (src/outbox): rows written with the state they announce, published to Kafka by the relay. */
export { createOutboxRelay, type OutboxRelayConfig, type OutboxRelayDeps, type OutboxRelayHooks } from './create-outbox-relay.js';
export type { OutboxRelay, ParkedOutboxRow } from './outbox-relay.js';
// Writing rows (the intake, the reconciler's roll-ups): status events and raw records, announced at commit.
export { StatusEventRows, type StatusRowEvent } from './status-event-rows.js';
export { INSERT_OUTBOX, NOTIFY_OUTBOX, OUTBOX_CHANNEL } from './outbox-sql.js';
// Reading an order's status events back (flowthrough orders show): the multi-event rows decoded here, not by the reader.
export { orderStatusEvents, type KeptStatusEvent } from './order-status-events.js';
// The operator's commands (flowthrough outbox list|retry).
export { listOutbox, retryOutbox, type OutboxEntry, type RetryOutcome } from './outbox-admin.js';
