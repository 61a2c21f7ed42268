import { errorChain, messageOf, oneLine, systemCode } from './error-chain.js';
import type { Explanation } from './explanation.js';

/** The settings a listening server reads its address from (the worker's by default). */
export interface ListenSettingNames {
  readonly host: string;
  readonly port: string;
}

export const HTTP_SETTINGS: ListenSettingNames = { host: 'HTTP_HOST', port: 'HTTP_PORT' };

/** Whether the failure is a server's listen() (EADDRINUSE and friends). */
export function isListenError(error: unknown): boolean {
  return errorChain(error).some((e) => e.syscall === 'listen' || e.syscall === 'bind');
}

/** One line for a server that cannot listen, naming HTTP_PORT / HTTP_HOST (or the names given). */
export function explainHttpListenError(error: unknown, host: string, port: number, names: ListenSettingNames = HTTP_SETTINGS): Explanation {
  const code = systemCode(errorChain(error));
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const settings = `${names.port}=${port}, ${names.host}=${host}`;
  switch (code) {
    case 'EADDRINUSE':
      return {
        code: 'http_port_in_use',
        line: `cannot listen on ${address}: the port is in use by another process (${settings}): stop that process, or set ${names.port} to a free port (0 picks one)`,
        retryable: false,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'http_permission_denied',
        line: `cannot listen on ${address}: permission denied (${settings}): ports below 1024 need privileges; set ${names.port} to 1024 or above`,
        retryable: false,
      };
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        code: 'http_address_unavailable',
        line: `cannot listen on ${address}: the address is not one of this host's (${settings}): set ${names.host} to 0.0.0.0 (every interface), 127.0.0.1 or an address of this host`,
        retryable: false,
      };
    default:
      return {
        code: 'http_listen_failed',
        line: `cannot listen on ${address} (${settings}): ${oneLine(messageOf(error))}`,
        retryable: false,
      };
  }
}
