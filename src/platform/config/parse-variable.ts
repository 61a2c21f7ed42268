import type { VariableSpec } from './variables.js';

export type VariableValue = string | number | boolean | string[];

/**
 * Parses one environment variable against its spec, adding a readable
 * problem (never echoing a secret) instead of throwing, so a loader can
 * report every bad variable at once. Shared by every config section.
 */
export function parseVariable(spec: VariableSpec, text: string, problems: string[]): VariableValue {
  const bad = (why: string): string => {
    problems.push(`${spec.name}=${spec.secret ? '<secret>' : JSON.stringify(text)}: ${why}`);
    return text;
  };
  if ('enum' in spec && spec.enum && !spec.enum.includes(text))
    return bad(`must be one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (spec.pattern && !new RegExp(spec.pattern).test(text)) return bad(`must match ${spec.pattern}`);
  switch (spec.type) {
    case 'integer': {
      if (!/^-?\d+$/.test(text.trim())) return bad('must be an integer');
      const n = Number(text);
      if (spec.minimum !== undefined && n < spec.minimum) return bad(`must be ≥ ${spec.minimum}`);
      if (spec.maximum !== undefined && n > spec.maximum) return bad(`must be ≤ ${spec.maximum}`);
      return n;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(t)) return true;
      if (['false', '0', 'no', ''].includes(t)) return false;
      return bad('must be true or false');
    }
    case 'list': {
      const items = text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (items.length === 0) return bad('must list at least one value');
      return items;
    }
    case 'url': {
      try {
        new URL(text);
        return text;
      } catch {
        return bad('must be a URL');
      }
    }
    default:
      return text;
  }
}
