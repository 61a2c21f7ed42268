import { randomInt } from 'node:crypto';
import { readToolArguments } from '../shared/tool-arguments.js';

/** `npm run chaos -- [--orders N] [--workers N] [--kills N] [--seed S] [--json] …` */
export interface ChaosOptions {
  readonly orders: number;
  readonly workers: number;
  readonly kills: number;
  readonly seed: number;
  /** False when the seed was drawn at random (it is printed either way). */
  readonly seedGiven: boolean;
  /** How long the chaos lasts; records are published over most of it. */
  readonly windowSeconds: number;
  /** How long the broker stays down: a range drawn from by the seed. */
  readonly brokerDownSeconds: readonly [number, number];
  /** API faults per call (spread over 429, 503, 500, resets and hangs). */
  readonly faultRate: number;
  /** Token requests that fail (500, 503, hang). */
  readonly tokenFaultRate: number;
  /** How long a hung token request is held before the simulator drops it; 0: until the client gives up. */
  readonly tokenHangMs: number;
  /** How long the system may take to settle after the chaos. */
  readonly settleSeconds: number;
  /** Hard bound on the whole run. */
  readonly timeoutSeconds: number;
  readonly json: boolean;
  /** Keep the logs directory even when every invariant holds. */
  readonly keep: boolean;
  readonly help: boolean;
}

export const CHAOS_USAGE = `usage: npm run chaos -- [--orders N] [--workers N] [--kills N] [--seed S] [--json] [--keep]
                       [--window-s S] [--broker-down-s A[-B]] [--fault-rate R] [--token-fault-rate R]
                       [--token-hang-ms MS] [--settle-s S] [--timeout-s S]

  --orders N            orders the BSS publishes (2000), besides the dead-letter scenario's
  --workers N           worker processes (3)
  --kills N             SIGKILLs of random workers at random moments (10)
  --seed S              0…2147483647; random (and printed) when absent: the same seed gives the
                        same orders, schedule and fault sequence
  --window-s S          how long the chaos lasts (the larger of 45 and orders/25)
  --broker-down-s A-B   the broker stays down between A and B seconds (10-30)
  --fault-rate R        share of API calls that fail: 429, 503, 500, resets, hangs (0.12)
  --token-fault-rate R  share of token requests that fail: 500, 503, hangs (0.25)
  --token-hang-ms MS    a hung token request is dropped after MS; 0 holds it until the client gives up, 5 s (0)
  --settle-s S          how long the system may take to settle after the chaos (300)
  --timeout-s S         hard bound on the whole run; on expiry it cleans up and exits 2 (window + settle + 300)
  --json                the LAST line of stdout is one JSON object of invariants and figures
  --keep                keep the logs directory (always kept when an invariant fails)

It starts everything it needs and removes it at the end: its own Kafka broker and PostgreSQL
cluster, the simulator and the workers (docs/CHAOS.md).
exit: 0 every invariant holds, 1 an invariant failed, 2 the run itself could not be done.`;

const FLAGS = new Set(['json', 'keep', 'help']);
const KNOWN = new Set([
  'orders',
  'workers',
  'kills',
  'seed',
  'window-s',
  'broker-down-s',
  'fault-rate',
  'token-fault-rate',
  'token-hang-ms',
  'settle-s',
  'timeout-s',
]);

export function parseChaosArgs(argv: readonly string[]): { options: ChaosOptions; errors: string[] } {
  const { values, flags, errors, number } = readToolArguments(argv, FLAGS, KNOWN);
  const orders = number('orders', 2_000, 20, 100_000, true);
  const seedGiven = values.has('seed');
  let brokerDownSeconds: [number, number] = [10, 30];
  const down = values.get('broker-down-s');
  if (down !== undefined) {
    const match = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(down.trim());
    const a = Number(match?.[1]);
    const b = match?.[2] === undefined ? a : Number(match[2]);
    if (!match || !(a >= 1 && b >= a && b <= 600))
      errors.push(`--broker-down-s ${JSON.stringify(down)}: must be seconds (1–600) or a range A-B`);
    else brokerDownSeconds = [a, b];
  }
  const windowSeconds = number('window-s', Math.max(45, Math.round(orders / 25)), 10, 3_600, false);
  const settleSeconds = number('settle-s', 300, 10, 3_600, false);
  const options: ChaosOptions = {
    orders,
    workers: number('workers', 3, 1, 16, true),
    kills: number('kills', 10, 0, 1_000, true),
    seed: seedGiven ? number('seed', 0, 0, 2_147_483_647, true) : randomInt(0, 2_147_483_647),
    seedGiven,
    windowSeconds,
    brokerDownSeconds,
    faultRate: number('fault-rate', 0.12, 0, 0.9, false),
    tokenFaultRate: number('token-fault-rate', 0.25, 0, 0.9, false),
    tokenHangMs: number('token-hang-ms', 0, 0, 600_000, true),
    settleSeconds,
    timeoutSeconds: number('timeout-s', windowSeconds + settleSeconds + 300, 30, 86_400, false),
    json: flags.has('json'),
    keep: flags.has('keep'),
    help: flags.has('help'),
  };
  return { options, errors };
}
