import { type Html, html } from './html.js';
import { notice } from './layout.js';

/**
 * The sign-in form: the operator pastes a bearer token the read API accepts
 * (a READ_API_TOKENS token reads; an Entra ID token with the operator role
 * also replays). The field is a password field, so it is not shown on screen
 * and browsers do not store it as form history.
 */
export function signInBody(formToken: string, next: string, problem: string | null): Html {
  return html`<div class="signin">
<h1>Sign in</h1>
${problem ? notice('error', problem) : ''}
<form class="stack" method="post" action="/console/sign-in">
<input type="hidden" name="csrf" value="${formToken}">
<input type="hidden" name="next" value="${next}">
<label for="token">Bearer token
<input id="token" type="password" name="token" autocomplete="off" spellcheck="false" required aria-describedby="token-help"></label>
<p id="token-help" class="muted">The same token the read API takes in <code>Authorization: Bearer …</code>. It is kept on the server for this session only; the browser holds a session cookie, never the token.</p>
<div><button type="submit">Sign in</button></div>
</form>
</div>`;
}
