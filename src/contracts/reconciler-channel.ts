/**
 * The reconciler's wake-up call: whoever commits work for it (the intake's
 * accepted orders: work rows, consents, accounts; an operation that hands
 * work rows back to planning) notifies this PostgreSQL channel inside the
 * same transaction, so the notice arrives at commit and only then
 * (LISTEN/NOTIFY is transactional). The reconciler listens to it alone; the
 * outbox relay has a channel of its own (src/outbox), so status events wake
 * the relay and not the planner.
 */
export const RECONCILER_CHANNEL = 'flowthrough_reconciler';

/** Wakes the reconcilers' planners at commit; no parameters. */
export const NOTIFY_RECONCILER = `SELECT pg_notify('${RECONCILER_CHANNEL}', '')`;
