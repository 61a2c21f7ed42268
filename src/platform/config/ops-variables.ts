import { ConfigError } from './config-error.js';
import { Secret } from './secret.js';
import type { VariableSpec } from './variables.js';

/**
 * Settings of the ops tooling (read API). Kept apart from variables.ts so the
 * lead can merge them; every default lives in this table.
 */
export const OPS_VARIABLES = [
  {
    name: 'READ_API_TOKENS',
    type: 'string',
    default: '',
    secret: true,
    description:
      'comma-separated bearer tokens the read API (/v1/…) accepts, each at least 16 printable characters without spaces; empty disables the API: every /v1 path answers 404',
  },
  {
    name: 'READ_API_MAX_PAGE_SIZE',
    type: 'integer',
    default: '100',
    minimum: 1,
    maximum: 1000,
    description: 'page size of the read API when a request gives no maxpagesize, and its largest (a larger maxpagesize is capped)',
  },
  {
    name: 'READ_API_PUBLIC_URL',
    type: 'string',
    default: '',
    description:
      "the read API as its clients reach it (http(s)://host[:port][/prefix], e.g. behind a TLS proxy); nextLink is built on it; empty: http:// and the request's Host",
  },
] as const satisfies readonly VariableSpec[];

export interface ReadApiSettings {
  /** Empty: the API is disabled. Each token is a Secret of its own, so each is redacted from logs. */
  readonly tokens: readonly Secret[];
  readonly maxPageSize: number;
  /** Base of nextLink (no trailing slash); null: http:// and the request's Host. */
  readonly publicUrl: string | null;
}

export interface OpsConfig {
  readonly readApi: ReadApiSettings;
}

const TOKEN = /^[\x21-\x7e]{16,}$/;

/** Pure: reads and validates the ops variables from the given environment. */
export function loadOpsConfig(env: Readonly<Record<string, string | undefined>>): OpsConfig {
  const problems: string[] = [];
  const tokens = (env.READ_API_TOKENS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (tokens.some((t) => !TOKEN.test(t)))
    problems.push('READ_API_TOKENS=<secret>: each token must be at least 16 printable characters without spaces or commas');
  const pageText = env.READ_API_MAX_PAGE_SIZE ?? '100';
  const maxPageSize = Number(pageText);
  if (!/^\d+$/.test(pageText) || maxPageSize < 1 || maxPageSize > 1000)
    problems.push(`READ_API_MAX_PAGE_SIZE=${JSON.stringify(pageText)}: must be an integer from 1 to 1000`);
  const publicUrl = parsePublicUrl(env.READ_API_PUBLIC_URL ?? '', problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ readApi: Object.freeze({ tokens: Object.freeze(tokens.map((t) => new Secret(t))), maxPageSize, publicUrl }) });
}

function parsePublicUrl(text: string, problems: string[]): string | null {
  if (text.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push(`READ_API_PUBLIC_URL=${JSON.stringify(text)}: not a URL`);
    return null;
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    problems.push(
      `READ_API_PUBLIC_URL=${JSON.stringify(text)}: must be http(s)://host[:port][/prefix], without query, fragment or credentials`,
    );
    return null;
  }
  return url.toString().replace(/\/+$/, '');
}

/** The values to add to Config.secrets (each token on its own, so a single token in a log line is redacted too). */
export function opsSecrets(config: OpsConfig): Secret[] {
  return [...config.readApi.tokens];
}
