/**
 * The command line of our run tools (fuzz, chaos): `--name value`,
 * `--name=value`, boolean flags and `-h`, with every problem collected so
 * one run of `--help` or a typo reports them all at once.
 */
export interface ToolArguments {
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
  readonly errors: string[];
  /** A number option within [min, max]; the fallback (and an error) when it is not one. */
  number(name: string, fallback: number, min: number, max: number, integer: boolean): number;
}

export function readToolArguments(argv: readonly string[], flagNames: ReadonlySet<string>, valueNames: ReadonlySet<string>): ToolArguments {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (!arg.startsWith('--')) {
      errors.push(`unexpected argument "${arg}"`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (flagNames.has(name)) {
      flags.add(name);
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) errors.push(`--${name} needs a value`);
    else if (!valueNames.has(name)) errors.push(`unknown option --${name}`);
    else values.set(name, value);
  }
  const number = (name: string, fallback: number, min: number, max: number, integer: boolean): number => {
    const text = values.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      errors.push(`--${name} ${JSON.stringify(text)}: must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  return { values, flags, errors, number };
}
