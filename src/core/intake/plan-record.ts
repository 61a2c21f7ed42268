import { FORCE_STALE_HEADER, type OrderItem, type ParseResult } from '../order/index.js';
import { initialItemState, type AccountIntakeFacts, type AssociationChange } from '../order-state/initial-item-state.js';
import { ACG_NUMBER_SERVICE, type BackendKind } from '../reconcile/backend-kind.js';
import { rollUpOrderState } from '../order-state/roll-up.js';
import type { ItemStatus, StatusEventData, StatusProblem } from '../status/status-data.js';
import type { IntakeState } from './intake-state.js';
import type { AcceptedOrder, FlowNumber, PlannedItem, RecordDecision, RejectedRecord } from './planned-order.js';
import { applyItems } from './apply-items.js';
import { StagedState } from './staged-state.js';

export interface RecordToPlan {
  readonly parsed: ParseResult;
  /** sha256 of the canonical order data, computed by the adapter (hashing is not the core's business). */
  readonly fingerprint: string | null;
  /** The Kafka record key as text, or null. */
  readonly key: string | null;
  /** When the worker took the decision (RFC 3339). */
  readonly occurredAt: string;
  /**
   * The record's force-stale header is backed by a replay attempt in
   * PostgreSQL (`dlq replay --force-stale`); a header alone is refused.
   */
  readonly forceStaleAuthorised?: boolean;
}

/** What changed in the chunk's state: the keys whose final value must be written. */
export interface DirtyKeys {
  readonly accounts: Set<string>;
  readonly numbers: Set<string>;
  readonly consents: Set<string>;
}

function itemStatus(item: OrderItem, state: ItemStatus['state']): ItemStatus {
  return { id: item.id, action: item.action, resource: item.resource, state };
}

/**
 * Violations a rejected status event lists: a record can carry tens of
 * thousands (one per unknown key), which would make an event larger than a
 * topic accepts. The dead letter keeps every one.
 */
export const MAX_EVENT_VIOLATIONS = 100;

function eventViolations(violations: readonly StatusProblem[]): readonly StatusProblem[] {
  if (violations.length <= MAX_EVENT_VIOLATIONS) return violations;
  const kept = violations.slice(0, MAX_EVENT_VIOLATIONS - 1);
  const more = violations.length - kept.length;
  return [
    ...kept,
    {
      code: 'violations_truncated',
      path: '',
      message: `${more} more violations (${violations.length} in all); flowthrough dlq show lists every one`,
    },
  ];
}

/** A rejection with its dead-letter code and, when the orderId is readable, its status event. */
export function rejected(
  orderId: string | undefined,
  account: string | undefined,
  violations: readonly StatusProblem[],
  occurredAt: string,
  items: readonly OrderItem[] = [],
): RejectedRecord {
  const first = violations[0];
  const errorMessage =
    violations.length === 1
      ? (first?.message ?? '')
      : `${violations.length} violations: ${violations
          .slice(0, 5)
          .map((v) => `${v.code} at ${v.path || '/'}`)
          .join('; ')}`;
  const base = { kind: 'rejected' as const, violations, errorCode: first?.code ?? 'rejected', errorMessage };
  if (orderId === undefined) return { ...base, ...(account === undefined ? {} : { account }) };
  const event: StatusEventData = {
    orderId,
    account: account ?? null,
    state: 'rejected',
    previousState: null,
    occurredAt,
    attempts: 0,
    items: items.map((i) => itemStatus(i, 'rejected')),
    violations: eventViolations(violations),
  };
  return { ...base, orderId, ...(account === undefined ? {} : { account }), event };
}

/**
 * A rejected record that reuses the orderId of an accepted order is not that
 * order's state change: its status event is a resend rejection
 * (RESEND_REJECTED_EVENT_TYPE), which lifecycle subscribers do not read as
 * the accepted order going to "rejected".
 */
export function resendWhenAccepted(state: IntakeState, decision: RejectedRecord): RejectedRecord {
  return decision.orderId !== undefined && state.orderFingerprints.has(decision.orderId)
    ? { ...decision, resendOfAcceptedOrder: true }
    : decision;
}

function operationOf(c: AssociationChange): FlowNumber['operation'] | null {
  if (!c.before && c.after) return 'upload';
  if (c.before && !c.after) return 'release';
  if (c.before && c.after && c.configurationChanged) return 'update';
  return null;
}

/**
 * The work rows of an inProgress item. BACKEND=operator-connect: one per
 * OC/TPM association it adds, removes or reconfigures on a service the
 * account syncs. BACKEND=acg: one per number it creates (upload), deletes
 * (release) or changes (update), with service ACG_NUMBER_SERVICE, whatever
 * syncEnabled says (ACG decides what reaches Microsoft).
 */
export function flowNumbersOf(facts: ReturnType<typeof applyItems>['facts'][number], account: AccountIntakeFacts): FlowNumber[] {
  const out: FlowNumber[] = [];
  for (const f of facts) {
    if (account.backend === 'acg') {
      const operation = f.acgNumber ? operationOf(f.acgNumber) : null;
      if (operation) out.push({ telephoneNumber: f.telephoneNumber, service: ACG_NUMBER_SERVICE, operation });
      continue;
    }
    for (const service of ['teamsOperatorConnect', 'teamsPhoneMobile'] as const) {
      if (!account.syncEnabled[service]) continue;
      const operation = operationOf(f[service]);
      if (operation) out.push({ telephoneNumber: f.telephoneNumber, service, operation });
    }
  }
  return out;
}

/** How the intake plans: the backend the deployment writes to. */
export interface PlanOptions {
  /** BACKEND; 'operator-connect' when absent. */
  readonly backend?: BackendKind;
}

/**
 * Decides one record against the chunk's state: accepted (its changes kept
 * in `state` and marked dirty), a duplicate (no effect), or rejected with
 * every reason. Pure apart from updating `state` and `dirty`.
 */
export function planRecord(state: IntakeState, record: RecordToPlan, dirty: DirtyKeys, options: PlanOptions = {}): RecordDecision {
  const decision = planParsed(state, record, dirty, options.backend ?? 'operator-connect');
  return decision.kind === 'rejected' ? resendWhenAccepted(state, decision) : decision;
}

function planParsed(state: IntakeState, record: RecordToPlan, dirty: DirtyKeys, backend: BackendKind): RecordDecision {
  const { parsed, occurredAt } = record;
  if (!parsed.ok) return rejected(parsed.orderId, parsed.account, parsed.violations, occurredAt);
  const { order } = parsed;
  const fingerprint = record.fingerprint ?? '';

  const known = state.orderFingerprints.get(order.orderId);
  if (known === fingerprint) return { kind: 'duplicate', orderId: order.orderId };
  if (known !== undefined) {
    return rejected(
      order.orderId,
      order.account,
      [
        {
          code: 'duplicate_order_conflict',
          path: '/orderId',
          message: `order ${order.orderId} was already accepted with different content; an orderId is an idempotency key and cannot be reused`,
        },
      ],
      occurredAt,
      order.items,
    );
  }
  // One account's orders must share a partition: its state is read and written
  // without row locks under that partition's offset lock, in order.
  if (record.key !== order.account) {
    const given = record.key === null ? 'missing' : `"${record.key}"`;
    return rejected(
      order.orderId,
      order.account,
      [
        {
          code: 'partition_key_mismatch',
          path: 'key',
          message: `the record key (${given}) must be the order's account "${order.account}", so that one account's orders stay in one partition, in order`,
        },
      ],
      occurredAt,
      order.items,
    );
  }

  if (parsed.forceStale && record.forceStaleAuthorised !== true) {
    return rejected(
      order.orderId,
      order.account,
      [
        {
          code: 'force_stale_not_authorised',
          path: FORCE_STALE_HEADER,
          message: `the ${FORCE_STALE_HEADER} header is honoured only on a record re-published by "flowthrough dlq replay --force-stale" (checked against its replay attempt in PostgreSQL); this record has none`,
        },
      ],
      occurredAt,
      order.items,
    );
  }

  const staged = new StagedState(state);
  const applied = applyItems({ order, requestedAt: Date.parse(order.requestedAt), forceStale: parsed.forceStale, staged, backend });
  if (applied.violations.length > 0) return rejected(order.orderId, order.account, applied.violations, occurredAt, order.items);

  const changed = staged.commit();
  for (const k of changed.accounts) dirty.accounts.add(k);
  for (const k of changed.numbers) dirty.numbers.add(k);
  for (const k of changed.consents) dirty.consents.add(k);
  state.orderFingerprints.set(order.orderId, fingerprint);

  const account = state.accounts.get(order.account);
  const accountFacts: AccountIntakeFacts = {
    syncEnabled: {
      teamsOperatorConnect: account?.serviceDetails.teamsOperatorConnect?.syncEnabled === true,
      teamsPhoneMobile: account?.serviceDetails.teamsPhoneMobile?.syncEnabled === true,
    },
    backend,
  };
  const items: PlannedItem[] = order.items.map((item, position) => {
    const facts = applied.facts[position] ?? [];
    const itemState = initialItemState({ resource: item.resource, numbers: facts }, accountFacts);
    return {
      item,
      position,
      state: itemState,
      numberCount: item.resource === 'numbers' ? item.numbers.length : 0,
      flowNumbers: itemState === 'inProgress' ? flowNumbersOf(facts, accountFacts) : [],
    };
  });
  const finalState = rollUpOrderState(items.map((i) => i.state));
  const warnings: StatusProblem[] = [...parsed.warnings, ...applied.warnings];
  const acknowledged: StatusEventData = {
    orderId: order.orderId,
    account: order.account,
    state: 'acknowledged',
    previousState: null,
    occurredAt,
    attempts: 0,
    items: order.items.map((i) => itemStatus(i, 'acknowledged')),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  const events: StatusEventData[] = [acknowledged];
  if (finalState !== 'acknowledged') {
    // Warnings were told with the acknowledgement; the next event carries the new state only.
    const { warnings: _told, ...rest } = acknowledged;
    events.push({ ...rest, state: finalState, previousState: 'acknowledged', items: items.map((p) => itemStatus(p.item, p.state)) });
  }
  const accepted: AcceptedOrder = {
    kind: 'accepted',
    order,
    fingerprint,
    envelope: parsed.envelope,
    warnings,
    items,
    state: finalState,
    events,
  };
  return accepted;
}
