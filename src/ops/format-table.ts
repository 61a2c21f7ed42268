/** Left-aligned columns separated by two spaces; cells longer than `maxWidth` are cut with "…". */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidth = 60): string[] {
  const cut = (cell: string): string => {
    const flat = cell.replace(/[\r\n\t]+/g, ' ');
    return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
  };
  const cells = [headers, ...rows].map((row) => row.map(cut));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** "key: value" lines with the keys aligned. */
export function formatFields(fields: ReadonlyArray<readonly [string, string | number | null | undefined]>): string[] {
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v === null || v === undefined || v === '' ? '-' : String(v)}`);
}

export function isoOrDash(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return value instanceof Date ? value.toISOString() : value;
}
