import type { Figures } from './scenario.js';

function show(value: number | string): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** The figures as aligned "name  value" lines for a human. */
export function formatFigures(figures: Figures): string {
  const names = Object.keys(figures);
  const width = Math.max(0, ...names.map((n) => n.length));
  return names.map((name) => `  ${name.padEnd(width)}  ${show(figures[name] as number | string)}`).join('\n');
}

/** JSON has no NaN or Infinity: such a figure (nothing measured) becomes null rather than a fake number. */
export function figuresJson(figures: Figures): string {
  return JSON.stringify(figures, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value));
}
