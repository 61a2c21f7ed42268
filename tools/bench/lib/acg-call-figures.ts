import type { AcgCounterSnapshot, SpecOperation } from '../../../src/acg-simulator/index.js';
import type { CallsByOperation } from '../../shared/describe-calls.js';

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the ACG simulator answered between two counter snapshots, by kind of call. */
export interface AcgCallFigures {
  /** Provisioning API requests (every swagger operation, any status; the fake Entra ID's calls not included). */
  readonly requests: number;
  /** POST/PUT/PATCH/DELETE requests, any status (a 429'd one included: it was sent). */
  readonly mutating: number;
  /** Those answered 2xx. */
  readonly mutatingAccepted: number;
  /** GET requests, any status. */
  readonly reads: number;
  /** :createOrUpdateNumbers requests, answered 2xx. */
  readonly numberWrites: number;
  /** :deleteNumbers requests, any status. */
  readonly numberDeletes: number;
  /** Pages of an account's numbers (GET /accounts/{name}/numbers): the status reads of numbers. */
  readonly numberListPages: number;
  /** Requests for information (consents): lists and gets. */
  readonly consentReads: number;
  /** PATCHes of a request for information (customer relationship). */
  readonly consentWrites: number;
  /** Account calls (PUT, GET, DELETE, list). */
  readonly accountCalls: number;
  /** Token and OpenID configuration requests to the fake Entra ID. */
  readonly entra: number;
  readonly throttled: number;
  readonly replays: number;
  /** Operation → status → count, for the record. */
  readonly byOperation: CallsByOperation;
}

export function acgCallFigures(
  after: AcgCounterSnapshot,
  before: AcgCounterSnapshot,
  operations: readonly Pick<SpecOperation, 'operationId' | 'method'>[],
): AcgCallFigures {
  const methods = new Map(operations.map((o) => [o.operationId, o.method.toUpperCase()]));
  const byOperation: Record<string, Record<string, number>> = {};
  for (const [operation, statuses] of Object.entries(after.calls)) {
    for (const [status, count] of Object.entries(statuses)) {
      const n = count - (before.calls[operation]?.[status] ?? 0);
      if (n === 0) continue;
      byOperation[operation] = { ...(byOperation[operation] ?? {}), [status]: n };
    }
  }
  const sum = (keep: (operation: string, status: string) => boolean): number => {
    let n = 0;
    for (const [operation, statuses] of Object.entries(byOperation)) {
      for (const [status, count] of Object.entries(statuses)) if (keep(operation, status)) n += count;
    }
    return n;
  };
  const api = (operation: string): boolean => methods.has(operation);
  const ok = (status: string): boolean => /^2\d\d$/.test(status);
  const mutating = (operation: string): boolean => MUTATING_METHODS.has(methods.get(operation) ?? '');
  return {
    requests: sum((op) => api(op)),
    mutating: sum((op) => mutating(op)),
    mutatingAccepted: sum((op, status) => mutating(op) && ok(status)),
    reads: sum((op) => methods.get(op) === 'GET'),
    numberWrites: sum((op, status) => op === 'Accounts_CreateOrUpdateNumbers' && ok(status)),
    numberDeletes: sum((op) => op === 'Accounts_DeleteNumbers'),
    numberListPages: sum((op) => op === 'Accounts_ListNumbers'),
    consentReads: sum((op) => op.startsWith('TeamsRequestsForInformation_') && methods.get(op) === 'GET'),
    consentWrites: sum((op) => op.startsWith('TeamsRequestsForInformation_') && mutating(op)),
    accountCalls: sum((op) => /^Accounts_(List|Get|CreateOrReplace|Delete)$/.test(op)),
    entra: sum((op) => !api(op) && op !== 'unknown'),
    throttled: sum((op, status) => api(op) && status === '429'),
    replays: after.replays - before.replays,
    byOperation,
  };
}
