import type { Pool } from 'pg';
import { AcgProvisioningClient } from '../../../acg/index.js';
import { ConfigError } from '../../../platform/config/config-error.js';
import type { Config } from '../../../platform/config/load-config.js';
import { createPool } from '../../../platform/db/pool.js';
import type { Logger } from '../../../platform/logging/logger.js';
import { OperatorConnectClient } from '../../../operator-connect/index.js';
import {
  CONSENT_STATES,
  consentDetail,
  consentJson,
  consentListJson,
  consentListTable,
  consentPage,
  consentText,
  defaultIo,
  errorLine,
  line,
  parse,
  positiveNumber,
  printJson,
  stringValue,
  UsageError,
  type OpsIo,
} from '../../../ops/index.js';
import { acgConsentReader, ConsentStateSync, operatorConnectConsentReader, type ConsentReader } from '../../../reconciler/index.js';
import { CONSENTS_USAGE } from '../usage.js';

export { CONSENTS_USAGE };

export interface ConsentsCommandDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly io?: OpsIo;
  /** For tests: the backend's consents instead of a client built from OPERATOR_CONNECT_* or ACG_PROVISIONING_* (BACKEND). */
  readonly reader?: ConsentReader;
}

async function withPool<T>(config: Config, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ url: config.database.url, connection: config.database, max: 4, applicationName: 'flowthrough-consents' });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** The chosen backend's consents, read through the same mapping as the worker's (the client paces itself). */
function backendReader(deps: ConsentsCommandDeps): ConsentReader {
  if (deps.reader) return deps.reader;
  const { config, logger } = deps;
  if (config.reconciler.backend === 'acg') {
    if (config.acg === null)
      throw new ConfigError([
        'ACG_PROVISIONING_BASE_URL: required for flowthrough consents show --refresh when BACKEND=acg; set it (and the ACG_PROVISIONING_* credentials)',
      ]);
    return acgConsentReader(new AcgProvisioningClient({ settings: config.acg, logger }));
  }
  if (config.operatorConnect === null)
    throw new ConfigError([
      'OPERATOR_CONNECT_BASE_URL: required for flowthrough consents show --refresh when BACKEND=operator-connect; set it (and the OPERATOR_CONNECT_* credentials)',
    ]);
  return operatorConnectConsentReader(new OperatorConnectClient({ config: config.operatorConnect, logger }));
}

function oneArgument(positionals: readonly string[], what: string): string {
  const [value, ...extra] = positionals;
  if (value === undefined || value === '' || extra.length > 0) throw new UsageError(`expected one ${what}`);
  return value;
}

async function list(rest: readonly string[], deps: ConsentsCommandDeps, io: OpsIo): Promise<number> {
  const { values } = parse(rest, { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } });
  const state = stringValue(values, 'status');
  if (state !== undefined && !(CONSENT_STATES as readonly string[]).includes(state)) {
    // One line: a filter that can match nothing is a mistake, not an empty result.
    errorLine(io, `flowthrough consents: --status takes one of ${CONSENT_STATES.join(', ')}, not ${JSON.stringify(state)}`);
    return 2;
  }
  const limit = positiveNumber(values, 'limit') ?? 1000;
  const rows = await withPool(deps.config, (pool) =>
    consentPage(pool, { after: null, limit, includeGone: true, ...(state !== undefined ? { state } : {}) }),
  );
  if (values.json === true) printJson(io, consentListJson(rows));
  else for (const l of rows.length === 0 ? ['no consents match'] : consentListTable(rows)) line(io, l);
  return 0;
}

async function show(rest: readonly string[], deps: ConsentsCommandDeps, io: OpsIo): Promise<number> {
  const { values, positionals } = parse(rest, { refresh: { type: 'boolean' }, json: { type: 'boolean' } }, true);
  const tenantId = oneArgument(positionals, 'tenant id');
  const detail = await withPool(deps.config, async (pool) => {
    if (values.refresh === true) {
      const sync = new ConsentStateSync({ pool, logger: deps.logger, reader: backendReader(deps), intervalMs: 0 });
      // ACG has no read of one request for information: its list is read, and recorded whole.
      const { consent } = await sync.refresh(tenantId, { wholeList: deps.config.reconciler.backend === 'acg' });
      if (consent === null)
        errorLine(io, `flowthrough consents: the backend (${deps.config.reconciler.backend}) has no consent of tenant ${tenantId}`);
    }
    return consentDetail(pool, tenantId);
  });
  if (detail === null) {
    errorLine(
      io,
      `flowthrough consents: no consent known for tenant ${tenantId} (no order set its relationship and the backend has not reported it; --refresh reads the backend)`,
    );
    return 1;
  }
  if (values.json === true) printJson(io, consentJson(detail));
  else for (const l of consentText(detail)) line(io, l);
  return 0;
}

/** `flowthrough consents list|show`. */
export async function consentsCommand(args: readonly string[], deps: ConsentsCommandDeps): Promise<number> {
  const io = deps.io ?? defaultIo();
  if (args.length === 0 || args.includes('--help') || args.includes('-h') || args[0] === 'help') {
    line(io, CONSENTS_USAGE);
    return args.length === 0 ? 2 : 0;
  }
  const [sub, ...rest] = args;
  try {
    if (sub === 'list') return await list(rest, deps, io);
    if (sub === 'show') return await show(rest, deps, io);
    throw new UsageError(`unknown consents command "${sub}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      errorLine(io, `flowthrough consents: ${error.message}\n\n${CONSENTS_USAGE}`);
      return 2;
    }
    throw error;
  }
}
