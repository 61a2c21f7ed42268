import type { Pool } from 'pg';
import type { AccountResource, AcgProvisioningClient, NumberResource, Tagged } from '../acg/index.js';
import { acgAccountBody } from '../core/acg/account-resource.js';
import {
  compareAcgAccounts,
  compareAcgNumbers,
  listedAcgAccount,
  listedAcgNumber,
  observedFromListed,
  REPAIRABLE_ACCOUNT_KINDS,
  type AcgAccountDifference,
  type AcgNumberDifference,
  type ListedAcgAccount,
  type ListedAcgNumber,
  type OurAcgAccount,
  type OurAcgNumber,
} from '../core/acg/drift.js';
import type { AcgNumberHolding, AcgNumberService } from '../core/acg/number-resource.js';
import type { AccountServiceDetailsSpec } from '../core/order/order.js';
import { BackendPermanentError } from '../operator-connect/index.js';
import type { Logger } from '../platform/logging/logger.js';
import * as sql from './acg-drift-audit-sql.js';
import type { Planner } from './planner.js';

/** What the audit needs of the ACG Provisioning API client (AcgProvisioningClient fits). */
export type AcgDriftClient = Pick<AcgProvisioningClient, 'getAccount' | 'listAccountNumbers' | 'listAccounts' | 'listNumbers'>;

export interface AcgDriftAuditOptions {
  readonly pool: Pool;
  readonly client: AcgDriftClient;
  readonly logger: Logger;
  /** Only this account (GET /accounts/{name} and its numbers' list); absent: the whole deployment (GET /accounts and GET /numbers). */
  readonly account?: string;
  /**
   * Numbers: correct observed state to what ACG holds and plan the operations
   * that bring ACG back to desired. Accounts that differ: written again by
   * the account sync (synced_order_id = NULL).
   */
  readonly repair?: boolean;
  /** Needed with repair (numbers). */
  readonly planner?: Planner;
  /** The client's maxpagesize (ACG_PROVISIONING_PAGE_SIZE; 100 when absent): only for the report's request count. */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

export type AcgDifference = AcgNumberDifference | AcgAccountDifference;

export interface AcgDriftAuditReport {
  /** Accounts compared (ours and, without --account, those ACG holds that we do not know). */
  readonly accounts: number;
  readonly numbersChecked: number;
  /** Account differences first (by account), then number differences (by number). */
  readonly differences: readonly AcgDifference[];
  /** Numbers left out because an operation is carrying them right now. */
  readonly inFlight: number;
  /** Accounts left out because the account sync is still writing their latest order. */
  readonly accountsInFlight: number;
  /** Numbers whose observed state was corrected (and their work asked for). */
  readonly repaired: number;
  /** Accounts handed back to the account sync to be written again. */
  readonly accountsRepaired: number;
  readonly operationsPlanned: number;
  /** Requests the audit sent to ACG's Provisioning API, one per page at pageSize (retries not counted). */
  readonly requests: number;
}

interface NumberRow {
  telephone_number: string;
  account_name: string;
  observed: AcgNumberHolding | null;
  in_flight: boolean;
}

interface AccountRow {
  name: string;
  correlation_id: string | null;
  teams_tenant_id: string | null;
  service_details: AccountServiceDetailsSpec;
  deleted: boolean;
  in_flight: boolean;
  busy: boolean;
}

const notFound = (error: unknown): boolean => error instanceof BackendPermanentError && error.status === 404;

const ourNumber = (r: NumberRow): OurAcgNumber => ({
  telephoneNumber: r.telephone_number,
  accountName: r.account_name,
  observed: r.observed ?? null,
  inFlight: r.in_flight,
});

/** Pages a list cost: one request per page of pageSize, at least one. */
const pages = (items: number, pageSize: number): number => Math.max(1, Math.ceil(items / pageSize));

/**
 * What ACG holds, read in as few requests as the API allows: with --account,
 * GET /accounts/{name} and one paged GET /accounts/{name}/numbers (1 +
 * ⌈n/page⌉); for the whole deployment, one paged GET /accounts and one paged
 * GET /numbers (⌈A/page⌉ + ⌈N/page⌉), fewer than a read per account.
 */
async function readAcg(
  client: AcgDriftClient,
  account: string | undefined,
  pageSize: number,
  signal: AbortSignal | undefined,
): Promise<{ accounts: ListedAcgAccount[]; numbers: ListedAcgNumber[]; requests: number }> {
  if (account === undefined) {
    const [accounts, numbers] = await Promise.all([client.listAccounts(signal), client.listNumbers(signal)]);
    return {
      accounts: accounts.map(listedAcgAccount),
      numbers: numbers.map((n) => listedAcgNumber(n)),
      requests: pages(accounts.length, pageSize) + pages(numbers.length, pageSize),
    };
  }
  let answer: Tagged<AccountResource> | null = null;
  try {
    answer = await client.getAccount(account, signal);
  } catch (error) {
    if (!notFound(error)) throw error;
  }
  // ACG answers 404 for the numbers of an account it does not hold: it holds none of them.
  let numbers: NumberResource[] = [];
  if (answer !== null) numbers = await client.listAccountNumbers(account, signal);
  return {
    accounts: answer === null ? [] : [listedAcgAccount(answer.resource)],
    numbers: numbers.map((n) => listedAcgNumber(n, account)),
    requests: 1 + (answer === null ? 0 : pages(numbers.length, pageSize)),
  };
}

/**
 * Compares desired and observed state in PostgreSQL with what Azure
 * Communications Gateway holds (docs/acg-provisioning-api.md §7, "Drift
 * audit"): accounts field by field against acgAccountBody of their rows
 * (plus the Direct Routing subdomainStatus and numberCount per service
 * against our live numbers), numbers against numbers.observed['acgNumber'],
 * every writable field. Numbers an operation is carrying, and accounts the
 * account sync is still writing, are left out.
 *
 * With repair: a number's observed state is corrected to what ACG holds (or
 * removed), acgNumber added to its repair_services and the numbers planned
 * at once, so the reconciler's operations bring ACG back to desired; an
 * account that is missing, unexpected or differs gets synced_order_id = NULL,
 * so the account sync writes (or deletes) it again. Nothing else is woken;
 * numbers and accounts we do not know are reported, never touched; a
 * subdomainStatus or numberCount difference is reported only (the number
 * repairs fix the counts).
 */
export async function runAcgDriftAudit(options: AcgDriftAuditOptions): Promise<AcgDriftAuditReport> {
  const { pool, client, logger, signal } = options;
  const account = options.account ?? null;
  const [accountRows, numberRows, counts] = await Promise.all([
    pool.query<AccountRow>(sql.ACG_AUDIT_ACCOUNTS, [account]),
    pool.query<NumberRow>(sql.ACG_AUDIT_NUMBERS, [account]),
    pool.query<{ account_name: string; service: string; n: number }>(sql.ACG_AUDIT_NUMBER_COUNTS, [account]),
  ]);
  const acg = await readAcg(client, options.account, options.pageSize ?? 100, signal);

  // Numbers ACG lists that the first read did not bring (e.g. ours under another account): ours all the same.
  const read = new Set(numberRows.rows.map((r) => r.telephone_number));
  const others = acg.numbers.map((n) => n.resource.telephoneNumber).filter((n) => !read.has(n));
  const more = others.length === 0 ? [] : (await pool.query<NumberRow>(sql.ACG_AUDIT_NUMBERS_NAMED, [others])).rows;
  const ours = [...numberRows.rows, ...more].map(ourNumber);
  const numberDifferences = compareAcgNumbers(ours, acg.numbers, {
    listed: options.account === undefined ? 'all' : new Set([options.account]),
  });

  const live = new Map<string, Partial<Record<AcgNumberService, number>>>();
  for (const r of counts.rows) live.set(r.account_name, { ...live.get(r.account_name), [r.service]: r.n });
  const ourAccounts: OurAcgAccount[] = accountRows.rows.map((r) => ({
    name: r.name,
    desired: r.deleted
      ? null
      : acgAccountBody({
          name: r.name,
          correlationId: r.correlation_id,
          teamsTenantId: r.teams_tenant_id,
          serviceDetails: r.service_details,
        }),
    inFlight: r.in_flight,
    liveNumberCounts: r.busy ? null : (live.get(r.name) ?? {}),
  }));
  const accountDifferences = compareAcgAccounts(ourAccounts, acg.accounts, { complete: options.account === undefined });

  const inFlight = ours.filter((n) => n.inFlight).length;
  const accountsInFlight = ourAccounts.filter((a) => a.inFlight).length;
  const compared = new Set([...ourAccounts.filter((a) => !a.inFlight).map((a) => a.name), ...acg.accounts.map((a) => a.name)]);
  let repaired = 0;
  let accountsRepaired = 0;
  let operationsPlanned = 0;
  if (options.repair) {
    const resync = [
      ...new Set(accountDifferences.filter((d) => d.known && REPAIRABLE_ACCOUNT_KINDS.has(d.kind)).map((d) => d.accountName)),
    ];
    if (resync.length > 0) accountsRepaired = (await pool.query(sql.ACG_RESYNC_ACCOUNTS, [resync])).rowCount ?? 0;
    const marked: string[] = [];
    for (const d of numberDifferences) {
      if (!d.known) continue;
      const holding = d.actual ? observedFromListed(d.actual, d.observed) : null;
      const at = new Date().toISOString();
      const observed = holding ? JSON.stringify({ ...holding, remoteOrderId: null, at, audited: true }) : null;
      const done = await pool.query(sql.ACG_MARK_DRIFT, [d.telephoneNumber, observed]);
      if ((done.rowCount ?? 0) > 0) marked.push(d.telephoneNumber);
    }
    repaired = marked.length;
    if (options.planner && marked.length > 0) {
      const result = await options.planner.pass({ numbers: marked, ignoreLinger: true });
      operationsPlanned = result.operations;
    }
    if (repaired + accountsRepaired > 0)
      logger.info(
        { repaired, accountsRepaired, operationsPlanned },
        'drift repaired: observed state corrected, operations planned, differing accounts handed to the account sync',
      );
  }
  return {
    accounts: compared.size,
    numbersChecked: ours.length - inFlight,
    differences: [...accountDifferences, ...numberDifferences],
    inFlight,
    accountsInFlight,
    repaired,
    accountsRepaired,
    operationsPlanned,
    requests: acg.requests,
  };
}
