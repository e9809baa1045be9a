/**
 * The page shown when nothing may be sent back to the app (unknown client, unregistered redirect_uri,
 * an expired or foreign pending request): RFC 6749 section 4.1.2.1 says to inform the user instead.
 */
import { html } from './html.js';
import { layout } from './layout.js';

export function errorPage(message: string, title = 'Cannot continue'): string {
  return layout(
    title,
    html`<p role="alert">${message}</p>
<p>Return to the app you came from and start again. If this keeps happening, contact the app's or this server's administrator.</p>`,
  );
}
