import type { Violation } from './order.js';
import { MAX_VIOLATIONS_PER_CODE } from './parse-limits.js';
import { pointerToken } from './schema-errors.js';

/**
 * Characters no order field may carry: C0 controls and DEL (invisible in
 * logs and consoles, able to forge log lines or SIP header lines, and U+0000
 * is refused by PostgreSQL text and jsonb, which would fail the whole intake
 * transaction), and lone surrogates (not characters at all: they cannot be
 * encoded as UTF-8, so they break whatever stores or forwards them).
 */
const CONTROL = /[\u0000-\u001f\u007f]/;
// With the u flag a surrogate pair is one code point; only an unpaired surrogate is in category Cs.
const LONE_SURROGATE = /\p{Cs}/u;
const UNACCEPTED = /[\u0000-\u001f\u007f]|\p{Cs}/gu;

/** "U+000A" for a code unit. */
export function codePointName(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** True when `text` has no control character and no lone surrogate. */
export function isCleanText(text: string): boolean {
  return !CONTROL.test(text) && !LONE_SURROGATE.test(text);
}

/**
 * The text with every control character and lone surrogate spelled as a
 * \uXXXX escape: for violation paths and messages, which quote what they
 * refuse and must themselves be storable (jsonb) and loggable.
 */
export function printable(text: string): string {
  return isCleanText(text) ? text : text.replace(UNACCEPTED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What is wrong in one string: the first control character and the first lone surrogate, each if any. */
export function characterProblems(text: string): {
  readonly control?: { at: number; unit: number };
  readonly surrogate?: { at: number; unit: number };
} {
  const control = text.search(CONTROL);
  const surrogate = text.search(LONE_SURROGATE);
  return {
    ...(control === -1 ? {} : { control: { at: control, unit: text.charCodeAt(control) } }),
    ...(surrogate === -1 ? {} : { surrogate: { at: surrogate, unit: text.charCodeAt(surrogate) } }),
  };
}

function summary(code: 'control_character' | 'invalid_unicode', count: number, what: string): Violation {
  return {
    code,
    path: '',
    message: `${count - MAX_VIOLATIONS_PER_CODE} more strings with ${what} (only the first ${MAX_VIOLATIONS_PER_CODE} are listed)`,
  };
}

/**
 * Collects control_character and invalid_unicode violations, at most
 * MAX_VIOLATIONS_PER_CODE of each, then one summary per code with the count
 * of the rest: a hostile record cannot bloat its dead letter.
 */
export class CharacterFindings {
  private readonly list: Violation[] = [];
  private control = 0;
  private surrogate = 0;

  /**
   * Checks one string; `what` names it in the message ("correlationId",
   * "the member name", "header ce_id"), `where` ends the sentence ("in order
   * fields").
   */
  check(text: string, path: string, what: string, where: string): void {
    if (isCleanText(text)) return;
    const { control, surrogate } = characterProblems(text);
    if (control !== undefined && ++this.control <= MAX_VIOLATIONS_PER_CODE) {
      this.list.push({
        code: 'control_character',
        path,
        message: `${what} contains ${codePointName(control.unit)} (a control character) at offset ${control.at}; control characters (U+0000–U+001F, U+007F) are not accepted ${where}`,
      });
    }
    if (surrogate !== undefined && ++this.surrogate <= MAX_VIOLATIONS_PER_CODE) {
      this.list.push({
        code: 'invalid_unicode',
        path,
        message: `${what} contains a lone surrogate ${codePointName(surrogate.unit)} at offset ${surrogate.at} (broken UTF-16, not a character); text must be valid Unicode ${where}`,
      });
    }
  }

  /** A violation found by other means (a header's U+FFFD), counted against the same cap. */
  add(violation: Violation): void {
    if (violation.code === 'invalid_unicode' && ++this.surrogate > MAX_VIOLATIONS_PER_CODE) return;
    if (violation.code === 'control_character' && ++this.control > MAX_VIOLATIONS_PER_CODE) return;
    this.list.push(violation);
  }

  /** The violations, then a summary per code that was cut short. Call once. */
  result(): readonly Violation[] {
    if (this.control > MAX_VIOLATIONS_PER_CODE) this.list.push(summary('control_character', this.control, 'control characters'));
    if (this.surrogate > MAX_VIOLATIONS_PER_CODE) this.list.push(summary('invalid_unicode', this.surrogate, 'lone surrogates'));
    return this.list;
  }
}

/**
 * Checks every string and member name inside `root` (a JSON.parse result) in
 * document order, iteratively (the scan has bounded the depth, but nothing
 * here needs the stack). Paths are RFC 6901 pointers prefixed by `rootPath`;
 * messages name a value by its member name (items of an array as name[i]).
 */
export function checkStrings(root: unknown, rootPath: string, rootLabel: string, findings: CharacterFindings, where: string): void {
  // Pending values, last first; a member's name is checked when its value comes up.
  const values: unknown[] = [root];
  const paths: string[] = [rootPath];
  const labels: string[] = [rootLabel];
  const names: (string | undefined)[] = [undefined];
  while (values.length > 0) {
    const value = values.pop();
    const path = paths.pop() ?? '';
    const label = labels.pop() ?? '';
    const name = names.pop();
    if (name !== undefined) findings.check(name, path, `the member name ${JSON.stringify(name)}`, where);
    if (typeof value === 'string') {
      findings.check(value, path, label, where);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        values.push(value[i]);
        paths.push(`${path}/${i}`);
        labels.push(`${label}[${i}]`);
        names.push(undefined);
      }
    } else if (typeof value === 'object' && value !== null) {
      // Own members only, never looked up by name: "__proto__" and "constructor" are plain names here.
      const members = Object.entries(value);
      for (let i = members.length - 1; i >= 0; i--) {
        const [memberName, memberValue] = members[i] as [string, unknown];
        values.push(memberValue);
        paths.push(`${path}/${pointerToken(memberName)}`);
        labels.push(printable(memberName));
        names.push(memberName);
      }
    }
  }
}
