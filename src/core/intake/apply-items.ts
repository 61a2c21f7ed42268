import { canonicalJson } from '../order/canonical-json.js';
import type {
  AccountDeleteItem,
  AccountUpsertItem,
  ConsentUpdateItem,
  NumberSpec,
  NumbersDeleteItem,
  NumbersUpsertItem,
  Order,
  OrderItem,
} from '../order/order.js';
import { FLOW_THROUGH_SERVICES, type AssociationChange, type NumberIntakeFacts } from '../order-state/initial-item-state.js';
import type { BackendKind } from '../reconcile/backend-kind.js';
import type { StatusProblem } from '../status/status-data.js';
import type { NumberState } from './intake-state.js';
import { isFlowThroughAssociated } from './intake-state.js';
import type { StagedState } from './staged-state.js';
import type { StateViolation } from './state-rules.js';

/** What applying one order's items to the staged state found. */
export interface AppliedItems {
  readonly violations: StateViolation[];
  readonly warnings: StatusProblem[];
  /** Per item (same index as order.items): the numbers it touches (their OC/TPM associations and, for ACG, the whole number). */
  readonly facts: NumberIntakeFacts[][];
  /** Accounts deleted without deleteNumbers: checked for leftover numbers once all items applied. */
  readonly deletedWithoutNumbers: Set<string>;
  /** Numbers upserted, checked against the account's services once all items applied. */
  readonly upserted: Array<{ readonly itemIndex: number; readonly numberIndex: number; readonly spec: NumberSpec }>;
}

export interface ApplyContext {
  readonly order: Order;
  readonly requestedAt: number;
  readonly forceStale: boolean;
  readonly staged: StagedState;
  /** BACKEND: under 'acg' every number's facts carry acgNumber; 'operator-connect' when absent. */
  readonly backend?: BackendKind;
}

function isStale(ctx: ApplyContext, lastRequestedAt: number | undefined): boolean {
  return !ctx.forceStale && lastRequestedAt !== undefined && lastRequestedAt > ctx.requestedAt;
}

function staleViolation(path: string, what: string, lastOrderId: string, lastRequestedAt: number, ctx: ApplyContext): StateViolation {
  return {
    code: 'stale',
    path,
    message: `${what} was last changed by order ${lastOrderId} requested at ${new Date(lastRequestedAt).toISOString()}, after this order (${ctx.order.requestedAt}); an older order cannot overwrite newer state (replay with --force-stale to override)`,
  };
}

function flowFacts(ctx: ApplyContext, before: NumberState | undefined, after: NumberSpec | undefined): NumberIntakeFacts {
  const telephoneNumber = (after?.telephoneNumber ?? before?.telephoneNumber) as string;
  const liveBefore = before && !before.deleted ? before : undefined;
  const change = (service: (typeof FLOW_THROUGH_SERVICES)[number]) => {
    const was = liveBefore ? isFlowThroughAssociated(liveBefore.serviceDetails, service) : false;
    const is = after ? isFlowThroughAssociated(after.serviceDetails, service) : false;
    const configurationChanged =
      was &&
      is &&
      canonicalJson(liveBefore?.serviceDetails[service]?.configuration ?? null) !==
        canonicalJson(after?.serviceDetails[service]?.configuration ?? null);
    return { before: was, after: is, configurationChanged };
  };
  return {
    telephoneNumber,
    teamsOperatorConnect: change('teamsOperatorConnect'),
    teamsPhoneMobile: change('teamsPhoneMobile'),
    // Only ACG needs the whole number compared (canonical JSON per number is not free on the intake's hot path).
    ...(ctx.backend === 'acg' ? { acgNumber: acgNumberChange(liveBefore, after) } : {}),
  };
}

/** The number as one ACG NumberResource: every service and the custom SIP header, compared as canonical JSON. */
function acgNumberChange(liveBefore: NumberState | undefined, after: NumberSpec | undefined): AssociationChange {
  const was = liveBefore !== undefined;
  const is = after !== undefined;
  const configurationChanged =
    was &&
    is &&
    canonicalJson({ serviceDetails: liveBefore.serviceDetails, customSipHeader: liveBefore.customSipHeader }) !==
      canonicalJson({ serviceDetails: after.serviceDetails, customSipHeader: after.configuration?.customSipHeader ?? null });
  return { before: was, after: is, configurationChanged };
}

function version(ctx: ApplyContext, previous: number | undefined): { lastOrderId: string; lastRequestedAt: number } {
  // Versions only move forward, also when a stale order is forced through.
  return { lastOrderId: ctx.order.orderId, lastRequestedAt: Math.max(previous ?? 0, ctx.requestedAt) };
}

function applyAccountUpsert(ctx: ApplyContext, item: AccountUpsertItem, path: string, out: AppliedItems): void {
  const { staged, order } = ctx;
  const existing = staged.account(order.account);
  if (existing && isStale(ctx, existing.lastRequestedAt)) {
    out.violations.push(staleViolation(path, `account ${order.account}`, existing.lastOrderId, existing.lastRequestedAt, ctx));
    return;
  }
  const tenant = item.account.serviceDetails?.teamsTenantId ?? null;
  if (existing && !existing.deleted && existing.teamsTenantId && existing.teamsTenantId !== tenant) {
    const flowNumbers = staged
      .liveNumbersOf(order.account)
      .filter((n) => FLOW_THROUGH_SERVICES.some((s) => isFlowThroughAssociated(n.serviceDetails, s)));
    if (flowNumbers.length > 0) {
      out.violations.push({
        code: 'tenant_change_with_numbers',
        path: `${path}/account/serviceDetails/teamsTenantId`,
        message: `teamsTenantId cannot change from ${existing.teamsTenantId} to ${tenant ?? '(none)'} while account ${order.account} has ${flowNumbers.length} Operator Connect or Teams Phone Mobile number(s); release them first`,
      });
      return;
    }
  }
  staged.accounts.set(order.account, {
    name: order.account,
    correlationId: item.account.correlationId ?? null,
    teamsTenantId: tenant,
    serviceDetails: item.account.serviceDetails ?? {},
    deleted: false,
    ...version(ctx, existing?.lastRequestedAt),
  });
}

function applyAccountDelete(ctx: ApplyContext, item: AccountDeleteItem, index: number, path: string, out: AppliedItems): void {
  const { staged, order } = ctx;
  const existing = staged.liveAccount(order.account);
  if (!existing) {
    out.violations.push({ code: 'account_not_found', path, message: `account ${order.account} does not exist (or is already deleted)` });
    return;
  }
  if (isStale(ctx, existing.lastRequestedAt)) {
    out.violations.push(staleViolation(path, `account ${order.account}`, existing.lastOrderId, existing.lastRequestedAt, ctx));
    return;
  }
  if (item.deleteNumbers) {
    for (const n of staged.liveNumbersOf(order.account)) {
      out.facts[index]?.push(flowFacts(ctx, n, undefined));
      staged.numbers.set(n.telephoneNumber, { ...n, deleted: true, ...version(ctx, n.lastRequestedAt) });
    }
  } else {
    out.deletedWithoutNumbers.add(order.account);
  }
  staged.accounts.set(order.account, { ...existing, deleted: true, ...version(ctx, existing.lastRequestedAt) });
}

function applyNumbersUpsert(ctx: ApplyContext, item: NumbersUpsertItem, index: number, path: string, out: AppliedItems): void {
  const { staged, order } = ctx;
  if (!staged.liveAccount(order.account)) {
    out.violations.push({
      code: 'account_not_found',
      path,
      message: `account ${order.account} does not exist: create it first (an account upsert item earlier in this order or an earlier order)`,
    });
    return;
  }
  item.numbers.forEach((spec, numberIndex) => {
    const numberPath = `${path}/numbers/${numberIndex}`;
    const existing = staged.number(spec.telephoneNumber);
    if (existing && !existing.deleted && existing.accountName !== order.account) {
      out.violations.push({
        code: 'number_owned_by_other_account',
        path: `${numberPath}/telephoneNumber`,
        message: `${spec.telephoneNumber} belongs to account ${existing.accountName}; delete it there first (numbers do not move between accounts implicitly)`,
      });
      return;
    }
    if (existing && isStale(ctx, existing.lastRequestedAt)) {
      out.violations.push(
        staleViolation(numberPath, `number ${spec.telephoneNumber}`, existing.lastOrderId, existing.lastRequestedAt, ctx),
      );
      return;
    }
    out.facts[index]?.push(flowFacts(ctx, existing, spec));
    out.upserted.push({ itemIndex: index, numberIndex, spec });
    staged.numbers.set(spec.telephoneNumber, {
      telephoneNumber: spec.telephoneNumber,
      accountName: order.account,
      serviceDetails: spec.serviceDetails,
      customSipHeader: spec.configuration?.customSipHeader ?? null,
      deleted: false,
      ...version(ctx, existing?.lastRequestedAt),
    });
  });
}

function applyNumbersDelete(ctx: ApplyContext, item: NumbersDeleteItem, index: number, path: string, out: AppliedItems): void {
  const { staged, order } = ctx;
  item.numbers.forEach(({ telephoneNumber }, numberIndex) => {
    const numberPath = `${path}/numbers/${numberIndex}/telephoneNumber`;
    const existing = staged.number(telephoneNumber);
    if (!existing || existing.deleted) {
      out.warnings.push({
        code: 'number_already_absent',
        path: numberPath,
        message: `${telephoneNumber} is not provisioned; nothing to delete`,
      });
      return;
    }
    if (existing.accountName !== order.account) {
      out.violations.push({
        code: 'number_owned_by_other_account',
        path: numberPath,
        message: `${telephoneNumber} belongs to account ${existing.accountName}, not ${order.account}`,
      });
      return;
    }
    if (isStale(ctx, existing.lastRequestedAt)) {
      out.violations.push(staleViolation(numberPath, `number ${telephoneNumber}`, existing.lastOrderId, existing.lastRequestedAt, ctx));
      return;
    }
    out.facts[index]?.push(flowFacts(ctx, existing, undefined));
    staged.numbers.set(telephoneNumber, { ...existing, deleted: true, ...version(ctx, existing.lastRequestedAt) });
  });
}

function applyConsentUpdate(ctx: ApplyContext, item: ConsentUpdateItem): void {
  ctx.staged.consents.set(item.tenantId, {
    tenantId: item.tenantId,
    customerRelationship: item.consent.customerRelationship,
    lastOrderId: ctx.order.orderId,
  });
}

const SERVICES_CHECKED = [
  'teamsOperatorConnect',
  'teamsPhoneMobile',
  'teamsDirectRouting',
  'zoomPhoneCloudPeering',
  'azureOperatorCallProtection',
] as const;

/** Checks that need the order's final view: leftover numbers, services the account has. */
function checkAfterItems(ctx: ApplyContext, out: AppliedItems): void {
  const { staged, order } = ctx;
  for (const account of out.deletedWithoutNumbers) {
    const left = staged.account(account)?.deleted ? staged.liveNumbersOf(account) : [];
    if (left.length > 0) {
      out.violations.push({
        code: 'account_has_numbers',
        path: '/items',
        message: `account ${account} still has ${left.length} number(s) (e.g. ${left[0]?.telephoneNumber}); delete them in the same order or set deleteNumbers: true`,
      });
    }
  }
  const account = staged.liveAccount(order.account);
  if (!account) return;
  for (const { itemIndex, numberIndex, spec } of out.upserted) {
    const path = `/items/${itemIndex}/numbers/${numberIndex}/serviceDetails`;
    for (const service of SERVICES_CHECKED) {
      if (spec.serviceDetails[service]?.enabled && !account.serviceDetails[service]?.enabled) {
        out.violations.push({
          code: 'service_not_enabled_on_account',
          path: `${path}/${service}`,
          message: `${spec.telephoneNumber} enables ${service}, which account ${order.account} does not enable`,
        });
      }
    }
    const needsTenant = FLOW_THROUGH_SERVICES.some((s) => spec.serviceDetails[s]?.enabled);
    if (needsTenant && !account.teamsTenantId) {
      out.violations.push({
        code: 'tenant_id_missing',
        path,
        message: `${spec.telephoneNumber} uses Operator Connect or Teams Phone Mobile, but account ${order.account} has no teamsTenantId`,
      });
    }
  }
}

/** Applies every item of an order to the staged state, collecting what breaks the rules. */
export function applyItems(ctx: ApplyContext): AppliedItems {
  const out: AppliedItems = {
    violations: [],
    warnings: [],
    facts: ctx.order.items.map(() => []),
    deletedWithoutNumbers: new Set(),
    upserted: [],
  };
  ctx.order.items.forEach((item: OrderItem, index) => {
    const path = `/items/${index}`;
    if (item.resource === 'account' && item.action === 'upsert') applyAccountUpsert(ctx, item, path, out);
    else if (item.resource === 'account' && item.action === 'delete') applyAccountDelete(ctx, item, index, path, out);
    else if (item.resource === 'numbers' && item.action === 'upsert') applyNumbersUpsert(ctx, item, index, path, out);
    else if (item.resource === 'numbers' && item.action === 'delete') applyNumbersDelete(ctx, item, index, path, out);
    else if (item.resource === 'consent') applyConsentUpdate(ctx, item);
  });
  checkAfterItems(ctx, out);
  return out;
}
