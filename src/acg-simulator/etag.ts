import { randomBytes } from 'node:crypto';
import { AcgError } from './acg-error.js';

/** A new strong entity tag: every write gives the resource a new one. */
export const newEtag = (): string => `"${randomBytes(8).toString('hex')}"`;

function tags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

const failed = (message: string): AcgError => new AcgError(412, 'PreconditionFailed', message);

/**
 * If-Match / If-None-Match (RFC 9110 §13.1.1-2) against the resource's
 * current tag (undefined: it does not exist): 412 PreconditionFailed when a
 * condition fails. If-None-Match on a read is left alone (a 304 is no answer
 * the swagger declares).
 */
export function checkConditions(headers: { ifMatch?: string; ifNoneMatch?: string }, current: string | undefined, write: boolean): void {
  if (headers.ifMatch !== undefined) {
    const list = tags(headers.ifMatch);
    const matches = current !== undefined && (list.includes('*') || list.includes(current));
    if (!matches) {
      throw failed(
        current === undefined
          ? 'If-Match was given but the resource does not exist.'
          : `If-Match ${headers.ifMatch} does not match the resource's current ETag ${current}.`,
      );
    }
  }
  if (write && headers.ifNoneMatch !== undefined && current !== undefined) {
    const list = tags(headers.ifNoneMatch);
    if (list.includes('*') || list.includes(current)) {
      throw failed(`If-None-Match ${headers.ifNoneMatch} matches the resource's current ETag ${current}.`);
    }
  }
}
