import type { Violation, ViolationCode } from './order.js';

/**
 * Stateless rules beyond what JSON Schema can say (uniqueness across items,
 * cross-field constraints, totals), plus the pattern checks the schema also
 * makes, so each bad value gets its specific code whichever layer sees it.
 *
 * The rules walk the data defensively rather than trusting the schema: they
 * run even when the schema has failed, so one pass reports every violation
 * of the record, not just the first layer's.
 */

export const ORDER_LIMITS = {
  maxItems: 1000,
  /** Across all items of one order: the size of ACG's bulk upload. */
  maxNumbersPerOrder: 10_000,
} as const;

export const PATTERNS = {
  /** E.164: equivalent to the API's `^\+[1-9]\d+$` with maxLength 16. */
  e164: /^\+[1-9]\d{1,14}$/,
  accountName: /^[A-Za-z0-9_-]{1,100}$/,
  subdomain: /^[A-Za-z0-9_-]{1,10}$/,
  subdomainToken: /^[A-Za-z0-9=_-]{1,100}$/,
  customSipHeader: /^[A-Za-z0-9_-]{1,100}$/,
  guid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
} as const;

/** Customer-relationship states that Microsoft requires a reason for. */
export const COMMENT_REQUIRED_STATUSES: ReadonlySet<string> = new Set(['ConsentDeclined', 'ContractTerminated']);

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A value quoted for a message, cut short so a hostile payload cannot bloat the rejection. */
function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

interface RuleContext {
  readonly violations: Violation[];
  readonly orderAccount: string | undefined;
  /** telephoneNumber → where it first appeared. */
  readonly numbers: Map<string, string>;
  readonly numberLists: { path: string; count: number }[];
}

function report(context: RuleContext, code: ViolationCode, path: string, message: string): void {
  context.violations.push({ code, path, message });
}

function checkPattern(context: RuleContext, value: unknown, path: string, pattern: RegExp, code: ViolationCode, what: string): void {
  if (typeof value === 'string' && !pattern.test(value)) report(context, code, path, `${shown(value)} is not ${what}`);
}

const ACCOUNT_NAME = 'an account name (1–100 letters, digits, "_" or "-")';
const E164 = 'an E.164 number ("+", a non-zero digit, at most 15 digits in all, no spaces)';
const GUID = 'a tenant ID (a GUID such as "a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a")';

function checkAccountReference(context: RuleContext, value: unknown, path: string, field: string): void {
  if (typeof value !== 'string') return;
  checkPattern(context, value, path, PATTERNS.accountName, 'invalid_account_name', ACCOUNT_NAME);
  if (context.orderAccount !== undefined && value !== context.orderAccount) {
    report(context, 'account_mismatch', path, `${field} ${shown(value)} differs from the order's account ${shown(context.orderAccount)}`);
  }
}

function checkNumber(context: RuleContext, value: unknown, path: string): void {
  if (typeof value !== 'string') return;
  checkPattern(context, value, path, PATTERNS.e164, 'invalid_e164', E164);
  const first = context.numbers.get(value);
  if (first === undefined) {
    context.numbers.set(value, path);
  } else {
    report(context, 'duplicate_number_in_order', path, `${value} already appears at ${first}; a number may appear once per order`);
  }
}

function checkAccountUpsert(context: RuleContext, item: JsonObject, path: string): void {
  const account = item.account;
  checkAccountReference(context, child(account, 'name'), `${path}/account/name`, 'account.name');
  const services = child(account, 'serviceDetails');
  checkPattern(
    context,
    child(services, 'teamsTenantId'),
    `${path}/account/serviceDetails/teamsTenantId`,
    PATTERNS.guid,
    'invalid_tenant_id',
    GUID,
  );
  const directRouting = child(services, 'teamsDirectRouting', 'configuration');
  const drPath = `${path}/account/serviceDetails/teamsDirectRouting/configuration`;
  checkPattern(
    context,
    child(directRouting, 'subdomain'),
    `${drPath}/subdomain`,
    PATTERNS.subdomain,
    'invalid_subdomain',
    'a subdomain label (1–10 letters, digits, "_" or "-")',
  );
  for (const token of ['region1Token', 'region2Token']) {
    checkPattern(
      context,
      child(directRouting, 'subdomainTokens', token),
      `${drPath}/subdomainTokens/${token}`,
      PATTERNS.subdomainToken,
      'invalid_subdomain_token',
      'a DNS TXT token (1–100 letters, digits, "=", "_" or "-")',
    );
  }
}

function checkNumberResource(context: RuleContext, number: unknown, path: string): void {
  checkNumber(context, child(number, 'telephoneNumber'), `${path}/telephoneNumber`);
  checkAccountReference(context, child(number, 'accountName'), `${path}/accountName`, 'accountName');
  const header = child(number, 'configuration', 'customSipHeader');
  const headerPath = `${path}/configuration/customSipHeader`;
  checkPattern(
    context,
    header,
    headerPath,
    PATTERNS.customSipHeader,
    'invalid_custom_header',
    'custom SIP header contents (1–100 letters, digits, "_" or "-")',
  );
  if (header !== undefined && child(number, 'serviceDetails', 'teamsPhoneMobile', 'enabled') === true) {
    report(
      context,
      'custom_header_on_teams_phone_mobile',
      headerPath,
      'a number with Teams Phone Mobile enabled cannot carry a custom SIP header',
    );
  }
  const ocCapabilities = child(number, 'serviceDetails', 'teamsOperatorConnect', 'configuration', 'choosableCapabilities');
  if (Array.isArray(ocCapabilities)) {
    ocCapabilities.forEach((capability, k) => {
      if (capability === 'Mobile') {
        report(
          context,
          'mobile_capability_requires_teams_phone_mobile',
          `${path}/serviceDetails/teamsOperatorConnect/configuration/choosableCapabilities/${k}`,
          'the Mobile capability belongs in serviceDetails.teamsPhoneMobile, not teamsOperatorConnect',
        );
      }
    });
  }
}

function checkNumberList(context: RuleContext, item: JsonObject, path: string, each: (number: unknown, path: string) => void): void {
  const numbers = item.numbers;
  if (!Array.isArray(numbers)) return;
  context.numberLists.push({ path: `${path}/numbers`, count: numbers.length });
  for (let j = 0; j < numbers.length; j++) each(numbers[j], `${path}/numbers/${j}`);
}

function checkConsentUpdate(context: RuleContext, item: JsonObject, path: string): void {
  checkPattern(context, item.tenantId, `${path}/tenantId`, PATTERNS.guid, 'invalid_tenant_id', GUID);
  const relationship = child(item, 'consent', 'customerRelationship');
  const status = child(relationship, 'status');
  if (typeof status !== 'string' || !COMMENT_REQUIRED_STATUSES.has(status)) return;
  const comment = child(relationship, 'comment');
  if (comment === undefined || (typeof comment === 'string' && comment.trim() === '')) {
    report(
      context,
      'consent_comment_required',
      `${path}/consent/customerRelationship/comment`,
      `${status} needs a comment giving the reason`,
    );
  }
}

function checkTotals(context: RuleContext): void {
  const max = ORDER_LIMITS.maxNumbersPerOrder;
  let total = 0;
  for (const list of context.numberLists) {
    total += list.count;
    if (list.count > max)
      report(context, 'too_many_numbers', list.path, `this item carries ${list.count} numbers; an order carries at most ${max}`);
  }
  // With a single list the per-item violation above already says it all.
  if (total > max && context.numberLists.length > 1) {
    report(context, 'too_many_numbers', '/items', `the items carry ${total} numbers in all; an order carries at most ${max}`);
  }
}

/** Every business-rule violation of an order's data, in document order (totals last). */
export function checkOrderRules(data: unknown): Violation[] {
  const orderAccount = child(data, 'account');
  const context: RuleContext = {
    violations: [],
    orderAccount: typeof orderAccount === 'string' ? orderAccount : undefined,
    numbers: new Map(),
    numberLists: [],
  };
  checkPattern(context, orderAccount, '/account', PATTERNS.accountName, 'invalid_account_name', ACCOUNT_NAME);
  const items = child(data, 'items');
  if (!Array.isArray(items)) return context.violations;
  const itemIds = new Map<string, string>();
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    const path = `/items/${i}`;
    if (!isObject(item)) continue;
    if (typeof item.id === 'string') {
      const first = itemIds.get(item.id);
      if (first === undefined) itemIds.set(item.id, path);
      else report(context, 'duplicate_item_id', `${path}/id`, `item id ${shown(item.id)} is already used by ${first}`);
    }
    // Only strings name a kind: String() of an object whose toString is not a function throws.
    const kind = typeof item.action === 'string' && typeof item.resource === 'string' ? `${item.action} ${item.resource}` : '';
    if (kind === 'upsert account') checkAccountUpsert(context, item, path);
    else if (kind === 'upsert numbers') checkNumberList(context, item, path, (n, p) => checkNumberResource(context, n, p));
    else if (kind === 'delete numbers')
      checkNumberList(context, item, path, (n, p) => checkNumber(context, child(n, 'telephoneNumber'), `${p}/telephoneNumber`));
    else if (kind === 'update consent') checkConsentUpdate(context, item, path);
  }
  checkTotals(context);
  return context.violations;
}
