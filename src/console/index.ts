/** The web console (src/console): server-rendered pages under /console on the worker's HTTP port. */
export { createConsoleRoutes, type ConsoleConfig, type ConsoleDeps } from './console-routes.js';
export type { FiguresSource, MetricFamily } from './overview-figures.js';
