import type { Consumer, Kafka } from 'kafkajs';
import { isTerminal } from '../../../src/core/order-state/states.js';
import { parseStatusEvent, STATUS_EVENT_TYPE } from '../../../src/core/status/index.js';

/**
 * A downstream subscriber of the status topic, as the BSS runs one: it reads
 * every status event (from the beginning) and records, per order, the first
 * terminal state and when this process received it. `whenTerminal(ids)`
 * resolves as the last of those orders' terminal events arrives (event
 * driven: no polling).
 */
export interface StatusWatcher {
  /** Resolves when every given order has a terminal event; rejects after timeoutMs with the missing count. */
  whenTerminal(orderIds: readonly string[], timeoutMs: number): Promise<void>;
  /** Terminal state of an order, undefined when none arrived. */
  terminalState(orderId: string): string | undefined;
  /** performance.now() when the order's terminal event was received. */
  terminalAt(orderId: string): number | undefined;
  /** Every status event received so far, with its receipt time (performance.now()). */
  readonly events: { readonly count: number; readonly firstAt: number | undefined; readonly lastAt: number | undefined };
  /** Status events received in [from, to] (performance.now() bounds). */
  eventsBetween(from: number, to: number): number;
  /** Events that did not parse as status events (should be 0). */
  readonly unparsable: number;
  stop(): Promise<void>;
}

export async function watchStatus(kafka: Kafka, topic: string, groupId: string): Promise<StatusWatcher> {
  const consumer: Consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const terminal = new Map<string, { state: string; at: number }>();
  const receivedAt: number[] = [];
  let unparsable = 0;
  let waiting: { ids: Set<string>; resolve: () => void } | undefined;
  const check = (): void => {
    if (waiting && waiting.ids.size === 0) {
      const w = waiting;
      waiting = undefined;
      w.resolve();
    }
  };
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const message of batch.messages) {
        const at = performance.now();
        receivedAt.push(at);
        try {
          const event = parseStatusEvent(message.headers ?? {}, message.value);
          const { orderId, state } = event.data;
          if (event.type === STATUS_EVENT_TYPE && isTerminal(state) && !terminal.has(orderId)) {
            terminal.set(orderId, { state, at });
            waiting?.ids.delete(orderId);
          }
        } catch {
          unparsable += 1;
        }
        resolveOffset(message.offset);
      }
      check();
      await heartbeat();
    },
  });
  return {
    whenTerminal: (orderIds, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (waiting) throw new Error('one whenTerminal at a time');
        const ids = new Set(orderIds.filter((id) => !terminal.has(id)));
        const timer = setTimeout(() => {
          waiting = undefined;
          reject(new Error(`${ids.size} of ${orderIds.length} orders had no terminal status event after ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiting = {
          ids,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        check();
      }),
    terminalState: (id) => terminal.get(id)?.state,
    terminalAt: (id) => terminal.get(id)?.at,
    get events() {
      return { count: receivedAt.length, firstAt: receivedAt[0], lastAt: receivedAt[receivedAt.length - 1] };
    },
    eventsBetween: (from, to) => receivedAt.filter((t) => t >= from && t <= to).length,
    get unparsable() {
      return unparsable;
    },
    stop: () => consumer.disconnect(),
  };
}
