import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Field paths that carry credentials wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  '*.*.clientSecret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'sasl',
  '*.sasl',
  'config.database.url',
];

export interface LoggerOptions {
  readonly level: string;
  /** Literal secret values to scrub from any line, whatever field or message carries them. */
  readonly secrets?: readonly string[];
  readonly destination?: DestinationStream;
  readonly name?: string;
}

/**
 * Path-based redaction catches the known fields; the value scrub catches a
 * secret that slipped into a message or an error text.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
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
