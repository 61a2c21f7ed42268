import { type Html, html } from './html.js';

/** Who is signed in, as the page header shows it, and the form token every POST carries. */
export interface Viewer {
  readonly identity: string;
  readonly canOperate: boolean;
  readonly csrf: string;
}

const NAV: ReadonlyArray<readonly [string, string]> = [
  ['/console', 'Overview'],
  ['/console/accounts', 'Accounts'],
  ['/console/numbers', 'Numbers'],
  ['/console/orders', 'Orders'],
  ['/console/consents', 'Consents'],
  ['/console/dead-letters', 'Dead letters'],
];

function current(path: string, link: string): boolean {
  return link === '/console' ? path === '/console' || path === '/console/' : path === link || path.startsWith(`${link}/`);
}

/** The page shell: skip link, banner with navigation, main landmark, the console's own CSS and script. */
export function page(title: string, path: string, viewer: Viewer | null, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · flowthrough console</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a href="/console"><strong>flowthrough</strong> console</a>
${
  viewer
    ? html`<nav aria-label="Main"><ul>${NAV.map(
        ([link, label]) => html`<li><a href="${link}"${current(path, link) ? html` aria-current="page"` : ''}>${label}</a></li>`,
      )}</ul></nav>
<div class="who"><span>Signed in: ${viewer.identity} (${viewer.canOperate ? 'operator' : 'reader'})</span>
<form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${viewer.csrf}"><button type="submit">Sign out</button></form></div>`
    : ''
}
</header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>
`.text;
}

export function notice(kind: 'ok' | 'error' | 'info', text: Html | string): Html {
  return html`<div class="notice ${kind === 'info' ? '' : kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}
