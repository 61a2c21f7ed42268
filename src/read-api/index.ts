/** The read API (src/read-api): accounts, numbers and orders over HTTP, under /v1. */
export { createReadApiRoutes, readApiEnabled, type ReadApiConfig, type ReadApiDeps } from './read-api-routes.js';
export { lookupHandler, type CallLookupSource, type LookupRouteSettings } from './lookup-route.js';
export { BearerAuth, OPERATOR, READER, type Permission, type Principal } from './bearer-auth.js';
