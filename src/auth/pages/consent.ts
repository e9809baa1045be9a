/**
 * The consent page: every scope the app asked for (and may have), each a checked box the user may clear,
 * then Allow or Deny. Only what stays checked is granted.
 */
import { html } from './html.js';
import { layout } from './layout.js';
import { describeScope } from './scope-text.js';

export interface ConsentPage {
  base: string;
  requestId: string;
  clientName: string;
  username: string;
  /** The patient in context, as shown to the user (name and id), if any. */
  patient?: string;
  scopes: string[];
  message?: string;
}

export function consentPage(p: ConsentPage): string {
  const boxes = p.scopes.map(
    (scope, i) => html`<p><input type="checkbox" id="scope-${i}" name="scope" value="${scope}" checked>
<label for="scope-${i}">${describeScope(scope)} <code>${scope}</code></label></p>
`,
  );
  return layout(
    'Allow access?',
    html`<p><strong>${p.clientName}</strong> asks for the permissions below. Clear any you do not want to give.</p>
<p>Signed in as <strong>${p.username}</strong>.${p.patient ? html` Patient: <strong>${p.patient}</strong>.` : ''}</p>
${p.message ? html`<p class="error" role="alert">${p.message}</p>` : ''}
<form method="post" action="${p.base}/consent">
<input type="hidden" name="request" value="${p.requestId}">
<fieldset>
<legend>Permissions</legend>
${boxes}</fieldset>
<p><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></p>
</form>`,
  );
}
