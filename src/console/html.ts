/**
 * HTML built by a tagged template: every interpolated value is escaped unless
 * it is already Html (made by this template or raw()), so text from the
 * database (order ids, error messages, record headers) can never become markup.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Markup this code wrote itself (never data). */
export function raw(text: string): Html {
  return new Html(text);
}

/**
 * A moment as <time>: the server writes UTC, the console script rewrites the
 * text in the viewer's time zone; the UTC value stays on hover (title).
 */
export function time(at: Date | string | null | undefined): Html {
  if (at === null || at === undefined) return html`<span aria-label="none">–</span>`;
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return html`${String(at)}`;
  const iso = date.toISOString();
  const utc = `${iso.slice(0, 19).replace('T', ' ')} UTC`;
  return html`<time datetime="${iso}" title="${utc}">${utc}</time>`;
}

/**
 * A list's pager: a link back to the first page when this is a later one, a
 * rel=next link when there are more rows (each omitted when its href is not given).
 */
export function pager(first: string | false | null | undefined, next: string | false | null | undefined, label = 'Pages'): Html {
  return html`<nav class="pager" aria-label="${label}">${first ? html`<a href="${first}">First page</a>` : ''}${
    next ? html`<a href="${next}" rel="next">Next page</a>` : ''
  }</nav>`;
}

/** A data table with a caption and column headers (scope=col) for screen readers. */
export function table(caption: string, headers: readonly string[], rows: readonly (readonly Part[])[], empty = 'none'): Html {
  if (rows.length === 0) return html`<p class="empty">${caption}: ${empty}</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${caption}"><table>
<caption>${caption}</caption>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

/** A definition list of label/value pairs. */
export function fields(pairs: readonly (readonly [string, Part])[]): Html {
  return html`<dl class="fields">${pairs.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** A link inside the console, with query parameters (undefined and empty ones left out). */
export function href(path: string, query: Readonly<Record<string, string | undefined | null>> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, v);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

export function badge(state: string): Html {
  return html`<span class="badge badge-${state.replace(/[^A-Za-z-]/g, '')}">${state}</span>`;
}
