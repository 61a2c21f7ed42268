import type { Reply } from '../simulator/reply.js';
import type { ValidRequest } from './request-validation.js';

export interface PageSizes {
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
}

/**
 * One page of a list (Azure.Core paging): `top` caps the whole result,
 * `skip` starts it later, `maxpagesize` caps a page (the service's maximum
 * at most). A further page is a `nextLink`: an absolute URL carrying the
 * same api-version and the next `skip`. countRecords=true adds
 * x-ms-record-count, the total the request could list.
 */
export function page(items: readonly unknown[], request: ValidRequest, listUrl: URL, sizes: PageSizes): Reply {
  const q = request.query;
  const skip = typeof q.skip === 'number' ? Math.max(0, q.skip) : 0;
  const top = typeof q.top === 'number' ? Math.max(0, q.top) : undefined;
  const size = Math.max(1, Math.min(typeof q.maxpagesize === 'number' ? q.maxpagesize : sizes.defaultPageSize, sizes.maxPageSize));
  const end = top === undefined ? items.length : Math.min(items.length, skip + top);
  const slice = items.slice(skip, Math.min(end, skip + size));
  const next = skip + slice.length;
  const body: Record<string, unknown> = { value: slice };
  if (next < end) {
    const link = new URL(listUrl.pathname, listUrl.origin);
    link.searchParams.set('api-version', String(q['api-version']));
    link.searchParams.set('skip', String(next));
    link.searchParams.set('maxpagesize', String(size));
    if (top !== undefined) link.searchParams.set('top', String(top - (next - skip)));
    if (q.countRecords === true) link.searchParams.set('countRecords', 'true');
    body.nextLink = link.href;
  }
  return { status: 200, body, headers: q.countRecords === true ? { 'x-ms-record-count': String(items.length) } : {} };
}
