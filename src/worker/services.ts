import type { RouteFactory, ServiceFactory } from './worker.js';

/** What a production worker runs. Later capabilities register here. */
export function workerServices(): { services: ServiceFactory[]; routes: RouteFactory[] } {
  return { services: [], routes: [] };
}
