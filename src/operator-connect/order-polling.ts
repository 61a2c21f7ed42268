import { TransientError } from '../core/errors.js';
import { TERMINAL_ORDER_STATUSES, type Order } from '../contracts/operator-connect-api.js';
import type { Clock, Sleep } from '../platform/time/clock.js';

export interface WaitForOrderOptions {
  readonly pollIntervalMs: number;
  /** Give up (transient: the order goes on without us) after this long; no limit when absent. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly clock: Clock;
  readonly sleep: Sleep;
}

export const isTerminal = (order: Pick<Order, 'status'>): boolean => TERMINAL_ORDER_STATUSES.includes(order.status);

/**
 * Polls an asynchronous order until it is complete, partialSuccess or failed
 * (contract §4.5). Each poll is a full client call, so it is paced, retried
 * and guarded like any other.
 */
export async function waitForOrder(getOrder: () => Promise<Order>, orderId: string, options: WaitForOrderOptions): Promise<Order> {
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : options.clock.now() + options.timeoutMs;
  for (;;) {
    const order = await getOrder();
    if (isTerminal(order)) return order;
    if (options.clock.now() + options.pollIntervalMs > deadline) {
      throw new TransientError('order_poll_timeout', `order ${orderId} is still ${order.status} after ${options.timeoutMs} ms`, {
        context: { orderId, status: order.status },
      });
    }
    await options.sleep(options.pollIntervalMs, options.signal);
  }
}
