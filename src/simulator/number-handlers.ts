import { page, tenantParam, type HandlerContext } from './handler-context.js';
import { ApiError, ok, type Reply } from './reply.js';
import { E164_PATTERN } from './request-schemas.js';
import type { SimulatorState } from './state.js';

const E164 = new RegExp(E164_PATTERN);

/** Number status lookups ("NumberStatus_GetNumberStatus" in the real service), as one tenant sees them. */
export class NumberHandlers {
  constructor(
    private readonly state: SimulatorState,
    private readonly sizes: { defaultPageSize: number; maxPageSize: number },
  ) {}

  list(context: HandlerContext): Reply {
    const tenantId = tenantParam(context);
    const statuses = this.state.numbersOf(tenantId).map((n) => this.state.numberStatus(tenantId, n.telephoneNumber));
    return ok(page(statuses, context, this.sizes));
  }

  get(context: HandlerContext): Reply {
    const tenantId = tenantParam(context);
    const telephoneNumber = context.params.telephoneNumber ?? '';
    if (!E164.test(telephoneNumber)) {
      throw new ApiError(400, 'InvalidTelephoneNumber', `"${telephoneNumber}" is not an E.164 number (encode "+" as %2B in the path).`);
    }
    return ok(this.state.numberStatus(tenantId, telephoneNumber));
  }
}
