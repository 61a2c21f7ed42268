import type { IncomingMessage } from 'node:http';
import { AcgError } from './acg-error.js';
import { SchemaValidator, type Violation } from './schema-validator.js';
import type { SpecOperation } from './spec.js';

/** A request that conforms to its operation: typed parameters and the parsed body. */
export interface ValidRequest {
  readonly path: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** Declared headers that were sent, by lower-case name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** At most this many violations are listed: a batch of 100 bad numbers must not answer megabytes. */
const MAX_LISTED = 20;

function invalid(violations: readonly Violation[]): AcgError {
  const listed = violations.slice(0, MAX_LISTED);
  const more = violations.length > listed.length ? ` (and ${violations.length - listed.length} more)` : '';
  return new AcgError(
    400,
    'InvalidRequest',
    `The request does not conform to the API definition: ${listed.map((v) => `${v.target} ${v.message}`).join('; ')}${more}.`,
    listed.map((v) => ({ code: 'InvalidValue', message: v.message, target: v.target })),
  );
}

/**
 * Checks a request against its swagger operation: path parameters, the query
 * (api-version included; a parameter the operation does not declare is
 * refused), the headers it declares, the Content-Type it consumes and the
 * body schema. Every violation is listed in one 400 in the swagger's error
 * model; a JSON body that does not parse is one too.
 */
export function validateRequest(
  validator: SchemaValidator,
  operation: SpecOperation,
  request: IncomingMessage,
  url: URL,
  pathParams: Readonly<Record<string, string>>,
  rawBody: Buffer,
): ValidRequest {
  const violations: Violation[] = [];
  const query: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  const declaredQuery = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of new Set(url.searchParams.keys())) {
    if (!declaredQuery.has(name)) violations.push({ target: name, message: 'is not a query parameter of this operation' });
    else if (url.searchParams.getAll(name).length > 1) violations.push({ target: name, message: 'must be given once' });
  }
  let body: unknown;
  for (const parameter of operation.parameters) {
    switch (parameter.in) {
      case 'path': {
        const value = pathParams[parameter.name];
        if (value === undefined) violations.push({ target: parameter.name, message: 'is required' });
        else violations.push(...validator.check(parameter.schema, value, parameter.name, 'request'));
        break;
      }
      case 'query': {
        const text = url.searchParams.get(parameter.name);
        if (text === null) {
          if (parameter.required) violations.push({ target: parameter.name, message: 'is a required query parameter' });
          break;
        }
        const value = SchemaValidator.coerce(parameter.schema, text);
        const problems = validator.check(parameter.schema, value, parameter.name, 'request');
        violations.push(...problems);
        if (problems.length === 0) query[parameter.name] = value;
        break;
      }
      case 'header': {
        const name = parameter.name.toLowerCase();
        const raw = request.headers[name];
        if (raw === undefined) {
          if (parameter.required) violations.push({ target: parameter.name, message: 'is a required header' });
          break;
        }
        const value = Array.isArray(raw) ? raw.join(', ') : raw;
        const problems = validator.checkHeader(parameter.schema, value, parameter.name);
        violations.push(...problems);
        if (problems.length === 0) headers[name] = value;
        break;
      }
      case 'body': {
        if (rawBody.length === 0) {
          if (parameter.required) violations.push({ target: parameter.name, message: 'is required: the request has no body' });
          break;
        }
        const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (!operation.consumes.includes(type)) {
          throw new AcgError(415, 'UnsupportedMediaType', `Content-Type must be ${operation.consumes.join(' or ')}, not "${type}".`);
        }
        try {
          body = JSON.parse(rawBody.toString('utf8'));
        } catch (error) {
          violations.push({ target: parameter.name, message: `is not JSON: ${error instanceof Error ? error.message : String(error)}` });
          break;
        }
        violations.push(...validator.check(parameter.schema, body, parameter.name, 'request'));
        break;
      }
    }
  }
  if (!operation.parameters.some((p) => p.in === 'body') && rawBody.length > 0) {
    violations.push({ target: 'body', message: 'must be empty: this operation takes no body' });
  }
  if (violations.length > 0) throw invalid(violations);
  return { path: pathParams, query, headers, body };
}
