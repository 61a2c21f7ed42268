import { headerEntries, messageBytes } from './fuzz-record.js';
import { hostileBaseOrder, orderRecord, type JsonObject, type OrderData } from './order-data.js';
import type { Generated } from './record-kind.js';
import type { Rng } from './seeded-random.js';

/**
 * Records placed at fixed positions rather than drawn: a few big ones (they
 * cost time, so each run has one of each), and the pairs whose status
 * events would share a ce_id.
 */

export const FOUR_MIB = 4 * 1024 * 1024;

/** Record-batch bytes around one record's key, value and headers: the batch header and the record's own varints. */
const BATCH_OVERHEAD = 61 + 32;
/** How far under the broker's limit the largest record stays: "a few hundred bytes". */
const BROKER_SLACK = 300;

export interface SizeTarget {
  readonly variant: string;
  /** Bytes of the record's value. */
  readonly valueBytes: number;
  /** Padded where the contract allows it (accepted if nothing limits size), or in an unknown field (dead-lettered, then copied to the DLT). */
  readonly padding: 'correlationId' | 'unknown-field';
}

/** The big records this broker can take: around 4 MiB, and as close to its limit as a record gets. */
export function sizeTargets(maxMessageBytes: number): { targets: SizeTarget[]; skipped: string[] } {
  const targets: SizeTarget[] = [];
  const skipped: string[] = [];
  const fits = (valueBytes: number): boolean => valueBytes + BATCH_OVERHEAD + 1_024 <= maxMessageBytes;
  for (const [variant, valueBytes] of [
    ['4mib-minus-64', FOUR_MIB - 64],
    ['4mib-plus-64', FOUR_MIB + 64],
  ] as const) {
    if (fits(valueBytes)) targets.push({ variant, valueBytes, padding: 'correlationId' });
    else skipped.push(`${variant}: the orders topic takes ${maxMessageBytes} bytes at most`);
  }
  targets.push({ variant: `broker-limit-minus-${BROKER_SLACK}`, valueBytes: maxMessageBytes, padding: 'unknown-field' });
  return { targets, skipped };
}

export function sizedRecord(index: number, rng: Rng, target: SizeTarget): Generated {
  const order = hostileBaseOrder(index, rng);
  const build = (pad: number): OrderData => {
    if (target.padding === 'correlationId') {
      const copy = structuredClone(order);
      ((copy.items[0] as JsonObject).account as JsonObject).correlationId = 'p'.repeat(pad);
      return copy;
    }
    return { ...order, padding: 'p'.repeat(pad) } as OrderData;
  };
  const empty = orderRecord(index, build(0));
  let valueBytes = target.valueBytes;
  if (target.padding === 'unknown-field') {
    // The whole record batch lands BROKER_SLACK bytes under the limit.
    const keyAndHeaders = messageBytes({ ...empty, value: null }) + headerEntries(empty.headers).length * 2;
    valueBytes = target.valueBytes - BATCH_OVERHEAD - keyAndHeaders - BROKER_SLACK;
  }
  const pad = valueBytes - (empty.value?.byteLength ?? 0);
  const message = orderRecord(index, build(pad));
  if (message.value?.byteLength !== valueBytes)
    throw new Error(`sized record #${index}: ${message.value?.byteLength} bytes, meant ${valueBytes}`);
  return { variant: `${target.variant}(${valueBytes}B)`, message, orderId: order.orderId };
}

/**
 * A rejected order's status event has ce_id `orderId:rejected:topic:partition:offset`;
 * an accepted order's `orderId:sequence`. The orderId pattern admits ":", so the
 * accepted order `V:rejected:topic:p` announces itself as `V:rejected:topic:p:1`:
 * the ce_id of the rejection of `V` at offset 1 of partition p. The victim is
 * therefore the second record of its partition.
 */
export function collisionVictim(index: number, rng: Rng, partition: number): Generated {
  const order = { ...hostileBaseOrder(index, rng), orderId: `FZ-C-${partition}`, collide: true };
  return { variant: `victim-p${partition}`, message: orderRecord(index, order), orderId: order.orderId };
}

export function collisionOrder(index: number, rng: Rng, partition: number, ordersTopic: string): Generated {
  const order = { ...hostileBaseOrder(index, rng), orderId: `FZ-C-${partition}:rejected:${ordersTopic}:${partition}` };
  return { variant: `collider-p${partition}`, message: orderRecord(index, order), orderId: order.orderId };
}
