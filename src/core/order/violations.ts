import type { Violation } from './order.js';

/**
 * Identity of a violation for de-duplication: a specific code at a path is
 * one fact however many layers (schema keywords, rules) noticed it; generic
 * schema violations at one path can be different facts, told apart by message.
 */
function violationKey(violation: Violation): string {
  return violation.code === 'schema_violation'
    ? `${violation.code}\u0000${violation.path}\u0000${violation.message}`
    : `${violation.code}\u0000${violation.path}`;
}

/** Concatenates violation lists, keeping the first of each fact (so earlier lists win on wording). */
export function mergeViolations(...lists: readonly (readonly Violation[])[]): Violation[] {
  const seen = new Set<string>();
  const merged: Violation[] = [];
  for (const list of lists) {
    for (const violation of list) {
      const key = violationKey(violation);
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(violation);
    }
  }
  return merged;
}
