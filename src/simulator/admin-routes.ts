import type { IncomingMessage, ServerResponse } from 'node:http';
import { FlowthroughError } from '../core/errors.js';
import type { Counters } from './counters.js';
import type { FaultOptions } from './faults.js';
import { parseJson, pathPattern, readBody, sendReply } from './http-kit.js';
import type { Ledger, LedgerFilter } from './ledger.js';
import { assignmentSchema } from './option-schemas.js';
import { ApiError, ok, type Reply } from './reply.js';
import type { SimulatorAdmin } from './simulator-admin.js';
import type { ConsentPatch } from './state.js';
import type { NumberSeed } from './seeds.js';
import type { TokenOverrides } from './token-authority.js';
import { check } from './validation.js';

type AdminHandler = (params: Readonly<Record<string, string>>, request: IncomingMessage, url: URL) => Promise<Reply> | Reply;

const LEDGER_FILTERS = ['tenantId', 'telephoneNumber', 'operation', 'requestId', 'orderId'] as const;

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  return parseJson(request, await readBody(request));
}

/**
 * Simulator-only endpoints under /admin: no token, not counted, no faults.
 * They drive what in real life the enterprise or Microsoft would do.
 */
export function adminRoutes(
  admin: SimulatorAdmin,
  ledger: Ledger,
  counters: Counters,
): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> {
  const table: { method: string; pattern: ReturnType<typeof pathPattern>; handle: AdminHandler }[] = [
    {
      method: 'GET',
      pattern: pathPattern('/admin/ledger'),
      handle: (_p, _r, url) => {
        const filter: Record<string, string> = {};
        for (const name of LEDGER_FILTERS) {
          const value = url.searchParams.get(name);
          if (value !== null) filter[name] = value;
        }
        const entries = ledger.entries(filter as LedgerFilter);
        return ok({ count: entries.length, entries });
      },
    },
    { method: 'GET', pattern: pathPattern('/admin/counters'), handle: () => ok(counters.snapshot()) },
    { method: 'GET', pattern: pathPattern('/admin/numbers'), handle: () => ok({ value: admin.numbers() }) },
    {
      method: 'PUT',
      pattern: pathPattern('/admin/consents/{tenantId}'),
      handle: async (p, r) => ok(admin.setConsent(p.tenantId ?? '', (await jsonBody(r)) as ConsentPatch)),
    },
    {
      method: 'PUT',
      pattern: pathPattern('/admin/numbers/{telephoneNumber}'),
      handle: async (p, r) =>
        ok(
          admin.placeNumber({ ...((await jsonBody(r)) as Omit<NumberSeed, 'telephoneNumber'>), telephoneNumber: p.telephoneNumber ?? '' }),
        ),
    },
    {
      method: 'PUT',
      pattern: pathPattern('/admin/numbers/{telephoneNumber}/assignment'),
      handle: async (p, r) => {
        const body = await jsonBody(r);
        const problems = check(assignmentSchema, body);
        if (problems.length > 0) throw new ApiError(400, 'InvalidRequestBody', 'Expected { "assignedToUser": boolean }.');
        const number = p.telephoneNumber ?? '';
        if (!admin.numbers().some((n) => n.telephoneNumber === number)) throw new ApiError(404, 'NotFound', `No tenant holds ${number}.`);
        return ok(admin.setAssignedToUser(number, (body as { assignedToUser: boolean }).assignedToUser));
      },
    },
    {
      method: 'POST',
      pattern: pathPattern('/admin/faults'),
      handle: async (_p, r) => ok({ pendingScript: admin.injectFaults((await jsonBody(r)) as FaultOptions) }),
    },
    {
      method: 'DELETE',
      pattern: pathPattern('/admin/faults'),
      handle: () => {
        admin.clearFaults();
        return { status: 204 };
      },
    },
    { method: 'POST', pattern: pathPattern('/admin/orders/process'), handle: () => ok({ value: admin.processOrders() }) },
    {
      method: 'POST',
      pattern: pathPattern('/admin/tokens'),
      handle: async (_p, r) => {
        const { clientId, ...overrides } = ((await jsonBody(r)) ?? {}) as { clientId?: unknown } & TokenOverrides;
        if (clientId !== undefined && typeof clientId !== 'string')
          throw new ApiError(400, 'InvalidRequestBody', 'clientId must be a string.');
        return ok({ access_token: admin.issueToken(clientId, overrides) });
      },
    },
    { method: 'POST', pattern: pathPattern('/admin/signing-keys/rotate'), handle: () => ok({ kid: admin.rotateSigningKey() }) },
    {
      method: 'POST',
      pattern: pathPattern('/admin/reset'),
      handle: () => {
        admin.reset();
        return { status: 204 };
      },
    },
  ];

  return async (request, response, url) => {
    let reply: Reply;
    try {
      const route = table.find((r) => r.method === request.method && r.pattern.match(url.pathname));
      if (!route) throw new ApiError(404, 'NotFound', `No admin endpoint at ${request.method ?? ''} ${url.pathname}.`);
      reply = await route.handle(route.pattern.match(url.pathname) ?? {}, request, url);
    } catch (error) {
      if (error instanceof ApiError) reply = error.toReply();
      else if (error instanceof FlowthroughError) reply = new ApiError(400, 'InvalidRequestBody', error.message).toReply();
      else throw error;
    }
    sendReply(response, reply);
  };
}
