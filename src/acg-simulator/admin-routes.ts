import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, pathPattern, readBody, sendReply } from '../simulator/http-kit.js';
import type { Reply } from '../simulator/reply.js';
import type { TokenOverrides } from '../simulator/token-authority.js';
import type { AcgCounters } from './acg-counters.js';
import type { AcgSimulatorAdmin } from './acg-admin.js';
import { AcgError } from './acg-error.js';
import type { NumberErrorSeed, RequestForInformationSeed } from './options.js';

type AdminHandler = (params: Readonly<Record<string, string>>, body: () => Promise<Record<string, unknown>>) => Promise<Reply> | Reply;

const ok = (body: unknown): Reply => ({ status: 200, body });

/** Simulator-only endpoints under /admin: no token, not counted, no faults, not in the swagger. */
export function acgAdminRoutes(
  admin: AcgSimulatorAdmin,
  counters: AcgCounters,
): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> {
  const table: { method: string; pattern: ReturnType<typeof pathPattern>; handle: AdminHandler }[] = [
    { method: 'GET', pattern: pathPattern('/admin/counters'), handle: () => ok(counters.snapshot()) },
    {
      method: 'POST',
      pattern: pathPattern('/admin/tokens'),
      handle: async (_p, body) => {
        const { clientId, ...overrides } = (await body()) as { clientId?: string } & TokenOverrides;
        return ok({ access_token: admin.issueToken(clientId, overrides) });
      },
    },
    { method: 'POST', pattern: pathPattern('/admin/provisioning/settle'), handle: () => ok({ settled: admin.settleProvisioning() }) },
    {
      method: 'PUT',
      pattern: pathPattern('/admin/requests-for-information/{tenantId}'),
      handle: async (p, body) => {
        admin.putRequestForInformation({ ...((await body()) as Omit<RequestForInformationSeed, 'tenantId'>), tenantId: p.tenantId ?? '' });
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: pathPattern('/admin/numbers/{telephoneNumber}/errors'),
      handle: async (p, body) => {
        admin.scriptNumberError({
          ...((await body()) as Omit<NumberErrorSeed, 'telephoneNumber'>),
          telephoneNumber: p.telephoneNumber ?? '',
        });
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: pathPattern('/admin/faults'),
      handle: async (_p, body) => ok({ pendingScript: admin.injectFaults(await body()) }),
    },
    {
      method: 'DELETE',
      pattern: pathPattern('/admin/faults'),
      handle: () => {
        admin.clearFaults();
        return { status: 204 };
      },
    },
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
      if (!route) throw new AcgError(404, 'NotFound', `No admin endpoint at ${request.method ?? ''} ${url.pathname}.`);
      const body = async (): Promise<Record<string, unknown>> => {
        const raw = await readBody(request);
        return raw.length === 0 ? {} : (parseJson(request, raw) as Record<string, unknown>);
      };
      reply = await route.handle(route.pattern.match(url.pathname) ?? {}, body);
    } catch (error) {
      if (error instanceof AcgError) reply = error.toReply();
      else if (error instanceof Error) reply = new AcgError(400, 'InvalidRequest', error.message).toReply();
      else throw error;
    }
    sendReply(response, reply);
  };
}
