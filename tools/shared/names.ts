import { randomBytes } from 'node:crypto';

/** `prefix_` plus ten random hex digits: a name of this run's own (database, group, topic). */
export function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** `serverUrl` with its database replaced by `database`. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
