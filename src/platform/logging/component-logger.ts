import type { Logger } from 'pino';

/**
 * The logger of a component: `component` names it, once per line. pino
 * repeats a key a child binds again, so a part inside a component (the
 * reconciler's fleet budget, its Operator Connect client) is named by
 * `subcomponent` instead; deeper parts keep their parent's names.
 */
export function componentLogger(logger: Logger, component: string, bindings: Record<string, unknown> = {}): Logger {
  const bound = logger.bindings();
  if (!('component' in bound)) return logger.child({ component, ...bindings });
  if (bound.component === component || 'subcomponent' in bound) return Object.keys(bindings).length > 0 ? logger.child(bindings) : logger;
  return logger.child({ subcomponent: component, ...bindings });
}
