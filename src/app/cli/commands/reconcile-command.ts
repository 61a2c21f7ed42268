import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { AcgProvisioningClient } from '../../../acg/index.js';
import { ConfigError } from '../../../platform/config/config-error.js';
import type { Config } from '../../../platform/config/load-config.js';
import { loadOperatorConnectConfig } from '../../../platform/config/operator-connect-variables.js';
import type { Difference } from '../../../core/reconcile/drift.js';
import { createPool } from '../../../platform/db/pool.js';
import type { Logger } from '../../../platform/logging/logger.js';
import { FleetBudget, OperatorConnectClient } from '../../../operator-connect/index.js';
import { accountDetail } from '../../../ops/index.js';
import {
  createReconciler,
  runAcgDriftAudit,
  runDriftAudit,
  type AcgDifference,
  type AcgDriftClient,
  type ReconcilerClient,
  type ReconcilerFactoryDeps,
  type TenantNumberLister,
} from '../../../reconciler/index.js';
import { printError, printLine } from '../output.js';
import { RECONCILE_USAGE } from '../usage.js';

export { RECONCILE_USAGE };

export interface ReconcileCommandDeps {
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** For tests: a client instead of one built from the OPERATOR_CONNECT_* settings. */
  readonly client?: ReconcilerClient & TenantNumberLister;
  /** BACKEND=acg, for tests: a client instead of one built from the ACG_PROVISIONING_* settings (config.acg). */
  readonly acgClient?: NonNullable<ReconcilerFactoryDeps['acgClient']> & AcgDriftClient;
  readonly print?: (line: string) => void;
}

function describe(d: Difference & { known: boolean }): string {
  const config = (a: Difference['observed']) =>
    a
      ? `${a.configuration.usage} [${[...a.configuration.choosableCapabilities].join(',')}]${a.configuration.civicAddressId ? ` civic ${a.configuration.civicAddressId}` : ''}`
      : 'absent';
  const what = {
    missing_in_backend: 'we observed it held, the backend does not hold it',
    unexpected_in_backend: d.known ? 'the backend holds it, we observed it absent' : 'the backend holds a number we do not know',
    configuration_differs: `configuration differs: ours ${config(d.observed)}, backend ${config(d.actual)}`,
    service_differs: `held on the other service (teamsPhoneMobile=${d.actual?.teamsPhoneMobile})`,
  }[d.kind];
  return `${d.telephoneNumber}  ${d.tenantId}  ${d.service}  ${d.kind}  ${what}`;
}

/** The audit as one more member of the fleet's API budget while it runs (a killed audit's row ages out as a killed worker's does). */
function auditBudget(pool: Pool, logger: Logger, ratePerSecond: number, apply: (perSecond: number) => void): FleetBudget {
  // Its membership lines (info) would land among the report on stdout: warnings only, unless debugging.
  const quiet = logger.isLevelEnabled('info') && !logger.isLevelEnabled('debug');
  return new FleetBudget({
    pool,
    logger: quiet ? logger.child({}, { level: 'warn' }) : logger,
    ratePerSecond,
    apply,
    memberId: `${hostname()}:${process.pid}:reconcile-audit:${randomBytes(3).toString('hex')}`,
  });
}

async function accountExists(config: Config, name: string): Promise<boolean> {
  const pool = createPool({ url: config.database.url, connection: config.database, max: 1, applicationName: 'flowthrough-cli' });
  try {
    return (await accountDetail(pool, name)) !== null;
  } finally {
    await pool.end();
  }
}

/** `flowthrough reconcile --audit [--account NAME] [--repair]`. */
export async function reconcileCommand(args: readonly string[], deps: ReconcileCommandDeps): Promise<number> {
  const print = deps.print ?? printLine;
  let values: {
    audit?: boolean | undefined;
    account?: string | undefined;
    repair?: boolean | undefined;
    json?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        audit: { type: 'boolean' },
        account: { type: 'string' },
        repair: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    printError(`flowthrough reconcile: ${error instanceof Error ? error.message : String(error)}\n\n${RECONCILE_USAGE}`);
    return 2;
  }
  if (values.help) {
    print(RECONCILE_USAGE);
    return 0;
  }
  if (!values.audit) {
    printError(`flowthrough reconcile: --audit is required (the reconciler itself runs inside the worker)\n\n${RECONCILE_USAGE}`);
    return 2;
  }
  if (values.account !== undefined && !(await accountExists(deps.config, values.account))) {
    // One line: an audit of an account we do not know would report "no difference", which is not true.
    printError(
      `flowthrough reconcile: no account ${JSON.stringify(values.account)} (flowthrough orders list shows the accounts of recent orders)`,
    );
    return 1;
  }
  if (deps.config.reconciler.backend === 'acg') return acgAudit(values, deps);
  const report = await withAuditPool(deps.config, async (pool, join) => {
    let client = deps.client;
    if (client === undefined) {
      const oc = loadOperatorConnectConfig(deps.env);
      const built = new OperatorConnectClient({ config: oc, logger: deps.logger });
      client = built;
      // OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet: the audit's calls count against the workers' budget.
      // It joins as one more member while it runs (the workers lower their shares before its first
      // call) and leaves when done; killed, its row ages out as a killed worker's does.
      if (oc.rateLimitScope === 'fleet' && oc.rateLimitPerSecond > 0) {
        await join(auditBudget(pool, deps.logger, oc.rateLimitPerSecond, (share) => built.setRateLimit(share)));
      }
    }
    // Its planner plans the repairs; the reconciler itself is not started here.
    const reconciler = values.repair ? createReconciler(deps.config, { pool, logger: deps.logger, client }) : undefined;
    return runDriftAudit({
      pool,
      client,
      logger: deps.logger,
      ...(values.account !== undefined ? { account: values.account } : {}),
      repair: values.repair === true,
      ...(reconciler ? { planner: reconciler.planner } : {}),
    });
  });
  return printAudit(
    print,
    values,
    report,
    describe,
    `${report.differences.length} difference(s) across ${report.numbersChecked} number(s) of ${report.tenants} tenant(s)` +
      (report.inFlight > 0 ? `; ${report.inFlight} number(s) skipped: an operation is carrying them` : '') +
      (values.repair ? `; repaired ${report.repaired} number(s), planned ${report.operationsPlanned} operation(s)` : ''),
  );
}

/**
 * Runs an audit on a pool of its own. `join` starts the fleet budget the audit
 * joins (its calls count against the workers'); it is left, and the pool
 * ended, however the audit ends.
 */
async function withAuditPool<R>(config: Config, run: (pool: Pool, join: (budget: FleetBudget) => Promise<void>) => Promise<R>): Promise<R> {
  const pool = createPool({ url: config.database.url, connection: config.database, max: 2, applicationName: 'flowthrough-cli' });
  let joined: FleetBudget | undefined;
  try {
    return await run(pool, async (budget) => {
      joined = budget;
      await budget.start();
    });
  } finally {
    await joined?.stop();
    await pool.end();
  }
}

/** The report as JSON, or a line per difference and the summary; exit 3 when differences were found and not repaired. */
function printAudit<D>(
  print: (line: string) => void,
  values: { readonly repair?: boolean | undefined; readonly json?: boolean | undefined },
  report: { readonly differences: readonly D[] },
  describeOne: (difference: D) => string,
  summary: string,
): number {
  if (values.json) {
    print(JSON.stringify(report));
  } else {
    for (const d of report.differences) print(describeOne(d));
    print(summary);
  }
  return report.differences.length === 0 || values.repair ? 0 : 3;
}

/** A field's value in a NumberResource, by its dotted path (as the audit names fields). */
function valueAt(resource: unknown, path: string): string {
  let value: unknown = resource;
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined ? 'absent' : JSON.stringify(value);
}

function describeAcg(d: AcgDifference): string {
  if (d.resource === 'account') {
    const what = {
      missing_in_backend: 'ACG does not hold the account',
      unexpected_in_backend: d.known ? 'ACG holds an account we deleted' : 'ACG holds an account we do not know',
      settings_differ: `settings differ: ${d.fields.join(', ')}`,
      subdomain_not_provisioned: `the Direct Routing subdomain is configured, ACG reports subdomainStatus ${d.subdomainStatus ?? 'absent'}`,
      number_count_differs: `${d.numberCount?.service} numberCount: ACG ${d.numberCount?.backend}, our live numbers ${d.numberCount?.ours}`,
    }[d.kind];
    return `${d.accountName}  account  ${d.kind}  ${what}`;
  }
  const what = {
    missing_in_backend: 'we observed it held, ACG does not hold it',
    unexpected_in_backend: d.known ? 'ACG holds it, we observed it absent' : 'ACG holds a number we do not know',
    resource_differs: `differs: ${d.fields
      .map((f) => `${f} ours ${valueAt(d.observed?.resource, f)}, ACG ${valueAt(d.actual?.resource, f)}`)
      .join('; ')}`,
    account_differs: `ACG lists it under account ${d.actual?.accountName}`,
  }[d.kind];
  return `${d.telephoneNumber}  ${d.accountName}  acgNumber  ${d.kind}  ${what}`;
}

/** The audit under BACKEND=acg: accounts and numbers against Azure Communications Gateway's Provisioning API. */
async function acgAudit(
  values: { account?: string | undefined; repair?: boolean | undefined; json?: boolean | undefined },
  deps: ReconcileCommandDeps,
): Promise<number> {
  const print = deps.print ?? printLine;
  const settings = deps.config.acg;
  if (deps.acgClient === undefined && settings === null) {
    throw new ConfigError([
      'ACG_PROVISIONING_BASE_URL: required for flowthrough reconcile --audit when BACKEND=acg; set it (and the ACG_PROVISIONING_* credentials)',
    ]);
  }
  const report = await withAuditPool(deps.config, async (pool, join) => {
    let client = deps.acgClient;
    if (client === undefined && settings !== null) {
      const built = new AcgProvisioningClient({ settings, logger: deps.logger });
      client = built;
      // ACG_PROVISIONING_RATE_LIMIT_SCOPE=fleet: the audit's calls count against the workers' budget of
      // requests per minute, as the Operator Connect audit's do (one more member while it runs).
      if (settings.rateLimitScope === 'fleet' && settings.requestsPerMinute > 0) {
        await join(auditBudget(pool, deps.logger, settings.requestsPerMinute / 60, (share) => built.setRequestsPerMinute(share * 60)));
      }
    }
    if (client === undefined) throw new Error('unreachable: no ACG client');
    // Its planner plans the number repairs; the reconciler itself (and its account sync) is not started here.
    const reconciler = values.repair ? createReconciler(deps.config, { pool, logger: deps.logger, acgClient: client }) : undefined;
    return runAcgDriftAudit({
      pool,
      client,
      logger: deps.logger,
      ...(values.account !== undefined ? { account: values.account } : {}),
      repair: values.repair === true,
      ...(reconciler ? { planner: reconciler.planner } : {}),
      ...(settings ? { pageSize: settings.pageSize } : {}),
    });
  });
  return printAudit(
    print,
    values,
    report,
    describeAcg,
    `${report.differences.length} difference(s) across ${report.numbersChecked} number(s) of ${report.accounts} account(s)` +
      (report.inFlight > 0 ? `; ${report.inFlight} number(s) skipped: an operation is carrying them` : '') +
      (report.accountsInFlight > 0 ? `; ${report.accountsInFlight} account(s) skipped: the account sync is writing them` : '') +
      (values.repair
        ? `; repaired ${report.repaired} number(s), planned ${report.operationsPlanned} operation(s), ${report.accountsRepaired} account(s) to be written again`
        : '') +
      `; ${report.requests} ACG request(s)`,
  );
}
