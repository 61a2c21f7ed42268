import type { Violation, ViolationCode } from './order.js';
import { mergeViolations } from './violations.js';

/** One JSON Schema failure, as any validator reports it (ajv's ErrorObject, minus its internals). */
export interface SchemaError {
  /** JSON pointer to the failing value. */
  readonly path: string;
  readonly keyword: string;
  readonly message: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export type SchemaValidation = { readonly valid: true } | { readonly valid: false; readonly errors: readonly SchemaError[] };

/**
 * Validates order data against schemas/order.v1.json. Declared here so the
 * core stays free of I/O; src/contracts/order-validator.ts provides it.
 */
export type OrderValidator = (data: unknown) => SchemaValidation;

/**
 * Paths whose failures have a specific code: a pattern the schema checks is
 * also a business rule, and the BSS should see the same code whichever layer
 * caught it.
 */
const SPECIFIC_PATHS: readonly (readonly [RegExp, ViolationCode])[] = [
  [/^\/items\/\d+\/numbers\/\d+\/telephoneNumber$/, 'invalid_e164'],
  [/^\/account$/, 'invalid_account_name'],
  [/^\/items\/\d+\/account\/name$/, 'invalid_account_name'],
  [/^\/items\/\d+\/numbers\/\d+\/accountName$/, 'invalid_account_name'],
  [/\/teamsDirectRouting\/configuration\/subdomain$/, 'invalid_subdomain'],
  [/\/teamsDirectRouting\/configuration\/subdomainTokens\/region[12]Token$/, 'invalid_subdomain_token'],
  [/^\/items\/\d+\/numbers\/\d+\/configuration\/customSipHeader$/, 'invalid_custom_header'],
  [/^\/items\/\d+\/tenantId$/, 'invalid_tenant_id'],
  [/^\/items\/\d+\/account\/serviceDetails\/teamsTenantId$/, 'invalid_tenant_id'],
];

const NUMBER_LIST = /^\/items\/\d+\/numbers$/;
const ITEM_KIND = /^\/items\/\d+\/(action|resource)$/;
const CONSENT_COMMENT = /^\/items\/\d+\/consent\/customerRelationship\/comment$/;

/** RFC 6901 escaping for a property name appended to a pointer. */
export function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

function quoteList(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : String(values);
}

function toViolation(error: SchemaError): Violation | null {
  const { keyword, params } = error;
  // An if/then failure is only a wrapper around the failure inside "then", which is reported itself.
  if (keyword === 'if') return null;
  if (keyword === 'required') {
    const name = String(params.missingProperty);
    const path = `${error.path}/${pointerToken(name)}`;
    if (name === 'comment' && CONSENT_COMMENT.test(path)) {
      return { code: 'consent_comment_required', path, message: 'ConsentDeclined and ContractTerminated need a comment (the reason)' };
    }
    return { code: 'schema_violation', path, message: `missing required property "${name}"` };
  }
  if (keyword === 'additionalProperties') {
    const name = String(params.additionalProperty);
    return {
      code: 'schema_violation',
      path: `${error.path}/${pointerToken(name)}`,
      message: `unknown property "${name}" (not part of the order contract or of the ACG 2024-02-29-preview resource)`,
    };
  }
  if (keyword === 'maxItems' && NUMBER_LIST.test(error.path)) {
    return { code: 'too_many_numbers', path: error.path, message: `an item carries at most ${String(params.limit)} numbers` };
  }
  if (keyword === 'pattern' && CONSENT_COMMENT.test(error.path)) {
    return {
      code: 'consent_comment_required',
      path: error.path,
      message: 'ConsentDeclined and ContractTerminated need a non-blank comment',
    };
  }
  let message = error.message;
  if (keyword === 'format' && params.format === 'date-time')
    message = 'must be an RFC 3339 date-time with an offset, such as "2026-11-29T09:00:00Z"';
  if (keyword === 'enum') message = `${message}: ${quoteList(params.allowedValues)}`;
  if (keyword === 'const') message = `${message}: ${JSON.stringify(params.allowedValue)}`;
  if (keyword === 'const' && ITEM_KIND.test(error.path)) {
    message = `must be ${JSON.stringify(params.allowedValue)} here: the item kinds are upsert or delete of account and numbers, and update of consent`;
  }
  for (const [pattern, code] of SPECIFIC_PATHS) {
    if (pattern.test(error.path)) return { code, path: error.path, message };
  }
  return { code: 'schema_violation', path: error.path, message };
}

/** Turns schema failures into violations, one per fact (see mergeViolations). */
export function schemaErrorsToViolations(errors: readonly SchemaError[]): Violation[] {
  const violations: Violation[] = [];
  for (const error of errors) {
    const violation = toViolation(error);
    if (violation !== null) violations.push(violation);
  }
  return mergeViolations(violations);
}
