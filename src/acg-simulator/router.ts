import { pathPattern, type PathPattern } from '../simulator/http-kit.js';
import type { SpecOperation } from './spec.js';

export type AcgRoute =
  | { readonly kind: 'found'; readonly operation: SpecOperation; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'methodNotAllowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'notFound' };

/**
 * The swagger's paths under basePath. A path with a literal action suffix
 * ("/accounts/{accountName}:deleteNumbers") is tried before the bare one,
 * whose {accountName} would otherwise swallow ":deleteNumbers".
 */
export class AcgRouter {
  private readonly templates: { pattern: PathPattern; operations: SpecOperation[] }[];

  constructor(operations: readonly SpecOperation[], basePath: string) {
    const byTemplate = new Map<string, SpecOperation[]>();
    for (const op of operations) byTemplate.set(op.template, [...(byTemplate.get(op.template) ?? []), op]);
    const literalLength = (t: string): number => t.replace(/\{[^}]+\}/g, '').length;
    this.templates = [...byTemplate.entries()]
      .sort(([a], [b]) => literalLength(b) - literalLength(a))
      .map(([template, ops]) => ({ pattern: pathPattern(`${basePath}${template}`), operations: ops }));
  }

  match(method: string, pathname: string): AcgRoute {
    for (const { pattern, operations } of this.templates) {
      const params = pattern.match(pathname);
      if (!params) continue;
      const operation = operations.find((op) => op.method === method);
      if (operation) return { kind: 'found', operation, params };
      return { kind: 'methodNotAllowed', allowed: operations.map((op) => op.method) };
    }
    return { kind: 'notFound' };
  }
}
