import type { QueryConfig } from 'pg';

/**
 * A prepared statement: PostgreSQL parses and plans it once per connection,
 * not on every chunk; values are passed with each call.
 */
export function named(name: string, text: string): QueryConfig {
  return { name, text };
}
