import { pino, type Logger, type DestinationStream } from 'pino';
import { Secret } from '../config/secret.js';

export type { Logger } from 'pino';

/**
 * Field paths of credentials in the objects we build ourselves (HTTP headers,
 * token responses). Configuration secrets are Secret values and serialise as
 * "[Redacted]" on their own; frozen config objects must not match a path here,
 * since pino's redaction writes into the object it redacts.
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'access_token',
  '*.access_token',
  'client_secret',
  '*.client_secret',
];

export interface LoggerOptions {
  readonly level: string;
  /** Literal secret values to scrub from any line, whatever field or message carries them. */
  readonly secrets?: readonly (Secret | string)[];
  readonly destination?: DestinationStream;
  readonly name?: string;
}

/**
 * Path-based redaction catches the known fields; the value scrub catches a
 * secret that slipped into a message or an error text.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).map((s) => (s instanceof Secret ? s.reveal() : s)).filter((s) => s.length > 0);
  const escaped = secrets.map((s) => JSON.stringify(s).slice(1, -1));
  const scrub = (line: string): string => {
    let out = line;
    for (const s of escaped) out = out.split(s).join('[Redacted]');
    return out;
  };
  return pino(
    {
      level: options.level,
      name: options.name ?? 'flowthrough',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      hooks: secrets.length > 0 ? { streamWrite: scrub } : {},
    },
    options.destination ?? pino.destination(1),
  );
}
