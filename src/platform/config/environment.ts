/** The one place that touches process.env; everything else receives values. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
