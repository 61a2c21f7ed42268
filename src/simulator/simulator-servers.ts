import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface SimulatorEndpoints {
  /** API base URL (plain HTTP), e.g. http://127.0.0.1:41234/api. */
  readonly url: string;
  /** Root of the admin endpoints, e.g. http://127.0.0.1:41234/admin. */
  readonly adminUrl: string;
  /** The token endpoint (HTTPS), e.g. https://127.0.0.1:41235/{tenant}/oauth2/v2.0/token. */
  readonly tokenUrl: string;
  /** For @azure/identity's `authorityHost` (with `disableInstanceDiscovery: true`). */
  readonly authorityHost: string;
  /** The fake Entra ID's self-signed certificate: add it to the client's trusted CAs. */
  readonly caCertificatePem: string;
  readonly tenantId: string;
  readonly scope: string;
  readonly apiVersion: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Where the pair listens once started. */
export interface ListeningServers {
  /** The API's origin (plain HTTP), e.g. http://127.0.0.1:41234. */
  readonly apiOrigin: string;
  /** The fake Entra ID's origin (HTTPS): @azure/identity's authorityHost. */
  readonly authorityHost: string;
  /** Its self-signed certificate, for the client's trusted CAs. */
  readonly certificatePem: string;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

const hostForUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * A simulator's two listeners: its API (HTTP) and its fake Entra ID (HTTPS,
 * with a certificate made at the first start). A stop() then start() keeps
 * the ports and the certificate, so a restart looks like an outage, not a move.
 */
export class SimulatorServers {
  private certificate: ReturnType<typeof createSelfSignedCertificate> | undefined;
  private api: Server | undefined;
  private token: Server | undefined;
  private ports: { api: number; token: number };

  constructor(
    private readonly settings: { readonly host: string; readonly port: number; readonly tokenPort: number; readonly name: string },
    private readonly onApi: Handler,
    private readonly onToken: Handler,
  ) {
    this.ports = { api: settings.port, token: settings.tokenPort };
  }

  /** Whether start() ran before (a restart keeps state; the first start loads seeds). */
  get startedBefore(): boolean {
    return this.certificate !== undefined;
  }

  async start(): Promise<ListeningServers> {
    const { host } = this.settings;
    // Unique per instance: a client trusting two simulators' certificates (NODE_EXTRA_CA_CERTS) finds each by its name.
    this.certificate ??= createSelfSignedCertificate({
      commonName: `${this.settings.name} ${randomBytes(6).toString('hex')}`,
      hosts: ['localhost', '127.0.0.1', '::1', host],
    });
    this.api = createHttpServer(this.onApi);
    this.token = createHttpsServer({ cert: this.certificate.certificatePem, key: this.certificate.privateKeyPem }, this.onToken);
    const api = await listen(this.api, this.ports.api, host);
    const token = await listen(this.token, this.ports.token, host);
    this.ports = { api, token };
    const urlHost = hostForUrl(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    return {
      apiOrigin: `http://${urlHost}:${api}`,
      authorityHost: `https://${urlHost}:${token}`,
      certificatePem: this.certificate.certificatePem,
    };
  }

  async stop(): Promise<void> {
    await Promise.all([this.api ? close(this.api) : undefined, this.token ? close(this.token) : undefined]);
    this.api = undefined;
    this.token = undefined;
  }
}

/** A simulator's endpoints once its servers listen: the API below `basePath`, its admin root, the fake Entra ID's token endpoint. */
export function simulatorEndpoints(
  listening: ListeningServers,
  api: {
    readonly basePath: string;
    readonly tenantId: string;
    readonly scope: string;
    readonly apiVersion: string;
    readonly client: { readonly clientId: string; readonly clientSecret: string } | undefined;
  },
): SimulatorEndpoints {
  return Object.freeze({
    url: `${listening.apiOrigin}${api.basePath}`,
    adminUrl: `${listening.apiOrigin}/admin`,
    tokenUrl: `${listening.authorityHost}/${api.tenantId}/oauth2/v2.0/token`,
    authorityHost: listening.authorityHost,
    caCertificatePem: listening.certificatePem,
    tenantId: api.tenantId,
    scope: api.scope,
    apiVersion: api.apiVersion,
    clientId: api.client?.clientId ?? '',
    clientSecret: api.client?.clientSecret ?? '',
  });
}
