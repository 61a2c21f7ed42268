import type { PathName, Role } from '../contracts/operator-connect-api.js';
import { pathPattern, type PathPattern } from './http-kit.js';
import type { ApiOperation } from './operations.js';

interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: PathName;
  readonly operation: ApiOperation;
  /** Any one of these app roles allows the call (reference §1.2; the mapping is modelled). */
  readonly roles: readonly Role[];
}

const READ_NUMBERS: readonly Role[] = ['NumberManagement.Read', 'NumberManagement.Write'];
const READ_CONSENTS: readonly Role[] = ['PartnerSettings.Read', 'PartnerSettings.Write', 'NumberManagement.Read', 'NumberManagement.Write'];

const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: 'consents', operation: 'listConsents', roles: READ_CONSENTS },
  { method: 'GET', path: 'consent', operation: 'getConsent', roles: READ_CONSENTS },
  // ACG's role table lets both "change consents" role sets write the relationship.
  { method: 'PATCH', path: 'consent', operation: 'updateConsent', roles: ['PartnerSettings.Write', 'NumberManagement.Write'] },
  { method: 'POST', path: 'uploadOrders', operation: 'createUploadOrder', roles: ['NumberManagement.Write'] },
  { method: 'POST', path: 'releaseOrders', operation: 'createReleaseOrder', roles: ['NumberManagement.Write'] },
  { method: 'POST', path: 'updateOrders', operation: 'createUpdateOrder', roles: ['NumberManagement.Write'] },
  { method: 'GET', path: 'order', operation: 'getOrder', roles: READ_NUMBERS },
  { method: 'GET', path: 'numbers', operation: 'listNumbers', roles: READ_NUMBERS },
  { method: 'GET', path: 'number', operation: 'getNumber', roles: READ_NUMBERS },
];

export type RouteMatch =
  | {
      readonly kind: 'found';
      readonly operation: ApiOperation;
      readonly roles: readonly Role[];
      readonly params: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'methodNotAllowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'notFound' };

/** Resolves method and path to an operation; paths come from configuration. */
export class ApiRouter {
  private readonly compiled: readonly (RouteSpec & { readonly pattern: PathPattern })[];

  constructor(basePath: string, paths: Readonly<Record<PathName, string>>) {
    this.compiled = ROUTES.map((r) => ({ ...r, pattern: pathPattern(`${basePath}${paths[r.path]}`) }));
  }

  match(method: string, pathname: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.compiled) {
      const params = route.pattern.match(pathname);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', operation: route.operation, roles: route.roles, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'methodNotAllowed', allowed } : { kind: 'notFound' };
  }
}
