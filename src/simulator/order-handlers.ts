import {
  HEADERS,
  type PathName,
  type ReleaseOrderRequest,
  type UpdateOrderRequest,
  type UploadOrderRequest,
} from '../contracts/operator-connect-api.js';
import { tenantParam, type HandlerContext } from './handler-context.js';
import { fillPath, parseJson } from './http-kit.js';
import type { OrderBook } from './orders.js';
import { ApiError, ok, type Reply } from './reply.js';
import { releaseOrderSchema, updateOrderSchema, uploadOrderSchema } from './request-schemas.js';
import { check } from './validation.js';

/** Upload, release and update orders: validated whole, accepted with 202, processed later. */
export class OrderHandlers {
  constructor(
    private readonly orders: OrderBook,
    private readonly maxNumbersPerOrder: number,
    private readonly paths: Readonly<Record<PathName, string>>,
  ) {}

  upload(context: HandlerContext): Reply {
    const tenantId = tenantParam(context);
    const body = this.validBody<UploadOrderRequest>(context, uploadOrderSchema);
    return this.accepted(context, tenantId, {
      operation: 'upload',
      teamsPhoneMobile: body.teamsPhoneMobile ?? false,
      numbers: body.numbers,
    });
  }

  release(context: HandlerContext): Reply {
    const tenantId = tenantParam(context);
    const body = this.validBody<ReleaseOrderRequest>(context, releaseOrderSchema);
    return this.accepted(context, tenantId, {
      operation: 'release',
      numbers: body.numbers.map((n) => ({ telephoneNumber: n.telephoneNumber })),
    });
  }

  update(context: HandlerContext): Reply {
    const tenantId = tenantParam(context);
    const body = this.validBody<UpdateOrderRequest>(context, updateOrderSchema);
    return this.accepted(context, tenantId, { operation: 'update', numbers: body.numbers });
  }

  get(context: HandlerContext): Reply {
    const id = context.params.orderId ?? '';
    const order = this.orders.get(id);
    if (!order) throw new ApiError(404, 'OrderNotFound', `There is no number order ${id}.`);
    return ok(order);
  }

  private validBody<T extends { numbers: readonly { telephoneNumber: string }[] }>(context: HandlerContext, schema: object): T {
    const body = parseJson(context.request, context.body);
    const problems = check(schema, body);
    if (problems.length > 0) {
      throw new ApiError(
        400,
        'InvalidRequestBody',
        'The order is not valid.',
        problems.slice(0, 100).map((p) => ({ code: 'InvalidValue', ...p })),
      );
    }
    const numbers = (body as T).numbers;
    if (numbers.length > this.maxNumbersPerOrder) {
      throw new ApiError(
        400,
        'TooManyNumbers',
        `An order takes at most ${this.maxNumbersPerOrder} numbers; this one has ${numbers.length}.`,
      );
    }
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const n of numbers) (seen.has(n.telephoneNumber) ? duplicates : seen).add(n.telephoneNumber);
    if (duplicates.size > 0) {
      throw new ApiError(
        400,
        'DuplicateNumbers',
        'A number appears more than once in the order.',
        [...duplicates].slice(0, 100).map((tn) => ({ code: 'DuplicateNumber', message: `${tn} is listed more than once`, target: tn })),
      );
    }
    return body as T;
  }

  private accepted(context: HandlerContext, tenantId: string, request: Parameters<OrderBook['accept']>[2]): Reply {
    const order = this.orders.accept(tenantId, context.requestId, request);
    const location = `${context.apiBaseUrl}${fillPath(this.paths.order, { orderId: order.id })}?api-version=${encodeURIComponent(context.apiVersion)}`;
    return { status: 202, body: order, headers: { [HEADERS.operationLocation]: location, location } };
  }
}
