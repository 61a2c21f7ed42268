/**
 * The console's only script, shipped in the worker. It does two things and
 * the pages work without it: rewrites <time> text in the viewer's time zone
 * (the UTC value stays in the title), and on the overview polls the JSON
 * figures every few seconds into an aria-live region.
 */
export const CONSOLE_JS = `(() => {
  'use strict';
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  function localise(root) {
    for (const t of root.querySelectorAll('time[datetime]')) {
      const d = new Date(t.getAttribute('datetime'));
      if (!Number.isNaN(d.getTime())) t.textContent = format.format(d);
    }
  }
  localise(document);
  const live = document.querySelector('[data-poll]');
  if (!live) return;
  const url = live.getAttribute('data-poll');
  const every = Number(live.getAttribute('data-every') || '5000');
  async function refresh() {
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (response.status === 401) { location.href = '/console/sign-in'; return; }
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const figures = await response.json();
      for (const el of live.querySelectorAll('[data-figure]')) {
        const value = figures[el.getAttribute('data-figure')];
        if (value !== undefined && el.textContent !== String(value)) el.textContent = String(value);
      }
      for (const list of live.querySelectorAll('[data-breakdown]')) {
        const entries = Object.entries(figures[list.getAttribute('data-breakdown')] || {});
        const text = entries.length === 0 ? 'none' : entries.map(([k, n]) => k + ': ' + n).join(', ');
        if (list.textContent !== text) list.textContent = text;
      }
      const stamp = live.querySelector('[data-updated]');
      if (stamp) { stamp.setAttribute('datetime', figures.at); stamp.title = figures.at.slice(0, 19).replace('T', ' ') + ' UTC'; localise(live); }
      live.removeAttribute('aria-busy');
      const status = document.getElementById('poll-status');
      if (status) status.textContent = '';
    } catch (error) {
      const status = document.getElementById('poll-status');
      if (status) status.textContent = 'Live figures unavailable: ' + error.message;
    } finally {
      setTimeout(refresh, every);
    }
  }
  setTimeout(refresh, every);
})();
`;
