import { ORDER_EVENT_TYPE } from '../../src/core/order/index.js';
import { recordHeaders, textKey, type HeaderInput, type RecordMessage } from './fuzz-record.js';
import type { Rng } from './seeded-random.js';

/**
 * Orders as the BSS sends them (schemas/order.v1.json, CloudEvents binary
 * mode, key = account), built for Direct Routing and Zoom: services that
 * complete when the intake commits, so no Operator Connect backend is
 * needed for a valid order to reach a terminal state. Valid orders each
 * have their own account and numbers; hostile records start from a base
 * order of their own account and number range, so nothing they do can
 * touch a valid order's state (except the kinds that mean to).
 */

export type JsonObject = { [key: string]: unknown };

export interface OrderData {
  orderId: string;
  account: string;
  requestedAt: string;
  items: JsonObject[];
}

/** requestedAt of record #0; each index is one second later. */
export const EPOCH_MS = Date.parse('2026-06-01T00:00:00.000Z');
export const EVENT_SOURCE = '/bss/fuzz';

export function requestedAtOf(index: number): string {
  return new Date(EPOCH_MS + index * 1_000).toISOString();
}

/** Up to 8 numbers per record index, never shared between indices: +1 425 for valid orders, +44 207 for hostile ones. */
export function validNumber(index: number, j: number): string {
  return `+1425${String(2_000_000 + index * 8 + j).padStart(7, '0')}`;
}

export function hostileNumber(index: number, j: number): string {
  return `+44207${String(index * 8 + j).padStart(7, '0')}`;
}

function token(rng: Rng): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789';
  let out = 'ms-domain-verify-';
  for (let i = 0; i < 16; i += 1) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

/** An account with Direct Routing and Zoom, and numbers on both (1–3 Direct Routing, 0–2 Zoom). */
export function directRoutingOrder(
  index: number,
  rng: Rng,
  ids: { orderId: string; account: string; number: (j: number) => string },
): OrderData {
  const serviceDetails: JsonObject = {
    teamsDirectRouting: {
      enabled: true,
      syncEnabled: rng.bool(),
      configuration: {
        callScreening: rng.bool(),
        subdomain: `fz${index % 100_000_000}`,
        subdomainTokens: { region1Token: token(rng), region2Token: token(rng) },
      },
    },
    zoomPhoneCloudPeering: { enabled: true, syncEnabled: rng.bool() },
  };
  if (rng.bool(0.3)) serviceDetails.azureOperatorCallProtection = { enabled: true };
  const items: JsonObject[] = [
    {
      id: 'account',
      action: 'upsert',
      resource: 'account',
      account: { name: ids.account, correlationId: `CRM-FZ-${index}`, serviceDetails },
    },
  ];
  let j = 0;
  const drNumbers = Array.from({ length: rng.int(1, 3) }, () => {
    const n: JsonObject = { telephoneNumber: ids.number(j++), serviceDetails: { teamsDirectRouting: { enabled: true } } };
    if (rng.bool(0.6)) n.configuration = { customSipHeader: `fz-${index}-${j}` };
    return n;
  });
  items.push({ id: 'direct-routing-numbers', action: 'upsert', resource: 'numbers', numbers: drNumbers });
  const zoom = rng.int(0, 2);
  if (zoom > 0) {
    items.push({
      id: 'zoom-numbers',
      action: 'upsert',
      resource: 'numbers',
      numbers: Array.from({ length: zoom }, () => ({
        telephoneNumber: ids.number(j++),
        serviceDetails: { zoomPhoneCloudPeering: { enabled: true } },
      })),
    });
  }
  return { orderId: ids.orderId, account: ids.account, requestedAt: requestedAtOf(index), items };
}

export function validOrder(index: number, rng: Rng): OrderData {
  return directRoutingOrder(index, rng, { orderId: `FZ-V-${index}`, account: `fzv-${index}`, number: (j) => validNumber(index, j) });
}

/** The well-formed order a hostile record bends (own account, own numbers). */
export function hostileBaseOrder(index: number, rng: Rng): OrderData {
  return directRoutingOrder(index, rng, { orderId: `FZ-H-${index}`, account: `fzh-${index}`, number: (j) => hostileNumber(index, j) });
}

/** The ce_* headers and content-type of a binary-mode order event. */
export function binaryHeaderEntries(
  index: number,
  attributes: { time?: string | undefined; subject?: string | undefined } = {},
): Array<[string, HeaderInput]> {
  const entries: Array<[string, HeaderInput]> = [
    ['ce_specversion', '1.0'],
    ['ce_id', `fuzz-${index}`],
    ['ce_source', EVENT_SOURCE],
    ['ce_type', ORDER_EVENT_TYPE],
  ];
  if (attributes.time !== undefined) entries.push(['ce_time', attributes.time]);
  if (attributes.subject !== undefined) entries.push(['ce_subject', attributes.subject]);
  entries.push(['content-type', 'application/json']);
  return entries;
}

/** A binary-mode record: `value` is the data's JSON text or bytes, the key the account (or what the caller says). */
export function binaryRecord(
  index: number,
  value: string | Buffer | null,
  key: string | Buffer | null,
  options: { time?: string; subject?: string; extraHeaders?: ReadonlyArray<readonly [string, HeaderInput]> } = {},
): RecordMessage {
  return {
    key: typeof key === 'string' ? textKey(key) : key,
    value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
    headers: recordHeaders([
      ...binaryHeaderEntries(index, { time: options.time, subject: options.subject }),
      ...(options.extraHeaders ?? []),
    ]),
  };
}

/** An order as a binary-mode record, keyed by its account (fields a generator bent to non-strings are left out of the envelope). */
export function orderRecord(
  index: number,
  order: OrderData,
  extraHeaders: ReadonlyArray<readonly [string, HeaderInput]> = [],
): RecordMessage {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const account = text(order.account);
  return binaryRecord(index, JSON.stringify(order), account ?? null, {
    ...(text(order.requestedAt) === undefined ? {} : { time: order.requestedAt }),
    ...(account === undefined ? {} : { subject: account }),
    extraHeaders,
  });
}

/** The structured-mode CloudEvent of an order (content-type application/cloudevents+json). */
export function structuredEvent(index: number, order: unknown, time?: string): JsonObject {
  return {
    specversion: '1.0',
    id: `fuzz-${index}`,
    source: EVENT_SOURCE,
    type: ORDER_EVENT_TYPE,
    ...(time === undefined ? {} : { time }),
    datacontenttype: 'application/json',
    data: order,
  };
}

export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export function structuredRecord(
  key: string | null,
  event: unknown,
  extraHeaders: ReadonlyArray<readonly [string, HeaderInput]> = [],
): RecordMessage {
  return {
    key: textKey(key),
    value: Buffer.from(typeof event === 'string' ? event : JSON.stringify(event), 'utf8'),
    headers: recordHeaders([['content-type', STRUCTURED_CONTENT_TYPE], ...extraHeaders]),
  };
}
