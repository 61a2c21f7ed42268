import type { BenchContext } from './context.js';
import type { BenchOptions } from './options.js';

/** What a benchmark returns: flat figures, printed to stderr and, with --json, as the last stdout line. */
export type Figures = Record<string, number | string>;

export interface OptionSpec {
  readonly name: string;
  readonly description: string;
  /** The value when the option is not given, as it would be typed. */
  readonly default: string;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  run(context: BenchContext, options: BenchOptions): Promise<Figures>;
}
