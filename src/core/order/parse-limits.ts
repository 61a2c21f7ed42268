/**
 * Bounds of one record's parsing, so a hostile or broken producer costs the
 * intake a bounded amount of memory and time and cannot crash it. The
 * worker's configuration fills them from the environment (names below);
 * `now` is the decision time, passed in so the core stays pure.
 */
export interface ParseLimits {
  /** Largest record value in bytes, checked before decoding (env INTAKE_MAX_RECORD_BYTES). */
  readonly maxRecordBytes: number;
  /** Deepest nesting of JSON arrays and objects, checked before JSON.parse (env INTAKE_MAX_JSON_DEPTH). */
  readonly maxJsonDepth: number;
  /** How far requestedAt may lie ahead of `now` (clock skew between BSS and worker; env INTAKE_MAX_FUTURE_SKEW_MS). */
  readonly maxFutureSkewMs: number;
  /** The decision time, epoch milliseconds. */
  readonly now: number;
}

export const DEFAULT_PARSE_LIMITS: Omit<ParseLimits, 'now'> = Object.freeze({
  // 4 MiB: an order of 10,000 numbers is about 2.5 MB of JSON (README, topic sizing).
  maxRecordBytes: 4_194_304,
  // An order nests about 10 deep (structured mode one more); read-only error details a few more.
  maxJsonDepth: 64,
  maxFutureSkewMs: 300_000,
});

/**
 * Violations of one kind listed per record (duplicate keys, control
 * characters, lone surrogates); beyond it one summary counts the rest, as
 * MAX_WARNINGS does for warnings.
 */
export const MAX_VIOLATIONS_PER_CODE = 100;
