import fc from 'fast-check';
import { binaryRecord, hostileBaseOrder, orderRecord, requestedAtOf, type JsonObject, type OrderData } from './order-data.js';
import { chooseVariant, shown, type RecordKind } from './record-kind.js';

/**
 * Hostile values in an order's own fields: control characters in every
 * string, orderIds that collide with our own id conventions, timestamps at
 * the edges of the calendar, upper-case GUIDs, prototype-pollution keys and
 * names, arbitrary JSON. Everything else about the record is well-formed.
 */

type Path = ReadonlyArray<string | number>;

function stringPaths(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1) as string | number] = value;
}

/** An own property, even for `__proto__` (plain assignment would set the prototype instead). */
function defineKey(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Sets the order's account everywhere it is named, so the key can follow it. */
function renameAccount(order: OrderData, account: string): void {
  order.account = account;
  ((order.items[0] as JsonObject).account as JsonObject).name = account;
}

const CONTROL: ReadonlyArray<readonly [string, string]> = [
  ['nul', '\u0000'],
  ['crlf', '\r\n'],
  ['lf', '\n'],
  ['cr', '\r'],
  ['del', '\u007f'],
  ['lone-surrogate', '\ud800'],
  ['esc', '\u001b'],
  ['bell', '\u0007'],
  ['line-separator', '\u2028'],
  ['bom', '\ufeff'],
];

const controlCharacters: RecordKind = {
  name: 'control-chars',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const [charName, char] = chooseVariant(context, CONTROL);
    const insert = (text: string): string => {
      const at = rng.pick([0, text.length, Math.floor(text.length / 2)]);
      return text.slice(0, at) + char + text.slice(at);
    };
    const paths = stringPaths(order);
    const everyField = rng.bool(0.25);
    const chosen = everyField ? paths : [rng.pick(paths)];
    let account = order.account;
    for (const path of chosen) {
      const isAccount = (path.length === 1 && path[0] === 'account') || path.join('/') === 'items/0/account/name';
      if (isAccount) {
        if (account === order.account) account = insert(order.account);
      } else {
        setAt(order, path, insert(getAt(order, path) as string));
      }
    }
    if (account !== order.account) renameAccount(order, account);
    const field = everyField ? 'every-field' : (chosen[0]?.join('.') ?? '');
    return { variant: `${field}:${charName}`, message: orderRecord(index, order), orderId: order.orderId };
  },
};

const hostileIds: RecordKind = {
  name: 'hostile-id',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const base = order.orderId;
    const ids: Array<[string, string]> = [
      // Fits the orderId pattern: accepted, and its ce_ids look like a rejection's.
      ['rejected-infix', `${base}:rejected:fuzz.orders:0:1`],
      ['only-colons', `${':'.repeat(rng.int(1, 5))}${index}`],
      ['newline', `${base}\nX`],
      ['crlf', `${base}\r\n`],
      ['nul', `${base}\u0000`],
      ['nul-middle', `FZ\u0000H-${index}`],
      ['10kb', `${base}-${'A'.repeat(10_240)}`],
      ['exactly-128', `${base}-`.padEnd(128, 'x')],
      ['129', `${base}-`.padEnd(129, 'x')],
      ['unicode', `${base}-é€𝄞`],
      ['right-to-left', `${base}-\u202eevil`],
      ['zero-width', `${base}\u200b`],
      ['lone-surrogate', `${base}\ud800`],
      ['path-like', `../../${base}`],
      ['empty', ''],
      ['number', String(index)],
    ];
    const [variant, orderId] = chooseVariant(context, ids);
    order.orderId = orderId;
    return { variant, message: orderRecord(index, order), orderId };
  },
};

const timestamps: RecordKind = {
  name: 'timestamps',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const values: Array<[string, string]> = [
      ['far-future', '9999-12-31T23:59:59Z'],
      ['year-0000', '0000-01-01T00:00:00Z'],
      ['year-0001', '0001-01-01T00:00:00Z'],
      ['leap-second', '2016-12-31T23:59:60Z'],
      ['leap-second-offset', '2016-12-31T18:59:60-05:00'],
      ['leap-second-not-utc-midnight', '2026-06-01T12:00:60Z'],
      ['offset-23-59', '2026-06-01T00:00:00+23:59'],
      ['offset-24-00', '2026-06-01T00:00:00+24:00'],
      ['lower-case-t-z', '2026-06-01t00:00:00z'],
      ['nanoseconds', '2026-06-01T00:00:00.123456789Z'],
      ['year-10000', '10000-01-01T00:00:00Z'],
      ['before-1970', '1900-01-01T00:00:00Z'],
      ['february-30', '2026-02-30T00:00:00Z'],
      ['no-offset', '2026-06-01T00:00:00'],
    ];
    const [variant, value] = chooseVariant(context, values);
    // The coverage pass puts the value in both places; draws pick one or both.
    const where = context.cover === undefined ? rng.pick(['requestedAt', 'ce_time', 'both'] as const) : 'both';
    if (where !== 'ce_time') order.requestedAt = value;
    const message = binaryRecord(index, JSON.stringify(order), order.account, {
      time: where === 'requestedAt' ? requestedAtOf(index) : value,
      subject: order.account,
    });
    return { variant: `${where}:${variant}`, message, orderId: order.orderId };
  },
};

const upperCaseGuids: RecordKind = {
  name: 'upper-guid',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');
    const guid = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    const mixed = [...guid].map((c) => (rng.bool() ? c.toUpperCase() : c)).join('');
    const account = (order.items[0] as JsonObject).account as JsonObject;
    const details = account.serviceDetails as JsonObject;
    const consent = (tenantId: string): JsonObject => ({
      id: 'consent',
      action: 'update',
      resource: 'consent',
      tenantId,
      consent: { customerRelationship: { status: 'AgreementSigned', comment: 'signed' } },
    });
    const variant = chooseVariant(context, ['account-upper', 'account-mixed', 'consent-upper', 'account-lower-consent-upper']);
    details.teamsOperatorConnect = { enabled: true, syncEnabled: false };
    if (variant === 'account-upper') details.teamsTenantId = guid.toUpperCase();
    else if (variant === 'account-mixed') details.teamsTenantId = mixed;
    else if (variant === 'consent-upper') order.items.push(consent(guid.toUpperCase()));
    else {
      details.teamsTenantId = guid;
      order.items.push(consent(guid.toUpperCase()));
    }
    return { variant, message: orderRecord(index, order), orderId: order.orderId };
  },
};

const prototypeKeys: RecordKind = {
  name: 'proto-keys',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const account = (order.items[0] as JsonObject).account as JsonObject;
    const number = ((order.items[1] as JsonObject).numbers as JsonObject[])[0] as JsonObject;
    const polluted = { polluted: 'yes', enabled: true, syncEnabled: true };
    const variants: Array<[string, () => void]> = [
      ['top-proto', () => defineKey(order, '__proto__', polluted)],
      ['top-constructor-prototype', () => defineKey(order, 'constructor', { prototype: polluted })],
      ['service-details-proto', () => defineKey(account.serviceDetails as object, '__proto__', { teamsOperatorConnect: polluted })],
      ['number-constructor-prototype', () => defineKey(number, 'constructor', { prototype: polluted })],
      ['item-proto', () => defineKey(order.items[0] as object, '__proto__', { action: 'delete' })],
      ['object-method-keys', () => (defineKey(order, 'toString', 'x'), defineKey(order, 'hasOwnProperty', 1))],
      // Valid names: the account pattern [A-Za-z0-9_-] admits them.
      ['account-named-proto', () => renameAccount(order, '__proto__')],
      ['account-named-constructor', () => renameAccount(order, 'constructor')],
      ['account-named-hasOwnProperty', () => renameAccount(order, 'hasOwnProperty')],
      [
        'item-id-proto',
        () => {
          (order.items[1] as JsonObject).id = '__proto__';
        },
      ],
      [
        'custom-header-proto',
        () => {
          number.configuration = { customSipHeader: '__proto__' };
        },
      ],
    ];
    const [variant, apply] = chooseVariant(context, variants);
    apply();
    return { variant, message: orderRecord(index, order), orderId: order.orderId };
  },
};

const randomJson: RecordKind = {
  name: 'random-json',
  generate: (context) => {
    const { index, rng } = context;
    const order = hostileBaseOrder(index, rng);
    const value = rng.sample(fc.jsonValue({ maxDepth: 4 }));
    const variant = chooseVariant(context, ['whole-value', 'one-item', 'one-field', 'items']);
    let data: unknown = value;
    if (variant === 'one-item') order.items[rng.int(0, order.items.length - 1)] = value as JsonObject;
    else if (variant === 'items') (order as unknown as JsonObject).items = value;
    else if (variant === 'one-field') {
      const paths = stringPaths(order);
      const path = rng.pick(paths);
      setAt(order, path, value);
      return { variant: `field:${path.join('.')}`, message: orderRecord(index, order), orderId: order.orderId };
    }
    if (variant !== 'whole-value') data = order;
    return {
      variant: `${variant}:${shown(JSON.stringify(value) ?? '', 12)}`,
      message: binaryRecord(index, JSON.stringify(data) ?? 'null', order.account),
      orderId: order.orderId,
    };
  },
};

export const FIELD_KINDS: readonly RecordKind[] = [controlCharacters, hostileIds, timestamps, upperCaseGuids, prototypeKeys, randomJson];
