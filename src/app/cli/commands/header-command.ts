import { parseArgs } from 'node:util';
import type { Config } from '../../../platform/config/load-config.js';
import { decidingNumber, parseCallDirection, type Call } from '../../../core/custom-header/index.js';
import { answerCall, type LookupRecord } from '../../../core/custom-header/call-lookup.js';
import { findLookupRecord } from '../../../lookup/index.js';
import { createPool } from '../../../platform/db/pool.js';
import { FlowthroughError } from '../../../core/errors.js';
import { printError, printLine } from '../output.js';
import { HEADER_USAGE } from '../usage.js';

export { HEADER_USAGE };

const REASONS = {
  not_provisioned: 'is not provisioned',
  no_contents: 'has no custom header contents',
} as const;

function usageError(problem: string): number {
  printError(`flowthrough header: ${problem}\n\n${HEADER_USAGE}`);
  return 2;
}

/** Parses the arguments into a call, or returns the usage problem. */
function parseCall(args: readonly string[]): { call: Call; directionName: string; json: boolean } | string {
  let values: { direction?: string | undefined; calling?: string | undefined; called?: string | undefined; json?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { direction: { type: 'string' }, calling: { type: 'string' }, called: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const missing = (['direction', 'calling', 'called'] as const).filter((name) => values[name] === undefined || values[name] === '');
  if (missing.length > 0) return `missing ${missing.map((m) => `--${m}`).join(', ')}`;
  const direction = parseCallDirection(values.direction ?? '');
  if (direction === undefined) return `--direction must be from-operator or to-operator, not ${JSON.stringify(values.direction)}`;
  return {
    call: { direction, calling: values.calling ?? '', called: values.called ?? '' },
    directionName: values.direction ?? '',
    json: values.json === true,
  };
}

/** `flowthrough header`: looks up the custom SIP header for a call, as ACG would decide it. */
export async function headerCommand(args: readonly string[], config: Config): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    printLine(HEADER_USAGE);
    return 0;
  }
  const parsed = parseCall(args);
  if (typeof parsed === 'string') return usageError(parsed);
  const { call, directionName, json } = parsed;

  let telephoneNumber: string;
  try {
    telephoneNumber = decidingNumber(call);
  } catch (error) {
    if (error instanceof FlowthroughError) return usageError(error.message);
    throw error;
  }

  // The record as the read API's lookup index holds it, read by the index's own query, and the same rule.
  const pool = createPool({ url: config.database.url, connection: config.database, max: 1, applicationName: 'flowthrough-cli' });
  let record: LookupRecord | undefined;
  try {
    record = await findLookupRecord(pool, telephoneNumber);
  } finally {
    await pool.end();
  }

  const answer = answerCall(call, () => record, config.customHeaderName, config.readApi.directRouting ?? null);
  if (json) {
    // GET /v1/lookup's body (the same answerCall), then telephoneNumber (kept for scripts written against earlier versions).
    printLine(JSON.stringify({ direction: directionName, ...answer, telephoneNumber }));
  } else if (answer.header !== null) {
    printLine(`${answer.header.name}: ${answer.header.value}`);
  } else {
    printLine(`no header (${telephoneNumber} ${REASONS[answer.reason as keyof typeof REASONS]})`);
  }
  return 0;
}
