/**
 * Reading thrown values without trusting their type: pg, kafkajs, Node and
 * @azure/identity each put the telling part (a code, an address) somewhere
 * else, often on a cause. Pure; imports no client library.
 */

export type ErrorLike = Readonly<Record<string, unknown>>;

const MAX_DEPTH = 8;

/** The error, then its causes (cause, kafkajs' originalError, AggregateError's errors), outermost first. */
export function errorChain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > MAX_DEPTH) return;
    seen.add(value);
    const e = value as ErrorLike;
    out.push(e);
    visit(e.cause, depth + 1);
    visit(e.originalError, depth + 1);
    if (Array.isArray(e.errors)) for (const inner of e.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return out;
}

export function text(e: ErrorLike | undefined, name: string): string | undefined {
  const v = e?.[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The first string value of `name` along the chain. */
export function firstText(chain: readonly ErrorLike[], name: string): string | undefined {
  for (const e of chain) {
    const v = text(e, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The first Node system error code (ECONNREFUSED, ENOTFOUND…) along the chain. */
export function systemCode(chain: readonly ErrorLike[]): string | undefined {
  for (const e of chain) {
    const code = text(e, 'code');
    if (code !== undefined && /^E[A-Z0-9_]+$/.test(code)) return code;
  }
  return undefined;
}

/** The message of the outermost error, or the thrown value as text. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && typeof (error as ErrorLike).message === 'string') return (error as { message: string }).message;
  return String(error);
}

/** Every message along the chain, for pattern matching. */
export function allMessages(chain: readonly ErrorLike[]): string {
  return chain.map((e) => text(e, 'message') ?? '').join(' | ');
}

/** One line: the first line of a message, whitespace collapsed, at most `max` characters. */
export function oneLine(message: string, max = 300): string {
  const first = message.split('\n').find((l) => l.trim().length > 0) ?? '';
  const flat = first.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Words for the network codes a client gets before any protocol starts. */
export const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ETIMEDOUT: 'no answer (timed out)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOENT: 'no such socket',
};

/** Node codes of a failed TLS handshake or an untrusted certificate. */
export function isTlsProblem(chain: readonly ErrorLike[]): boolean {
  for (const e of chain) {
    const code = text(e, 'code') ?? '';
    if (/^ERR_SSL_|^ERR_TLS_|CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) return true;
    const message = text(e, 'message') ?? '';
    if (/secure TLS connection|SSL routines|certificate|wrong version number|does not support SSL/i.test(message)) return true;
  }
  return false;
}
