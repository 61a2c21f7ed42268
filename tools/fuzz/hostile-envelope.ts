import fc from 'fast-check';
import { FORCE_STALE_HEADER } from '../../src/core/order/index.js';
import { recordHeaders, textKey, type HeaderInput, type RecordMessage } from './fuzz-record.js';
import {
  binaryHeaderEntries,
  hostileBaseOrder,
  orderRecord,
  structuredEvent,
  structuredRecord,
  STRUCTURED_CONTENT_TYPE,
  type JsonObject,
} from './order-data.js';
import { chooseVariant, shown, type KindContext, type RecordKind } from './record-kind.js';

/**
 * Hostile envelopes around a well-formed order: header names and values,
 * record keys, structured-mode events. The order itself is fine, so a
 * record here is refused (or accepted) for its envelope alone.
 */

/** Names that are properties of every plain object, and other names a parser may trip on. */
const OBJECT_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
  'toLocaleString',
];

type HeaderNameMaker = (context: KindContext, value: Buffer) => { name: string; value: HeaderInput };

const HEADER_NAMES: ReadonlyArray<readonly [string, HeaderNameMaker]> = [
  ...OBJECT_NAMES.map((name) => [name, (_c: KindContext, value: Buffer) => ({ name, value })] as const),
  ['empty', (_c, value) => ({ name: '', value })],
  [
    'non-ascii',
    ({ rng }, value) => ({ name: rng.pick(['ç€𝄞', 'заголовок', 'ヘッダー', 'ce_id\u0301', '\u200b', 'ce\u00adid', '\u{1F4A9}']), value }),
  ],
  ['long', ({ rng }, value) => ({ name: 'h'.repeat(rng.int(1_000, 32_000)), value })],
  [
    'lookalike',
    ({ rng }, value) => ({
      name: rng.pick(['ce_id\u0000', 'ce_id ', 'ce-id', 'CE_ID', 'Content-Type']),
      value: rng.bool() ? value : 'text/plain',
    }),
  ],
  ['arbitrary', ({ rng }, value) => ({ name: rng.sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })), value })],
];

const headerNames: RecordKind = {
  name: 'header-names',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const base = binaryHeaderEntries(index, { time: order.requestedAt, subject: order.account });
    // The first hostile header is the record's variant; up to two more are drawn.
    const first = chooseVariant(context, HEADER_NAMES)[1];
    const extra = [
      first(context, rng.bytes(64)),
      ...Array.from({ length: rng.int(0, 2) }, () => rng.pick(HEADER_NAMES)[1](context, rng.bytes(64))),
    ];
    const entries: Array<[string, HeaderInput]> = [...base];
    for (const { name, value } of extra) entries.splice(rng.int(0, entries.length), 0, [name, value]);
    if (rng.bool(0.2)) {
      // A repeated attribute: which value counts is the parser's choice.
      const repeated = rng.pick(['ce_id', 'ce_type', 'content-type', 'ce_specversion']);
      entries.push([repeated, [Buffer.from('1.0'), rng.bytes(16)]]);
      extra.push({ name: `${repeated}×2`, value: '' });
    }
    const message: RecordMessage = {
      key: textKey(order.account),
      value: Buffer.from(JSON.stringify(order)),
      headers: recordHeaders(entries),
    };
    return { variant: extra.map((e) => shown(e.name, 16)).join('+'), message, orderId: order.orderId };
  },
};

const keyMismatch: RecordKind = {
  name: 'key-mismatch',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const a = order.account;
    const keys: Array<[string, Buffer | null]> = [
      ['other-account', textKey(`${a}-other`)],
      ['nul-suffix', textKey(`${a}\u0000`)],
      ['nul-only', textKey('\u0000')],
      ['null-key', null],
      ['empty-key', textKey('')],
      ['invalid-utf8', Buffer.concat([Buffer.from(a), Buffer.from([0xff, 0xc0])])],
      ['upper-case', textKey(a.toUpperCase())],
      ['trailing-space', textKey(`${a} `)],
      ['lookalike', textKey(a.replace('h', '\u04bb'))],
    ];
    const [variant, key] = chooseVariant(context, keys);
    const message = orderRecord(index, order);
    return { variant, message: { ...message, key }, orderId: order.orderId };
  },
};

/** Structured-mode events with one thing wrong each (and the order inside them well-formed). */
const structuredMode: RecordKind = {
  name: 'structured',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const event = structuredEvent(index, order, order.requestedAt);
    const without = (name: string): JsonObject => Object.fromEntries(Object.entries(event).filter(([k]) => k !== name));
    const variants: Array<[string, () => RecordMessage]> = [
      ['missing-id', () => structuredRecord(order.account, without('id'))],
      ['missing-data', () => structuredRecord(order.account, without('data'))],
      ['specversion-0.3', () => structuredRecord(order.account, { ...event, specversion: '0.3' })],
      ['specversion-number', () => structuredRecord(order.account, { ...event, specversion: 1 })],
      [
        'data-base64',
        () => structuredRecord(order.account, { ...without('data'), data_base64: Buffer.from(JSON.stringify(order)).toString('base64') }),
      ],
      ['upper-case-attribute', () => structuredRecord(order.account, { ...without('id'), ID: `fuzz-${index}` })],
      ['data-as-string', () => structuredRecord(order.account, { ...event, data: JSON.stringify(order) })],
      ['data-null', () => structuredRecord(order.account, { ...event, data: null })],
      ['datacontenttype-xml', () => structuredRecord(order.account, { ...event, datacontenttype: 'application/xml' })],
      ['datacontenttype-number', () => structuredRecord(order.account, { ...event, datacontenttype: 7 })],
      ['type-other', () => structuredRecord(order.account, { ...event, type: 'io.flowthrough.order.v2' })],
      ['time-invalid', () => structuredRecord(order.account, { ...event, time: '2026-02-30T25:61:00Z' })],
      ['not-an-object', () => structuredRecord(order.account, [event])],
      ['truncated', () => structuredRecord(order.account, JSON.stringify(event).slice(0, rng.int(1, 200)))],
      ['proto-attribute', () => structuredRecord(order.account, `{"__proto__":{"id":"x"},${JSON.stringify(event).slice(1)}`)],
      [
        'batch',
        () => ({
          ...structuredRecord(order.account, [event, event]),
          headers: recordHeaders([['content-type', 'application/cloudevents-batch+json']]),
        }),
      ],
      [
        'charset-latin1',
        () => ({
          ...structuredRecord(order.account, event),
          headers: recordHeaders([['content-type', 'application/cloudevents+json; charset=iso-8859-1']]),
        }),
      ],
      ['without-content-type', () => ({ ...structuredRecord(order.account, event), headers: recordHeaders([]) })],
      [
        'with-ce-headers',
        () =>
          structuredRecord(
            order.account,
            event,
            binaryHeaderEntries(index + 1_000_000).filter(([n]) => n !== 'content-type'),
          ),
      ],
      [
        'content-type-twice',
        () => ({
          ...structuredRecord(order.account, event),
          headers: recordHeaders([['content-type', [Buffer.from('application/json'), Buffer.from(STRUCTURED_CONTENT_TYPE)]]]),
        }),
      ],
    ];
    const [variant, build] = chooseVariant(context, variants);
    return { variant, message: build(), orderId: order.orderId };
  },
};

export const ENVELOPE_KINDS: readonly RecordKind[] = [headerNames, keyMismatch, structuredMode];

/** The ops replay's header, sent by a plain producer on a stale order. */
export const FORCE_STALE_VARIANTS: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, HeaderInput]>]> = [
  ['exact', [[FORCE_STALE_HEADER, 'true']]],
  ['name-upper-case', [['Flowthrough-Force-Stale', 'true']]],
  ['value-upper-case', [[FORCE_STALE_HEADER, 'TRUE']]],
  ['value-padded', [[FORCE_STALE_HEADER, ' true']]],
  ['repeated', [[FORCE_STALE_HEADER, [Buffer.from('false'), Buffer.from('true')]]]],
];
