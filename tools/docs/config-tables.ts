/**
 * `npm run docs:config [-- --check]`: writes README.md's configuration tables
 * (between <!-- config:begin --> and <!-- config:end -->) from the variable
 * tables in src/platform/config; nothing outside the markers changes.
 * --check writes nothing: exit 1 and a diff when README differs, 0 when not.
 * Exit 2: the markers are missing or the arguments are wrong.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configRegion, lineDiff, renderConfig, replaceConfig, type ConfigRegion } from './config-render.js';

const USAGE = `usage: npm run docs:config [-- --check]

Writes README.md's configuration tables from src/platform/config/*variables.ts.
  --check   write nothing; exit 1 and print a diff when README.md differs`;

function main(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`config-tables: unknown argument ${unknown.join(' ')}\n\n${USAGE}\n`);
    return 2;
  }
  const check = args.includes('--check');
  const path = fileURLToPath(new URL('../../README.md', import.meta.url));
  const rendered = renderConfig();
  // Read right before writing: others edit the rest of README.
  const readme = readFileSync(path, 'utf8');
  let region: ConfigRegion;
  try {
    region = configRegion(readme);
  } catch (error) {
    process.stderr.write(`config-tables: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (region.text === rendered) {
    process.stdout.write('README.md configuration tables are up to date\n');
    return 0;
  }
  if (check) {
    const lineOffset = readme.slice(0, region.start).split('\n').length - 1;
    process.stdout.write(
      lineDiff(region.text, rendered, { expected: 'README.md', actual: 'README.md as rendered from src/platform/config', lineOffset }),
    );
    process.stderr.write('README.md configuration tables differ from the code: run `npm run docs:config`\n');
    return 1;
  }
  writeFileSync(path, replaceConfig(readme, rendered));
  process.stdout.write('README.md configuration tables written\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
