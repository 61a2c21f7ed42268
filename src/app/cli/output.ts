/** CLI output goes to stdout/stderr directly: it is the program's product, not a log. */
export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function printError(line: string): void {
  process.stderr.write(`${line}\n`);
}
