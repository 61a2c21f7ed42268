import { SELECT_CUSTOM_SIP_HEADER } from './custom-header-sql.js';
import type { Pool, PoolClient } from './pool.js';

interface Row {
  readonly custom_sip_header: string | null;
}

/**
 * A number's custom SIP header contents, telling "not provisioned"
 * (undefined) apart from "provisioned without contents" (null) — the shape
 * the core's ContentsLookup takes, so tools can say why there is no header.
 */
export async function findCustomSipHeader(db: Pool | PoolClient, telephoneNumber: string): Promise<string | null | undefined> {
  const result = await db.query<Row>(SELECT_CUSTOM_SIP_HEADER, [telephoneNumber]);
  const row = result.rows[0];
  return row === undefined ? undefined : row.custom_sip_header;
}

/** A number's custom SIP header contents; null when it is not provisioned or has none. */
export async function customSipHeaderContents(db: Pool | PoolClient, telephoneNumber: string): Promise<string | null> {
  return (await findCustomSipHeader(db, telephoneNumber)) ?? null;
}
