import { pointerToken } from './schema-errors.js';

/**
 * One pass over a record's JSON text before JSON.parse, for what JSON.parse
 * hides or cannot bound: nesting depth (deep data overflows the stack of
 * every recursive walker after it: ajv, the rules, canonicalJson), duplicate
 * member names (JSON.parse silently keeps the last, so two readers of the
 * same record may disagree on it) and whether any string may hold a control
 * character or a lone surrogate (so the exact check walks the parsed value
 * only when needed).
 *
 * It is not a parser: JSON.parse stays the judge of validity. On invalid
 * JSON it returns something without throwing and in linear time, and the
 * caller reports the text as unparseable. It is checked against jsonc-parser
 * by property tests (test/unit/core/order/json-scan.property.test.ts).
 *
 * Cost matters (it runs on every record): string contents are skipped with
 * native indexOf, the next backslash is looked up lazily so escapes cost
 * nothing in strings without them, and member names are compared in a small
 * array until an object gets large.
 */

export interface JsonScan {
  /** Deepest nesting of arrays and objects seen (a scalar document is 0, `{}` is 1); maxDepth + 1 when the limit was passed. */
  readonly depth: number;
  /** RFC 6901 pointer of the value whose opening bracket passed maxDepth (scanning stopped there); null when within the limit. */
  readonly tooDeepAt: string | null;
  /** Pointers of members whose name (unescaped) repeats an earlier member of the same object, in document order, at most maxReported. */
  readonly duplicateKeys: readonly string[];
  /** How many such members in all (more than duplicateKeys.length when the list was capped). */
  readonly duplicateKeyCount: number;
  /**
   * True when some string may hold a control character (U+0000–U+001F,
   * U+007F) or a lone surrogate once unescaped: an escape such as \n, \u0000
   * or an unpaired \ud800, or a raw U+007F (legal in JSON text). Raw C0
   * characters are invalid JSON and raw lone surrogates cannot come out of a
   * fatal UTF-8 decoder, so the text holds no others.
   */
  readonly suspectCharacters: boolean;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LETTER_U = 0x75;

/** Names kept in a plain array up to this many per object (faster than a Set when small); a Set beyond. */
const SMALL_OBJECT = 16;

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** The code unit of the 4 hex digits at `at`, or -1 when they are not 4 hex digits (invalid JSON). */
function hex4(text: string, at: number): number {
  const a = hexDigit(text.charCodeAt(at));
  const b = hexDigit(text.charCodeAt(at + 1));
  const c = hexDigit(text.charCodeAt(at + 2));
  const d = hexDigit(text.charCodeAt(at + 3));
  return a < 0 || b < 0 || c < 0 || d < 0 ? -1 : (a << 12) | (b << 8) | (c << 4) | d;
}

/** A member name with escapes, unescaped by JSON.parse itself (never by hand); the raw text if it is not a valid literal. */
function unescapedName(text: string, openingQuote: number, closingQuote: number): string {
  const literal = text.slice(openingQuote, closingQuote + 1);
  try {
    const value: unknown = JSON.parse(literal);
    if (typeof value === 'string') return value;
  } catch {
    // Invalid JSON: JSON.parse will refuse the whole text anyway.
  }
  return literal.slice(1, -1);
}

/** The name of a member from its raw range (quotes excluded). */
function nameAt(text: string, start: number, end: number, escaped: boolean): string {
  return escaped ? unescapedName(text, start - 1, end) : text.slice(start, end);
}

/** Two unescaped names compared where they stand in the text, without copying short ones. */
function sameRawName(text: string, a: number, b: number, length: number): boolean {
  // A long name is compared natively (a slice that long is a view, not a copy).
  if (length > 32) return text.startsWith(text.slice(b, b + length), a);
  for (let k = 0; k < length; k++) {
    if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  }
  return true;
}

/** Per open container (index = depth - 1): what a pointer to its current child needs. */
interface Levels {
  readonly isArray: boolean[];
  readonly index: number[];
  readonly memberStart: number[];
  readonly memberEnd: number[];
  readonly memberEscaped: boolean[];
}

function pointerTo(text: string, levels: Levels, depth: number): string {
  let out = '';
  for (let level = 0; level < depth; level++) {
    out +=
      levels.isArray[level] === true
        ? `/${String(levels.index[level] ?? 0)}`
        : `/${pointerToken(nameAt(text, levels.memberStart[level] ?? 0, levels.memberEnd[level] ?? 0, levels.memberEscaped[level] === true))}`;
  }
  return out;
}

/**
 * Scans `text` (meant to be JSON) and stops early once nesting passes
 * `maxDepth`. Iterative: deep input costs no stack.
 */
export function scanJson(text: string, maxDepth: number, maxReported: number): JsonScan {
  const length = text.length;
  const levels: Levels = { isArray: [], index: [], memberStart: [], memberEnd: [], memberEscaped: [] };
  const { isArray, index, memberStart, memberEnd, memberEscaped } = levels;
  // The names of the open objects, innermost last, as raw ranges: start, end, 1 if escaped.
  // `namesTop` is its logical length (cheaper than assigning names.length on every close).
  const names: number[] = [];
  let namesTop = 0;
  // Per open object: where its names begin in `names`, and its Set once it is large.
  const namesFrom: number[] = [];
  const sets: (Set<string> | undefined)[] = [];
  const duplicateKeys: string[] = [];
  let duplicateKeyCount = 0;
  let depth = 0;
  let deepest = 0;
  let tooDeepAt: string | null = null;
  let expectName = false;
  let suspect = text.indexOf('\u007f') !== -1;
  // The first backslash at or after the current string, or -1 when none is left: found lazily, so linear overall.
  let backslash = text.indexOf('\\');

  let i = 0;
  scan: while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const start = i + 1;
      let end = text.indexOf('"', start);
      if (end === -1) break;
      let escaped = false;
      if (backslash !== -1 && backslash < start) backslash = text.indexOf('\\', start);
      while (backslash !== -1 && backslash < end) {
        escaped = true;
        const kind = text.charCodeAt(backslash + 1);
        let next = backslash + 2;
        if (kind === LETTER_U) {
          const unit = hex4(text, backslash + 2);
          next = backslash + 6;
          if (unit === -1) {
            // Not an escape JSON.parse accepts: nothing to learn.
          } else if (unit < 0x20 || unit === 0x7f) {
            suspect = true;
          } else if (unit >= 0xd800 && unit <= 0xdbff) {
            // A high surrogate is whole only when a low surrogate escape follows at once.
            const low = text.charCodeAt(next) === BACKSLASH && text.charCodeAt(next + 1) === LETTER_U ? hex4(text, next + 2) : -1;
            if (low >= 0xdc00 && low <= 0xdfff) next += 6;
            else suspect = true;
          } else if (unit >= 0xdc00 && unit <= 0xdfff) {
            suspect = true;
          }
        } else if (kind === 0x62 || kind === 0x66 || kind === 0x6e || kind === 0x72 || kind === 0x74) {
          // \b \f \n \r \t
          suspect = true;
        }
        // An escaped quote (or, in invalid JSON, an escape running past the quote) does not end the string.
        if (next > end) {
          end = text.indexOf('"', next);
          if (end === -1) break scan;
        }
        backslash = text.indexOf('\\', next);
      }
      if (expectName && depth > 0) {
        expectName = false;
        const level = depth - 1;
        memberStart[level] = start;
        memberEnd[level] = end;
        memberEscaped[level] = escaped;
        let duplicate = false;
        const set = sets[level];
        if (set !== undefined) {
          const name = nameAt(text, start, end, escaped);
          duplicate = set.has(name);
          set.add(name);
        } else {
          const from = namesFrom[level] ?? 0;
          const size = end - start;
          for (let k = from; k < namesTop; k += 3) {
            const otherStart = names[k] ?? 0;
            const otherEnd = names[k + 1] ?? 0;
            if (!escaped && names[k + 2] === 0) {
              if (otherEnd - otherStart === size && sameRawName(text, start, otherStart, size)) duplicate = true;
            } else if (nameAt(text, start, end, escaped) === nameAt(text, otherStart, otherEnd, names[k + 2] === 1)) {
              duplicate = true;
            }
            if (duplicate) break;
          }
          names[namesTop] = start;
          names[namesTop + 1] = end;
          names[namesTop + 2] = escaped ? 1 : 0;
          namesTop += 3;
          if (namesTop - from > 3 * SMALL_OBJECT) {
            const large = new Set<string>();
            for (let k = from; k < namesTop; k += 3) large.add(nameAt(text, names[k] ?? 0, names[k + 1] ?? 0, names[k + 2] === 1));
            sets[level] = large;
            namesTop = from;
          }
        }
        if (duplicate) {
          duplicateKeyCount++;
          if (duplicateKeys.length < maxReported) duplicateKeys.push(pointerTo(text, levels, depth));
        }
      }
      i = end + 1;
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (depth >= maxDepth) {
        tooDeepAt = pointerTo(text, levels, depth);
        deepest = depth + 1;
        break;
      }
      const array = code === OPEN_BRACKET;
      isArray[depth] = array;
      index[depth] = 0;
      if (!array) {
        namesFrom[depth] = namesTop;
        sets[depth] = undefined;
      }
      depth++;
      if (depth > deepest) deepest = depth;
      expectName = !array;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (depth > 0) {
        depth--;
        if (isArray[depth] !== true) {
          namesTop = namesFrom[depth] ?? 0;
          sets[depth] = undefined;
        }
      }
      expectName = false;
    } else if (code === COMMA && depth > 0) {
      const level = depth - 1;
      if (isArray[level] === true) index[level] = (index[level] ?? 0) + 1;
      else expectName = true;
    }
    i++;
  }
  return { depth: deepest, tooDeepAt, duplicateKeys, duplicateKeyCount, suspectCharacters: suspect };
}
