/** How a variable is described: its type, default, limits and meaning (README's tables are written from these). */
export type VariableType = 'string' | 'integer' | 'boolean' | 'list' | 'url';

export interface VariableSpec {
  readonly name: string;
  readonly type: VariableType;
  readonly default?: string;
  readonly description: string;
  /** Secret values are redacted from every log line. */
  readonly secret?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}
