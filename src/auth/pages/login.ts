/** The login page: username and password, posted to `<base>/login` with the pending request's id. */
import { html } from './html.js';
import { layout } from './layout.js';

export interface LoginPage {
  /** The path of /authorize, e.g. /auth/authorize. */
  base: string;
  requestId: string;
  clientName: string;
  /** The username typed before, kept after a failed attempt. */
  username?: string;
  /** Why the last attempt failed; announced to screen readers (role=alert). */
  message?: string;
}

export function loginPage(p: LoginPage): string {
  return layout(
    'Sign in',
    html`<p><strong>${p.clientName}</strong> wants to access health records on your behalf. Sign in to continue.</p>
${p.message ? html`<p class="error" role="alert">${p.message}</p>` : ''}
<form method="post" action="${p.base}/login">
<input type="hidden" name="request" value="${p.requestId}">
<p><label for="username">Username</label><br>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${p.username ?? ''}"></p>
<p><label for="password">Password</label><br>
<input type="password" id="password" name="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>`,
  );
}
