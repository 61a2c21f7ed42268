import { randomInt } from 'node:crypto';
import { readToolArguments } from '../shared/tool-arguments.js';

/** `npm run fuzz -- [--records N] [--seed S] [--valid-ratio R] [--json] [--keep] [--stall-s S] [--timeout-s S] [--log-level L]` */
export interface FuzzOptions {
  readonly records: number;
  readonly seed: number;
  /** False when the seed was drawn at random (it is printed either way). */
  readonly seedGiven: boolean;
  readonly validRatio: number;
  /** Hostile kinds left out (when one defect hides the others); the other kinds fill their places. */
  readonly skip: readonly string[];
  readonly json: boolean;
  /** Leave the database, the topics and the worker's log in place. */
  readonly keep: boolean;
  /** Give up waiting when neither the intake nor the relay moved for this long. */
  readonly stallSeconds: number;
  /** Hard bound on the whole run; on expiry it cleans up and exits 2. */
  readonly timeoutSeconds: number;
  /** The worker's LOG_LEVEL (its log goes to a file). */
  readonly logLevel: string;
  readonly help: boolean;
}

export const FUZZ_USAGE = `usage: npm run fuzz -- [--records N] [--seed S] [--valid-ratio R] [--skip K,…] [--json] [--keep]
                      [--stall-s S] [--timeout-s S] [--log-level L]

  --records N      records to send (2000)
  --seed S         0…2147483647; random (and printed) when absent
  --valid-ratio R  share of valid orders among the records (0.25)
  --skip K[,K…]    leave these record kinds out (when one defect hides the others)
  --json           the LAST line of stdout is one JSON object of invariants
  --keep           keep the database, topics and worker log for a look afterwards
  --stall-s S      stop waiting once nothing moved for S seconds (15)
  --timeout-s S    hard bound on the whole run (600)
  --log-level L    the worker's LOG_LEVEL; its log goes to a file (info)

services: KAFKA_BROKERS / DATABASE_URL when set, otherwise the project launcher (npm run stack).
exit: 0 every invariant holds, 1 an invariant failed, 2 the run itself could not be done.`;

const FLAGS = new Set(['json', 'keep', 'help']);
const KNOWN = new Set(['records', 'seed', 'valid-ratio', 'skip', 'stall-s', 'timeout-s', 'log-level']);

export function parseFuzzArgs(argv: readonly string[]): { options: FuzzOptions; errors: string[] } {
  const { values, flags, errors, number } = readToolArguments(argv, FLAGS, KNOWN);
  const seedGiven = values.has('seed');
  const options: FuzzOptions = {
    records: number('records', 2_000, 1, 200_000, true),
    seed: seedGiven ? number('seed', 0, 0, 2_147_483_647, true) : randomInt(0, 2_147_483_647),
    seedGiven,
    validRatio: number('valid-ratio', 0.25, 0, 1, false),
    skip: (values.get('skip') ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k.length > 0),
    json: flags.has('json'),
    keep: flags.has('keep'),
    stallSeconds: number('stall-s', 15, 1, 3_600, false),
    timeoutSeconds: number('timeout-s', 600, 10, 86_400, false),
    logLevel: values.get('log-level') ?? 'info',
    help: flags.has('help'),
  };
  return { options, errors };
}
