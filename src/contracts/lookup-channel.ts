/**
 * The call-time lookup's channel: whoever changes what the lookup answers
 * from (numbers: account, services, custom header, deletion; accounts: the
 * Direct Routing subdomain) notifies it inside the same transaction, so each
 * notice arrives at commit and only then (LISTEN/NOTIFY is transactional).
 * The lookup index (src/lookup) re-reads the keys named; a notice it cannot
 * read, or one lost while its LISTEN connection was down, means a full reload.
 *
 * Payloads: `n:<number>,<number>…` (numbers changed), `a:<name>,…` (accounts
 * changed) or `*` (reload everything). E.164 numbers and account names hold
 * no comma and are ASCII, so characters are bytes.
 */
export const LOOKUP_CHANNEL = 'flowthrough_lookup';

export const LOOKUP_RELOAD = '*';

/** PostgreSQL refuses a payload of 8000 bytes or more; room is kept for the prefix. */
export const LOOKUP_PAYLOAD_MAX_BYTES = 7_900;

/**
 * Beyond this many notices for one transaction (~60,000 numbers, 1 MB), one
 * reload is cheaper for both sides than the key lists.
 */
export const LOOKUP_MAX_NOTICES = 128;

/** $1 payloads (text[]): one notice each, sent at commit. */
export const NOTIFY_LOOKUP = `SELECT pg_notify('${LOOKUP_CHANNEL}', p) FROM unnest($1::text[]) AS p`;

export type LookupChange =
  | { readonly reload: true }
  | { readonly reload: false; readonly numbers: readonly string[]; readonly accounts: readonly string[] };

const KEY = /^[\x21-\x2b\x2d-\x7e]+$/;

function pack(prefix: 'n' | 'a', keys: Iterable<string>, out: string[]): boolean {
  let current = '';
  for (const key of keys) {
    if (!KEY.test(key)) return false;
    if (current.length > 0 && current.length + 1 + key.length > LOOKUP_PAYLOAD_MAX_BYTES) {
      out.push(current);
      if (out.length >= LOOKUP_MAX_NOTICES) return false;
      current = '';
    }
    current = current.length === 0 ? `${prefix}:${key}` : `${current},${key}`;
  }
  if (current.length > 0) out.push(current);
  return out.length <= LOOKUP_MAX_NOTICES;
}

/**
 * The notices that announce these changed numbers and accounts: key lists
 * under the size limit, or one reload when they would take too many notices
 * (or a key could not be sent as it is). Empty when nothing changed.
 */
export function lookupNotices(numbers: Iterable<string>, accounts: Iterable<string>): string[] {
  const out: string[] = [];
  if (!pack('n', numbers, out) || !pack('a', accounts, out)) return [LOOKUP_RELOAD];
  return out;
}

/** What a notice asks for; anything unreadable asks for a reload, the answer that is never wrong. */
export function parseLookupNotice(payload: string | undefined): LookupChange {
  const kind = payload?.slice(0, 2);
  if (payload === undefined || (kind !== 'n:' && kind !== 'a:')) return { reload: true };
  const keys = payload.slice(2).split(',');
  if (keys.some((k) => !KEY.test(k))) return { reload: true };
  return kind === 'n:' ? { reload: false, numbers: keys, accounts: [] } : { reload: false, numbers: [], accounts: keys };
}
