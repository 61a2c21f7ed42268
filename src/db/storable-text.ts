/**
 * PostgreSQL refuses NUL in text and jsonb, and lone UTF-16 surrogates in
 * UTF-8 text; control characters in stored text also break the terminals and
 * logs that show it. Text taken from a record (ids, messages quoting it) goes
 * through here before it is stored: each such character becomes a visible
 * \uXXXX escape, so the row can always be written and still says what was
 * sent. The original bytes are kept elsewhere as bytea.
 */
const UNSTORABLE = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, escape);
}

export function storableOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : storableText(text);
}
