/**
 * The Node.js flowthrough runs on. package.json has no `engines` field: npm
 * compares that with the Node npm itself runs on, which here may be older
 * (`npm ci` installs Node 24 as the `node` dev dependency, and every npm
 * script and the `flowthrough` bin run on it), so it only printed EBADENGINE
 * blocks about our own package. The requirement is checked where it matters,
 * when the program starts; `devEngines` states it for tools that read it.
 */
export const REQUIRED_NODE_MAJOR = 24;

/** One line saying why this Node cannot run flowthrough, or undefined when it can. */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `flowthrough: needs Node.js ${REQUIRED_NODE_MAJOR} or newer, not ${version}: start it as npx flowthrough or npm start ` +
    `(npm ci installs Node ${REQUIRED_NODE_MAJOR} as a dev dependency), or from the Docker image`
  );
}
