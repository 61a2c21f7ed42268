import type { Pool, PoolClient } from 'pg';
import type { LookupAccount, LookupNumber, LookupRecord } from '../core/custom-header/call-lookup.js';
import { named } from '../platform/db/named-query.js';
import * as sql from './lookup-sql.js';

/**
 * Reading lookup records from PostgreSQL: the one query layer of the index's
 * full load, its re-reads after a notice, and `flowthrough header`.
 */

type Db = Pool | PoolClient;

interface NumberRow {
  telephone_number: string;
  account_name: string;
  custom_sip_header: string | null;
  services: string | null;
}

interface AccountRow {
  name: string;
  subdomain: string | null;
}

/**
 * Shares one frozen services array per distinct combination and one string
 * per account name: a million numbers hold a handful of each, so the index
 * stays small.
 */
export class RecordInterner {
  private readonly services = new Map<string, readonly string[]>();
  private readonly names = new Map<string, string>();

  servicesOf(text: string | null): readonly string[] {
    const key = text ?? '';
    let list = this.services.get(key);
    if (list === undefined) {
      list = Object.freeze(key === '' ? [] : key.split(','));
      this.services.set(key, list);
    }
    return list;
  }

  name(name: string): string {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    this.names.set(name, name);
    return name;
  }
}

function numberOf(row: NumberRow, interner: RecordInterner): LookupNumber {
  return {
    telephoneNumber: row.telephone_number,
    accountName: interner.name(row.account_name),
    services: interner.servicesOf(row.services),
    customSipHeader: row.custom_sip_header,
  };
}

function accountOf(row: AccountRow): LookupAccount {
  return { name: row.name, directRoutingSubdomain: row.subdomain === null || row.subdomain === '' ? null : row.subdomain };
}

/** A page of live numbers after `after` (null: the first), in key order. */
export async function numberPage(db: Db, after: string | null, size: number, interner: RecordInterner): Promise<LookupNumber[]> {
  const { rows } = await db.query<NumberRow>({ ...named('lookup-number_page', sql.NUMBER_PAGE), values: [after, size] });
  return rows.map((r) => numberOf(r, interner));
}

/** A page of live accounts after `after` (null: the first), by name. */
export async function accountPage(db: Db, after: string | null, size: number): Promise<LookupAccount[]> {
  const { rows } = await db.query<AccountRow>(sql.ACCOUNT_PAGE, [after, size]);
  return rows.map(accountOf);
}

/** The live ones among these numbers; a number missing from the answer is not provisioned (any more). */
export async function readNumbers(db: Db, numbers: readonly string[], interner: RecordInterner): Promise<LookupNumber[]> {
  if (numbers.length === 0) return [];
  const { rows } = await db.query<NumberRow>(sql.NUMBERS_BY_KEY, [numbers]);
  return rows.map((r) => numberOf(r, interner));
}

/** The live ones among these accounts. */
export async function readAccounts(db: Db, names: readonly string[]): Promise<LookupAccount[]> {
  if (names.length === 0) return [];
  const { rows } = await db.query<AccountRow>(sql.ACCOUNTS_BY_NAME, [names]);
  return rows.map(accountOf);
}

/** One number's record, read as the index reads it (for `flowthrough header`); undefined: not provisioned. */
export async function findLookupRecord(db: Db, telephoneNumber: string): Promise<LookupRecord | undefined> {
  const [number] = await readNumbers(db, [telephoneNumber], new RecordInterner());
  if (number === undefined) return undefined;
  const [account] = await readAccounts(db, [number.accountName]);
  return { number, account: account ?? null };
}
