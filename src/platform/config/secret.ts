import { inspect } from 'node:util';

const REDACTED = '[Redacted]';

/**
 * A credential held in configuration. It serialises, prints and inspects as
 * "[Redacted]"; only reveal() gives the value, at the point of use.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
