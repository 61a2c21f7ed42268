import { recordHeaders, type FuzzRecord } from './fuzz-record.js';
import { FORCE_STALE_VARIANTS } from './hostile-envelope.js';
import { binaryHeaderEntries, hostileBaseOrder, hostileNumber, orderRecord, type JsonObject, type OrderData } from './order-data.js';
import { chooseVariant, type RecordKind } from './record-kind.js';

/**
 * Records that repeat or override an earlier valid order, on its partition
 * and after it: the same orderId again (identical, reordered, conflicting)
 * and a stale order carrying the ops replay's force-stale header from a
 * plain producer. None of them may change what the valid order became.
 */

/** The order data of a record this run generated (binary mode: the value; structured: its data). */
export function orderOf(record: FuzzRecord): OrderData {
  const parsed = JSON.parse(record.message.value?.toString('utf8') ?? 'null') as JsonObject;
  return ('specversion' in parsed ? parsed.data : parsed) as OrderData;
}

/** The same JSON value with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

const duplicateOrderId: RecordKind = {
  name: 'duplicate-order-id',
  generate: (context) => {
    const { index, rng, earlierValid } = context;
    if (earlierValid.length === 0) return null;
    const original = rng.pick(earlierValid);
    const order = orderOf(original);
    switch (chooseVariant(context, [0, 1, 2, 3])) {
      case 0:
        return { variant: 'same-bytes', message: original.message, orderId: order.orderId, refersTo: original, repeatsContent: true };
      case 1: {
        const value = JSON.stringify(reversedKeys(order));
        return {
          variant: 'same-content-reordered',
          message: { ...orderRecord(index, order), value: Buffer.from(value) },
          orderId: order.orderId,
          refersTo: original,
          repeatsContent: true,
        };
      }
      case 2: {
        const changed = structuredClone(order);
        const numbers = changed.items.find((i) => i.resource === 'numbers')?.numbers as JsonObject[] | undefined;
        numbers?.push({ telephoneNumber: hostileNumber(index, 0), serviceDetails: { teamsDirectRouting: { enabled: true } } });
        return { variant: 'conflicting-content', message: orderRecord(index, changed), orderId: order.orderId, refersTo: original };
      }
      default: {
        const other = { ...hostileBaseOrder(index, rng), orderId: order.orderId };
        return { variant: 'conflicting-account', message: orderRecord(index, other), orderId: order.orderId, refersTo: original };
      }
    }
  },
};

/** Only the ops replay may force a stale order through; here a plain producer sets the header. */
const forceStale: RecordKind = {
  name: 'force-stale',
  generate: (context) => {
    const { index, rng, earlierValid } = context;
    if (earlierValid.length === 0) return null;
    const original = rng.pick(earlierValid);
    const order = orderOf(original);
    const requestedAt = new Date(Date.parse(order.requestedAt) - 86_400_000).toISOString();
    const stale: OrderData = {
      orderId: `FZ-S-${index}`,
      account: order.account,
      requestedAt,
      items: order.items.filter((i) => i.resource === 'account'),
    };
    const [variant, headers] = chooseVariant(context, FORCE_STALE_VARIANTS);
    const message = orderRecord(index, stale);
    const entries = [...binaryHeaderEntries(index, { time: requestedAt, subject: stale.account }), ...headers];
    return { variant, message: { ...message, headers: recordHeaders(entries) }, orderId: stale.orderId, refersTo: original };
  },
};

export const REPEATED_KINDS: readonly RecordKind[] = [duplicateOrderId, forceStale];
