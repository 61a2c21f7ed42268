import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** One problem found in a value, with where it sits (a JSON pointer turned into a dotted path). */
export interface Problem {
  readonly target: string;
  readonly message: string;
}

let ajv: Ajv | undefined;
const compiled = new Map<object, ValidateFunction>();

/** Ajv is built and each schema compiled on first use, so importing this module does no work. */
function validatorFor(schema: object): ValidateFunction {
  ajv ??= new Ajv({ allErrors: true, strict: true });
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function describe(error: ErrorObject, root: string): Problem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : error.keyword === 'enum'
        ? `: ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`
        : '';
  const target = root ? `${root}${path}` : path.replace(/^\./, '');
  return { target, message: `${error.message ?? 'is invalid'}${extra}` };
}

/** Checks `value` against a JSON schema; returns every problem, or none. */
export function check(schema: object, value: unknown, root = ''): Problem[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => describe(e, root));
}
