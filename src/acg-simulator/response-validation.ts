import type { Reply } from '../simulator/reply.js';
import type { SchemaValidator, Violation } from './schema-validator.js';
import type { SpecOperation } from './spec.js';

/**
 * What is wrong with an answer the simulator is about to send, by the
 * swagger: a status the operation does not declare (errors fall under
 * "default"), a body that breaks its schema or a body where none is
 * declared, a declared header of the wrong type. None for a good answer.
 */
export function responseViolations(validator: SchemaValidator, operation: SpecOperation, reply: Reply): Violation[] {
  const declared = operation.responses[String(reply.status)] ?? (reply.status >= 400 ? operation.responses.default : undefined);
  if (!declared) return [{ target: 'status', message: `${reply.status} is not a response of ${operation.operationId}` }];
  const violations: Violation[] = [];
  if (declared.schema) violations.push(...validator.check(declared.schema, reply.body, 'body'));
  else if (reply.body !== undefined) violations.push({ target: 'body', message: `must be absent for ${reply.status}` });
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    const schema = declared.headers[name.toLowerCase()];
    if (!schema) continue;
    const typed = schema.type === 'integer' || schema.type === 'number' ? Number(value) : value;
    violations.push(...validator.check(schema, typed, `header ${name}`));
  }
  return violations;
}
