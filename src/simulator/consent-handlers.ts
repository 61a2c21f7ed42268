import { RELATIONSHIP_STATUSES_NEEDING_COMMENT, type CustomerRelationshipUpdate } from '../contracts/operator-connect-api.js';
import { page, tenantParam, type HandlerContext } from './handler-context.js';
import { parseJson } from './http-kit.js';
import { ApiError, ok, type Reply } from './reply.js';
import { customerRelationshipUpdateSchema } from './request-schemas.js';
import type { SimulatorState } from './state.js';
import { check } from './validation.js';

/** Consents ("requests for information"): read, and the operator's customerRelationship. */
export class ConsentHandlers {
  constructor(
    private readonly state: SimulatorState,
    private readonly sizes: { defaultPageSize: number; maxPageSize: number },
  ) {}

  list(context: HandlerContext): Reply {
    return ok(page(this.state.listConsents(), context, this.sizes));
  }

  get(context: HandlerContext): Reply {
    const tenantId = tenantParam(context);
    const consent = this.state.consent(tenantId);
    if (!consent) throw new ApiError(404, 'ConsentNotFound', `There is no consent from tenant ${tenantId}.`);
    return ok(consent);
  }

  /** Merge-patch of customerRelationship only: everything else belongs to the enterprise. */
  update(context: HandlerContext): Reply {
    const tenantId = tenantParam(context);
    const body = parseJson(context.request, context.body, ['application/merge-patch+json', 'application/json']);
    const problems = check(customerRelationshipUpdateSchema, body);
    if (problems.length > 0) {
      throw new ApiError(
        400,
        'InvalidRequestBody',
        'Only customerRelationship { status, comment } can be changed.',
        problems.map((p) => ({ code: 'InvalidValue', ...p })),
      );
    }
    const { status, comment } = (body as CustomerRelationshipUpdate).customerRelationship;
    const text = typeof comment === 'string' ? comment.trim() : '';
    if (RELATIONSHIP_STATUSES_NEEDING_COMMENT.includes(status) && text === '') {
      throw new ApiError(400, 'InvalidRequestBody', `A comment (the reason) is required when the status is ${status}.`, [
        { code: 'MissingValue', message: 'comment is required', target: 'customerRelationship.comment' },
      ]);
    }
    const consent = this.state.setRelationship(tenantId, status, text === '' ? null : text);
    if (!consent) throw new ApiError(404, 'ConsentNotFound', `There is no consent from tenant ${tenantId}.`);
    return ok(consent);
  }
}
