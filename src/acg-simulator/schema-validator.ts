import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { AcgSpec } from './spec.js';

/** One way a value breaks the swagger: where (a dotted path from the root name) and why. */
export interface Violation {
  readonly target: string;
  readonly message: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
/** The definitions as written (answers), and as a request sees them (readOnly properties not required). */
const ROOT = { response: 'acg-swagger', request: 'acg-swagger-request' } as const;
export type Direction = keyof typeof ROOT;
const INT32 = 2 ** 31;

/** IMF-fixdate (RFC 9110 §5.6.7): the form Azure clients send date headers in. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

type Json = Record<string, unknown>;

/**
 * The swagger's schemas in ajv 8 (strict off: Swagger 2.0 carries keywords
 * such as x-ms-* and readOnly that JSON Schema does not know; ajv-formats for
 * date-time, uri and uuid, plus Swagger's int32 and int64). The definitions
 * are registered once; a schema that points into them ($ref
 * "#/definitions/X") is compiled on first use and cached.
 */
export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly spec: AcgSpec) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
    this.ajv.addSchema({ definitions: spec.definitions }, ROOT.response);
    this.ajv.addSchema({ definitions: requestDefinitions(spec.definitions) }, ROOT.request);
  }

  /** Every violation of `schema` (a swagger schema, $refs relative to the swagger) by `value`; none when it conforms. */
  check(schema: Readonly<Json>, value: unknown, root: string, direction: Direction = 'response'): Violation[] {
    const validate = this.validatorFor(schema, direction);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => describe(e, root));
  }

  /**
   * A header value against its declared facets: strings as they are; a
   * date-time as RFC 3339 (the swagger's format) or as the IMF-fixdate HTTP
   * clients send (Repeatability-First-Sent, If-Modified-Since).
   */
  checkHeader(schema: Readonly<Json>, value: string, root: string): Violation[] {
    if (schema.format === 'date-time') {
      const { format: _format, ...rest } = schema;
      const problems = this.check(rest, value, root);
      const valid = IMF_FIXDATE.test(value) || this.check(schema, value, root).length === 0;
      return valid ? problems : [...problems, { target: root, message: 'must be a date-time (RFC 3339) or an HTTP-date (IMF-fixdate)' }];
    }
    return this.check(schema, value, root);
  }

  /** A query parameter's text as the type its facets declare; the text itself when it is not one. */
  static coerce(schema: Readonly<Json>, text: string): unknown {
    if (schema.type === 'integer' || schema.type === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    if (schema.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
    return text;
  }

  /**
   * `value` with only what a client may write: properties the schema does
   * not declare and readOnly ones are dropped (Azure ignores both in a
   * request), recursively through $refs and arrays.
   */
  writable(schema: Readonly<Json>, value: unknown): unknown {
    const resolved = this.resolve(schema);
    if (Array.isArray(value)) {
      const items = resolved.items;
      return items && typeof items === 'object' ? value.map((v) => this.writable(items as Json, v)) : value;
    }
    if (!value || typeof value !== 'object') return value;
    const properties = resolved.properties as Record<string, Json> | undefined;
    if (!properties) return value;
    const out: Json = {};
    for (const [key, v] of Object.entries(value as Json)) {
      const property = properties[key];
      if (!property || this.resolve(property).readOnly === true || property.readOnly === true) continue;
      out[key] = this.writable(property, v);
    }
    return out;
  }

  private resolve(schema: Readonly<Json>): Json {
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
    if (!ref?.startsWith('#/definitions/')) return schema;
    return (this.spec.definitions[ref.slice('#/definitions/'.length)] ?? {}) as Json;
  }

  private validatorFor(schema: Readonly<Json>, direction: Direction): ValidateFunction {
    const text = JSON.stringify(schema);
    const key = `${direction} ${text}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(text.replaceAll('"#/definitions/', `"${ROOT[direction]}#/definitions/`)) as Json);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/**
 * A request need not carry what only the service writes: a readOnly property
 * listed as required (TeamsDirectRoutingAccountDetails.subdomainStatus, say)
 * is required in answers only (Azure's reading of Swagger 2.0 readOnly).
 */
function requestDefinitions(definitions: AcgSpec['definitions']): Json {
  const out: Json = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const properties = (definition.properties ?? {}) as Record<string, Json>;
    const required = Array.isArray(definition.required) ? (definition.required as string[]) : undefined;
    out[name] = required ? { ...definition, required: required.filter((p) => properties[p]?.readOnly !== true) } : definition;
  }
  return out;
}

function describe(error: ErrorObject, root: string): Violation {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replaceAll('~1', '/').replaceAll('~0', '~')}`))
    .join('');
  const params = error.params as { allowedValues?: unknown[] };
  const extra = error.keyword === 'enum' ? `: ${(params.allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { target: `${root}${path}`, message: `${error.message ?? 'is invalid'}${extra}` };
}
