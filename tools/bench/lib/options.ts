import type { OptionSpec } from './scenario.js';

export interface ParsedArgs {
  readonly scenario: string | undefined;
  readonly json: boolean;
  readonly help: boolean;
  readonly options: ReadonlyMap<string, string>;
  readonly errors: readonly string[];
}

/** `<scenario> [--json] [--help] [--name value | --name=value]…` */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let scenario: string | undefined;
  let json = false;
  let help = false;
  const options = new Map<string, string>();
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
      if (value === undefined) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) errors.push(`--${name} needs a value`);
        else {
          value = next;
          i += 1;
        }
      }
      if (name === '') errors.push(`"${arg}" is not an option`);
      else if (value !== undefined) options.set(name, value);
    } else if (scenario === undefined) scenario = arg;
    else errors.push(`unexpected argument "${arg}" (one scenario per run)`);
  }
  return { scenario, json, help, options, errors };
}

/** Options every scenario takes. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'timeout-s', description: 'hard bound on the whole run in seconds; on expiry the run cleans up and fails', default: '1800' },
  { name: 'log-level', description: 'pino level of kafkajs and of the code under test (stderr)', default: 'warn' },
];

/** Typed, validated access to a scenario's options; only declared names exist. */
export class BenchOptions {
  private readonly values: ReadonlyMap<string, string>;
  private readonly specs: ReadonlyMap<string, OptionSpec>;

  constructor(values: ReadonlyMap<string, string>, specs: readonly OptionSpec[]) {
    this.values = values;
    this.specs = new Map(specs.map((s) => [s.name, s]));
  }

  /** Names given that no spec declares. */
  unknown(): string[] {
    return [...this.values.keys()].filter((name) => !this.specs.has(name));
  }

  string(name: string): string {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`option --${name} is not declared by this scenario`);
    return this.values.get(name) ?? spec.default;
  }

  number(name: string, range: { min?: number; max?: number } = {}): number {
    const text = this.string(name);
    const value = Number(text);
    const { min = -Infinity, max = Infinity } = range;
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new Error(
        `--${name} ${JSON.stringify(text)}: must be a number${Number.isFinite(min) ? ` ≥ ${min}` : ''}${Number.isFinite(max) ? ` and ≤ ${max}` : ''}`,
      );
    }
    return value;
  }

  integer(name: string, range: { min?: number; max?: number } = {}): number {
    const value = this.number(name, range);
    if (!Number.isInteger(value)) throw new Error(`--${name} ${value}: must be an integer`);
    return value;
  }

  choice<T extends string>(name: string, allowed: readonly T[]): T {
    const text = this.string(name);
    const found = allowed.find((a) => a === text);
    if (found === undefined) throw new Error(`--${name} ${JSON.stringify(text)}: must be one of ${allowed.join(', ')}`);
    return found;
  }

  /** Every option with its effective value, for the record of a run. */
  effective(): Record<string, string> {
    return Object.fromEntries([...this.specs.keys()].map((name) => [name, this.string(name)]));
  }
}
