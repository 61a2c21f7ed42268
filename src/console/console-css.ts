/**
 * The console's style sheet, shipped in the worker (no CDN, no network at run
 * time). System fonts; one column on a phone, tables scroll inside their own
 * region; a focus ring that is always visible for keyboard users.
 */
export const CONSOLE_CSS = `
:root { --fg:#1b1f24; --muted:#57606a; --bg:#fff; --panel:#f6f8fa; --line:#d0d7de; --accent:#0a58ca; --bad:#b42318; --ok:#1a7f37; --warn:#9a6700; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
:focus-visible { outline:3px solid #ff9e00; outline-offset:2px; }
.skip { position:absolute; left:-999px; top:0; background:#fff; padding:.5rem; }
.skip:focus { left:.5rem; z-index:10; }
header.top { display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.5rem; padding:.6rem 1rem; background:#24292f; color:#fff; }
header.top a { color:#fff; text-decoration:none; }
header.top nav ul { display:flex; flex-wrap:wrap; gap:.25rem 1rem; list-style:none; margin:0; padding:0; }
header.top nav a[aria-current="page"] { text-decoration:underline; text-underline-offset:4px; }
header.top .who { margin-left:auto; display:flex; gap:.75rem; align-items:center; font-size:.9em; }
header.top .who button { background:none; border:1px solid #8c959f; color:#fff; border-radius:4px; padding:.15rem .5rem; cursor:pointer; }
main { padding:1rem; max-width:1400px; margin:0 auto; }
h1 { font-size:1.4rem; margin:.2rem 0 1rem; }
h2 { font-size:1.1rem; margin:1.4rem 0 .5rem; }
.table-wrap { overflow-x:auto; border:1px solid var(--line); border-radius:6px; margin:.5rem 0 1rem; }
table { border-collapse:collapse; width:100%; font-size:.92em; }
caption { text-align:left; font-weight:600; padding:.4rem .6rem; background:var(--panel); }
th, td { text-align:left; padding:.35rem .6rem; border-top:1px solid var(--line); vertical-align:top; }
th { background:var(--panel); white-space:nowrap; }
td { overflow-wrap:break-word; }
dl.fields { display:grid; grid-template-columns:max-content 1fr; gap:.25rem 1rem; margin:.5rem 0 1rem; }
dl.fields dt { color:var(--muted); }
dl.fields dd { margin:0; overflow-wrap:anywhere; }
form.filters { display:flex; flex-wrap:wrap; gap:.6rem 1rem; align-items:flex-end; padding:.75rem; background:var(--panel); border:1px solid var(--line); border-radius:6px; }
form.filters label, form.stack label { display:flex; flex-direction:column; font-size:.85em; color:var(--muted); gap:.15rem; }
form.stack { display:flex; flex-direction:column; gap:.8rem; max-width:40rem; }
form.stack label.check, form.filters label.check { flex-direction:row; align-items:center; gap:.4rem; color:var(--fg); font-size:1em; }
input, select, textarea, button { font:inherit; }
input[type=text], input[type=search], input[type=datetime-local], select, textarea { padding:.35rem .5rem; border:1px solid #8c959f; border-radius:4px; min-width:10rem; background:#fff; color:var(--fg); }
textarea { width:100%; min-height:6rem; font-family:ui-monospace,monospace; font-size:.85em; }
button, .button { display:inline-block; padding:.4rem .9rem; border-radius:4px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; text-decoration:none; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.danger { background:var(--bad); border-color:var(--bad); }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(16rem,1fr)); gap:1rem; }
.card { border:1px solid var(--line); border-radius:6px; padding:.6rem .9rem; background:var(--panel); }
.card h2 { margin:.1rem 0 .4rem; font-size:1rem; }
.card .big { font-size:1.6rem; font-weight:600; }
.badge { white-space:nowrap; display:inline-block; padding:0 .45rem; border-radius:1rem; font-size:.85em; border:1px solid var(--line); background:#fff; }
.badge-completed, .badge-succeeded, .badge-replayed, .badge-synced, .badge-closed, .badge-provisioned { color:var(--ok); border-color:var(--ok); }
.badge-failed, .badge-rejected, .badge-open, .badge-partial { color:var(--bad); border-color:var(--bad); }
.badge-held, .badge-pending, .badge-inProgress, .badge-half-open, .badge-replaying { color:var(--warn); border-color:var(--warn); }
.notice { padding:.6rem .9rem; border-radius:6px; border:1px solid var(--line); background:var(--panel); margin:.5rem 0 1rem; }
.notice.error { border-color:var(--bad); color:var(--bad); background:#fff5f5; }
.notice.ok { border-color:var(--ok); color:var(--ok); background:#f3fbf4; }
.pager { display:flex; gap:1rem; margin:.5rem 0 1rem; }
.empty, .muted { color:var(--muted); }
pre { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:.6rem; overflow-x:auto; font-size:.85em; white-space:pre; }
.signin { max-width:34rem; margin:2rem auto; }
@media (max-width: 700px) {
  main { padding:.6rem; }
  header.top { padding:.5rem .6rem; }
  header.top .who { margin-left:0; }
  form.filters { flex-direction:column; align-items:stretch; }
  input[type=text], input[type=search], select { min-width:0; width:100%; }
  dl.fields { grid-template-columns:1fr; }
  dl.fields dd { margin-bottom:.4rem; }
}
`;
