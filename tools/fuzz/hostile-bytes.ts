import { recordHeaders, type RecordMessage } from './fuzz-record.js';
import {
  binaryHeaderEntries,
  binaryRecord,
  hostileBaseOrder,
  hostileNumber,
  orderRecord,
  type JsonObject,
  type OrderData,
} from './order-data.js';
import { chooseVariant, type RecordKind } from './record-kind.js';
import type { Rng } from './seeded-random.js';

/**
 * Hostile bytes and shapes: values that are not UTF-8 or not JSON, JSON
 * nested up to 100,000 levels, JSON with very many keys or items, and JSON
 * that names a key twice. Built as text (a 100,000-level structure cannot
 * go through JSON.stringify), keyed and enveloped like a real order.
 */

const MARKER = '"@@FUZZ@@"';

/** The order's JSON with the value at `place` replaced by raw JSON text. */
function withRawJson(order: OrderData, place: (o: OrderData, marker: string) => void, raw: string): string {
  const copy = structuredClone(order);
  place(copy, JSON.parse(MARKER) as string);
  return JSON.stringify(copy).replace(MARKER, raw);
}

function firstNumber(order: OrderData): JsonObject {
  const numbers = order.items.find((i) => i.resource === 'numbers')?.numbers as JsonObject[];
  return numbers[0] as JsonObject;
}

const nested = {
  arrays: (depth: number): string => '['.repeat(depth) + ']'.repeat(depth),
  objects: (depth: number): string => `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`,
  mixed: (depth: number): string => {
    let open = '';
    let close = '';
    for (let i = 0; i < depth; i += 1) {
      open += i % 2 === 0 ? '[' : '{"a":';
      close = (i % 2 === 0 ? ']' : '}') + close;
    }
    return `${open}0${close}`;
  },
  /** Azure.Core error whose innererror chain is `depth` levels deep. */
  innererror: (depth: number): string =>
    `{"code":"E","message":"m","innererror":${'{"innererror":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}}`,
  /** Azure.Core error whose details nest `depth` levels deep. */
  details: (depth: number): string =>
    `${'{"code":"E","message":"m","details":['.repeat(depth)}{"code":"E","message":"m"}${']}'.repeat(depth)}`,
};

const DEPTHS = [64, 1_000, 5_000, 10_000, 100_000];
/** The coverage pass builds each placement at these depths. */
const COVER_DEPTHS = [10_000, 100_000];
/** A details level is ~40 bytes: 20,000 of them already make 0.8 MB. */
const MAX_DETAILS_DEPTH = 20_000;

const deepJson: RecordKind = {
  name: 'deep-json',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const placements: Array<[string, (depth: number) => string]> = [
      ['value-arrays', (d) => nested.arrays(d)],
      ['value-objects', (d) => nested.objects(d)],
      ['value-mixed', (d) => nested.mixed(d)],
      [
        'order-field',
        (d) =>
          withRawJson(
            order,
            (o, m) => {
              (o as unknown as JsonObject).extra = m;
            },
            nested.mixed(d),
          ),
      ],
      [
        'items',
        (d) =>
          withRawJson(
            order,
            (o, m) => void o.items.push({ id: 'deep', action: 'upsert', resource: 'numbers', numbers: m }),
            nested.arrays(d),
          ),
      ],
      [
        'innererror',
        (d) =>
          withRawJson(
            order,
            (o, m) => {
              firstNumber(o).serviceProvisioningErrors = [m];
            },
            nested.innererror(d),
          ),
      ],
      [
        'details',
        (d) =>
          withRawJson(
            order,
            (o, m) => {
              firstNumber(o).serviceProvisioningErrors = [m];
            },
            nested.details(Math.min(d, MAX_DETAILS_DEPTH)),
          ),
      ],
      [
        'account-errors',
        (d) =>
          withRawJson(
            order,
            (o, m) => {
              (o.items[0]?.account as JsonObject).serviceProvisioningErrors = [m];
            },
            nested.innererror(d),
          ),
      ],
    ];
    const combinations = placements.flatMap(([name, build]) => COVER_DEPTHS.map((depth) => [name, build, depth] as const));
    const [place, build, coverDepth] = chooseVariant(context, combinations);
    const depth = context.cover === undefined ? rng.pick(DEPTHS) : coverDepth;
    const levels = place === 'details' ? Math.min(depth, MAX_DETAILS_DEPTH) : depth;
    return {
      variant: `${place}-${levels}`,
      message: binaryRecord(index, build(depth), order.account, { time: order.requestedAt, subject: order.account }),
      orderId: order.orderId,
    };
  },
};

const wideJson: RecordKind = {
  name: 'wide-json',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const numbersOf = (count: number, telephoneNumber: (j: number) => string): JsonObject[] =>
      Array.from({ length: count }, (_, j) => ({
        telephoneNumber: telephoneNumber(j),
        serviceDetails: { teamsDirectRouting: { enabled: true } },
      }));
    const keys = (count: number): string => Array.from({ length: count }, (_, k) => `"k${k}":${k}`).join(',');
    const variants: Array<[string, () => RecordMessage]> = [
      ['many-keys-top', () => binaryRecord(index, `{${keys(rng.int(1_000, 60_000))},${JSON.stringify(order).slice(1)}`, order.account)],
      [
        'many-keys-nested',
        () =>
          binaryRecord(
            index,
            withRawJson(
              order,
              (o, m) => {
                (o as unknown as JsonObject).extra = m;
              },
              `{${keys(rng.int(5_000, 30_000))}}`,
            ),
            order.account,
          ),
      ],
      [
        'many-items',
        () => {
          const count = rng.int(1_001, 5_000);
          const items = Array.from({ length: count }, (_, i) => ({
            id: i % 2 === 0 ? 'same-id' : `item-${i}`,
            action: 'delete',
            resource: 'numbers',
            numbers: [{ telephoneNumber: hostileNumber(index, 0) }],
          }));
          return orderRecord(index, { ...order, items });
        },
      ],
      [
        '10001-numbers',
        () =>
          orderRecord(index, {
            ...order,
            items: [
              order.items[0] as JsonObject,
              {
                id: 'n',
                action: 'upsert',
                resource: 'numbers',
                numbers: numbersOf(10_001, (j) => `+4420${String(index * 10_001 + j).padStart(9, '0')}`),
              },
            ],
          }),
      ],
      [
        'many-bad-numbers',
        () =>
          orderRecord(index, {
            ...order,
            items: [
              order.items[0] as JsonObject,
              { id: 'n', action: 'upsert', resource: 'numbers', numbers: numbersOf(rng.int(500, 5_000), (j) => `0${j}`) },
            ],
          }),
      ],
      [
        'long-string',
        () => {
          const account = (order.items[0] as JsonObject).account as JsonObject;
          account.correlationId = 'c'.repeat(rng.int(100_000, 600_000));
          return orderRecord(index, order);
        },
      ],
      ['wide-array-value', () => binaryRecord(index, `[${'0,'.repeat(rng.int(10_000, 200_000))}0]`, order.account)],
      [
        'many-headers',
        () => {
          const count = rng.int(500, 5_000);
          const extra = Array.from({ length: count }, (_, k) => [`x-fuzz-${k}`, `${k}`] as const);
          const message = orderRecord(index, order);
          return {
            ...message,
            headers: recordHeaders([...binaryHeaderEntries(index, { time: order.requestedAt, subject: order.account }), ...extra]),
          };
        },
      ],
    ];
    const [variant, build] = chooseVariant(context, variants);
    return { variant, message: build(), orderId: order.orderId };
  },
};

/** Replaces the first occurrence of `find` in the order's JSON text. */
function surgery(order: OrderData, find: string, replace: string): string {
  const text = JSON.stringify(order);
  const at = text.indexOf(find);
  if (at === -1) throw new Error(`duplicate-keys: ${find} not in the order`);
  return text.slice(0, at) + replace + text.slice(at + find.length);
}

const duplicateKeys: RecordKind = {
  name: 'duplicate-keys',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const number = firstNumber(order);
    number.configuration = { customSipHeader: `fz-${index}` };
    const a = JSON.stringify(order.account);
    const sip = `"customSipHeader":"fz-${index}"`;
    const variants: Array<[string, () => string]> = [
      // Last one wins in JSON.parse: a decoy first is invisible to us, visible to a first-wins parser.
      ['account-decoy-first', () => surgery(order, `"account":${a}`, `"account":"decoy-${index}","account":${a}`)],
      ['account-decoy-last', () => surgery(order, `"account":${a}`, `"account":${a},"account":"decoy-${index}"`)],
      ['custom-sip-header-bad-first', () => surgery(order, sip, `"customSipHeader":"bad value\\n",${sip}`)],
      ['custom-sip-header-bad-last', () => surgery(order, sip, `${sip},"customSipHeader":"bad value\\n"`)],
      [
        'order-id-twice',
        () => surgery(order, `"orderId":"${order.orderId}"`, `"orderId":"${order.orderId}","orderId":"${order.orderId}-2"`),
      ],
      ['items-empty-first', () => surgery(order, '"items":[', '"items":[],"items":[')],
      [
        'telephone-number-twice',
        () =>
          surgery(
            order,
            `"telephoneNumber":"${String(number.telephoneNumber)}"`,
            `"telephoneNumber":"${hostileNumber(index, 7)}","telephoneNumber":"${String(number.telephoneNumber)}"`,
          ),
      ],
    ];
    const [variant, build] = chooseVariant(context, variants);
    return {
      variant,
      message: binaryRecord(index, build(), order.account, { time: order.requestedAt, subject: order.account }),
      orderId: order.orderId,
    };
  },
};

/** A byte sequence that is not UTF-8, inside a string of an otherwise valid order. */
const INVALID_UTF8: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['lone-continuation', [0x80]],
  ['overlong-slash', [0xc0, 0xaf]],
  ['surrogate-half', [0xed, 0xa0, 0x80]],
  ['truncated-sequence', [0xe2, 0x82]],
  ['byte-ff', [0xff]],
  ['five-byte-form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['above-u10ffff', [0xf4, 0x90, 0x80, 0x80]],
  ['nul-raw', [0x00]],
];

const invalidUtf8: RecordKind = {
  name: 'invalid-utf8',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const text = JSON.stringify(order);
    const anchor = `"CRM-FZ-${index}`;
    const at = text.indexOf(anchor) + anchor.length;
    const variants: Array<[string, () => RecordMessage]> = [
      ...INVALID_UTF8.map(
        ([name, bytes]) =>
          [
            name,
            () =>
              binaryRecord(
                index,
                Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]),
                order.account,
              ),
          ] as [string, () => RecordMessage],
      ),
      ['bom-prefix', () => binaryRecord(index, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), order.account)],
      ['latin1-encoded', () => binaryRecord(index, Buffer.from(text.replace(anchor, `${anchor}-café`), 'latin1'), order.account)],
      ['utf16le-encoded', () => binaryRecord(index, Buffer.from(text, 'utf16le'), order.account)],
      [
        'in-ce-id-header',
        () => ({
          ...orderRecord(index, order),
          headers: recordHeaders([
            ...binaryHeaderEntries(index).filter(([n]) => n !== 'ce_id'),
            ['ce_id', Buffer.from([0x66, 0xff, 0xfe])],
          ]),
        }),
      ],
      ['in-key', () => ({ ...orderRecord(index, order), key: Buffer.from([0xc0, 0xaf]) })],
    ];
    const [variant, build] = chooseVariant(context, variants);
    return { variant, message: build(), orderId: order.orderId };
  },
};

const valueBytes: RecordKind = {
  name: 'value-bytes',
  generate: (context) => {
    const { index, rng } = context;
    const account = `fzh-${index}`;
    const variants: Array<[string, (r: Rng) => Buffer | null]> = [
      ['arbitrary', (r) => r.bytes(4_096, 1)],
      ['empty', () => Buffer.alloc(0)],
      ['tombstone', () => null],
      ['json-then-bytes', (r) => Buffer.concat([Buffer.from(`{"orderId":"FZ-H-${index}","account":`), r.bytes(256)])],
      ['nul-bytes', (r) => Buffer.alloc(r.int(1, 1_024))],
      ['json-scalar', (r) => Buffer.from(r.pick(['"an order"', '42', 'null', 'true', '[]', '{}', '-0', '1e999']))],
      ['whitespace', () => Buffer.from(' \t\r\n ')],
      ['two-documents', () => Buffer.from(`{"orderId":"FZ-H-${index}"}{"orderId":"FZ-H-${index}-b"}`)],
    ];
    const [variant, build] = chooseVariant(context, variants);
    return { variant, message: binaryRecord(index, build(rng), account, { subject: account }), orderId: `FZ-H-${index}` };
  },
};

export const BYTES_KINDS: readonly RecordKind[] = [valueBytes, invalidUtf8, deepJson, wideJson, duplicateKeys];
