import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OrderValidator, SchemaError, SchemaValidation } from '../core/order/schema-errors.js';

/**
 * The ajv side of the order contract: reads schemas/ and compiles
 * order.v1.json once, so the pure core (src/core/order) validates through a
 * plain function and never touches files. src/contracts/ and dist/contracts/
 * both sit two levels below the package root, next to schemas/.
 */
export const SCHEMAS_DIRECTORY = new URL('../../schemas/', import.meta.url);

export const ORDER_SCHEMA_FILE = 'order.v1.json';
export const ENVELOPE_SCHEMA_FILE = 'cloudevent-envelope.v1.json';

/** A schema from schemas/, parsed. */
export function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, SCHEMAS_DIRECTORY), 'utf8')) as Record<string, unknown>;
}

/**
 * A 2020-12 ajv with every error reported (one pass tells the BSS everything)
 * and strict mode, so a typo in a schema fails at start-up, not in production.
 */
export function createSchemaAjv(): InstanceType<typeof Ajv2020.default> {
  // ajv and ajv-formats are CommonJS whose default export is the module itself under NodeNext.
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv;
}

const VALID: SchemaValidation = { valid: true };

/** Compiles schemas/order.v1.json. Call once at start-up and share the result: compiling takes milliseconds, validating microseconds. */
export function createOrderValidator(): OrderValidator {
  const validate = createSchemaAjv().compile(readSchema(ORDER_SCHEMA_FILE));
  return (data: unknown): SchemaValidation => {
    if (validate(data)) return VALID;
    const errors: SchemaError[] = (validate.errors ?? []).map((error) => ({
      path: error.instancePath,
      keyword: error.keyword,
      message: error.message ?? `fails "${error.keyword}"`,
      params: error.params as Record<string, unknown>,
    }));
    return { valid: false, errors };
  };
}
