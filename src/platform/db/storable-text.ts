import { printable } from '../../core/order/characters.js';

/**
 * PostgreSQL refuses NUL in text and jsonb, and lone UTF-16 surrogates in
 * UTF-8 text. Text taken from a record (ids, messages quoting it) goes
 * through here before it is stored: each such character (and every other
 * control character) becomes a visible \uXXXX escape — the core's rule for
 * quoting refused text — so the row can always be written and still says
 * what was sent. The original bytes are kept elsewhere as bytea.
 */
export const storableText: (text: string) => string = printable;

export function storableOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : storableText(text);
}
