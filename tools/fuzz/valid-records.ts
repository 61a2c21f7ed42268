import { recordHeaders, type HeaderInput, type RecordMessage } from './fuzz-record.js';
import { binaryHeaderEntries, orderRecord, structuredEvent, structuredRecord, validOrder } from './order-data.js';
import type { Generated } from './record-kind.js';
import type { Rng } from './seeded-random.js';

/**
 * A valid order (its own account, Direct Routing and Zoom numbers) in one of
 * the envelopes a BSS may legitimately use: binary mode, binary mode with
 * header names in another case, structured mode.
 */
export function validRecord(index: number, rng: Rng): Generated {
  const order = validOrder(index, rng);
  const roll = rng.float();
  let variant: string;
  let message: RecordMessage;
  if (roll < 0.15) {
    variant = 'structured';
    message = structuredRecord(order.account, structuredEvent(index, order, order.requestedAt));
  } else if (roll < 0.25) {
    variant = 'header-case';
    const entries = binaryHeaderEntries(index, { time: order.requestedAt, subject: order.account }).map(
      ([name, value]): [string, HeaderInput] => [name === 'content-type' ? 'Content-Type' : name.toUpperCase(), value],
    );
    message = { ...orderRecord(index, order), headers: recordHeaders(entries) };
  } else {
    variant = 'binary';
    message = orderRecord(index, order);
  }
  return { variant, message, orderId: order.orderId };
}
