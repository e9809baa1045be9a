/**
 * The authorization request (RFC 6749 section 4.1.1, SMART App Launch 2.x "Obtain authorization code"),
 * checked before anyone is asked to log in.
 *
 * The order matters (RFC 6749 section 4.1.2.1): while the client or its redirect_uri is in doubt, nothing
 * may be sent to that URI (an open redirector would hand codes and errors to whoever wrote the link), so
 * those problems become an error page for the user. Once both are known good, every other problem is
 * reported to the app by redirecting there with `error`, `error_description` and the `state` it sent.
 */
import type { ClientRegistration } from './client-registration.js';
import type { LaunchGrant } from './grants.js';
import { checkPkceChallenge } from './pkce.js';
import { normaliseForClient } from './scopes-subset.js';

/** A request that passed every check, as kept while the user logs in and consents. */
export interface AuthorizeRequest {
  clientId: string;
  /** What the pages call the app: its registered name, else its id. */
  clientName: string;
  /** Exactly as sent, and equal to a registered one. */
  redirectUri: string;
  /** Echoed exactly in the redirect. */
  state: string;
  /** The requested scopes the client's registration covers (scopes-subset.ts), space-separated. */
  scope: string;
  codeChallenge: string;
  nonce?: string;
  /** EHR launch: the launch context the `launch` parameter named (peeked, not consumed: a launch may be reused). */
  launch?: LaunchGrant;
}

export type AuthorizeErrorCode = 'invalid_request' | 'unsupported_response_type' | 'invalid_scope' | 'access_denied' | 'server_error';

export type AuthorizeValidation =
  | { ok: true; request: AuthorizeRequest }
  /** The client or redirect_uri is not trustworthy: tell the user, never redirect. */
  | { ok: false; redirect: false; message: string }
  | { ok: false; redirect: true; location: string };

export interface AuthorizeRequestDeps {
  client(id: string): Promise<ClientRegistration | undefined>;
  launch(id: string): Promise<LaunchGrant | undefined>;
  /** Our FHIR base URL: the only `aud` we issue codes for. */
  fhirBase: string;
}

/** Parameters that may appear once at most (RFC 6749 section 3.1). */
const SINGLE = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'aud', 'code_challenge', 'code_challenge_method', 'launch', 'nonce'];

/**
 * The redirect_uri with parameters added to its query. Appended as text: re-serialising the URL would
 * re-encode the registered query, and the app compares what it gets with what it registered.
 */
export function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  const sep = redirectUri.includes('?') ? (/[?&]$/.test(redirectUri) ? '' : '&') : '?';
  return `${redirectUri}${sep}${query.toString()}`;
}

/** RFC 6749 section 4.1.2.1: error_description is limited to printable ASCII without `"` and `\`. */
function description(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

export function errorRedirect(redirectUri: string, error: AuthorizeErrorCode, text: string, state: string | undefined): string {
  return redirectTo(redirectUri, { error, error_description: description(text), state });
}

/** Trailing slashes aside, `aud` must be our base exactly: a token for another server must not be minted here. */
function sameBase(aud: string, fhirBase: string): boolean {
  const strip = (s: string) => s.replace(/\/+$/, '');
  return strip(aud) === strip(fhirBase);
}

export async function validateAuthorizeRequest(params: URLSearchParams, deps: AuthorizeRequestDeps): Promise<AuthorizeValidation> {
  const repeated = SINGLE.filter((name) => params.getAll(name).length > 1);
  // RFC 6749 section 3.1: a parameter sent without a value is treated as omitted.
  const get = (name: string): string | undefined => (params.get(name) === '' ? undefined : (params.get(name) ?? undefined));
  const page = (message: string): AuthorizeValidation => ({ ok: false, redirect: false, message });

  if (repeated.includes('client_id')) return page('The request names more than one client (client_id is repeated).');
  const clientId = get('client_id');
  if (clientId === undefined) return page('The request does not say which app it is for (client_id is missing).');
  const client = await deps.client(clientId);
  if (!client) return page('The app that sent you here is not registered with this server (unknown client_id).');
  if (repeated.includes('redirect_uri')) return page('The request names more than one return address (redirect_uri is repeated).');
  const redirectUri = get('redirect_uri');
  if (redirectUri === undefined) return page('The request does not say where to return to (redirect_uri is missing).');
  if (!client.redirectUris.includes(redirectUri)) return page('The return address (redirect_uri) is not one registered for this app.');

  // From here on the app is known and errors go back to it.
  const state = repeated.includes('state') ? undefined : get('state');
  const fail = (error: AuthorizeErrorCode, text: string): AuthorizeValidation => ({ ok: false, redirect: true, location: errorRedirect(redirectUri, error, text, state) });
  if (repeated.length > 0) return fail('invalid_request', `Parameters must not be repeated: ${repeated.join(', ')}`);
  // SMART App Launch: state is required (it protects the app against CSRF).
  if (state === undefined) return fail('invalid_request', 'state is required');
  const responseType = get('response_type');
  if (responseType === undefined) return fail('invalid_request', 'response_type is required');
  if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
  const aud = get('aud');
  if (aud === undefined) return fail('invalid_request', 'aud is required: the FHIR base URL the app will call');
  if (!sameBase(aud, deps.fhirBase)) return fail('invalid_request', `aud must be this server's FHIR base URL, ${deps.fhirBase}`);
  const pkce = checkPkceChallenge(get('code_challenge'), get('code_challenge_method'));
  if (!pkce.ok) return fail('invalid_request', `PKCE is required: ${pkce.description}`);
  const requested = get('scope');
  if (requested === undefined) return fail('invalid_scope', 'scope is required');
  const scope = normaliseForClient(requested, client.scope);
  if (scope === '') return fail('invalid_scope', 'None of the requested scopes is allowed for this app');

  const request: AuthorizeRequest = { clientId, clientName: client.name ?? clientId, redirectUri, state, scope, codeChallenge: get('code_challenge')! };
  const nonce = get('nonce');
  if (nonce !== undefined) request.nonce = nonce;
  const launchId = get('launch');
  if (launchId !== undefined) {
    const launch = await deps.launch(launchId);
    if (!launch) return fail('invalid_request', 'The launch parameter is unknown or has expired; launch the app from the EHR again');
    request.launch = launch;
  }
  return { ok: true, request };
}
