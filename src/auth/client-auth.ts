/**
 * Client authentication at the token endpoint (RFC 6749 sections 2.3 and 3.2.1, RFC 7523, SMART App Launch):
 * decides which one method a request uses, and whether the client is registered for it and proves it.
 * Answers either the client or an RFC 6749 section 5.2 error ready to be sent; it never throws for bad input.
 */
import type { ClientRegistration, VerifySecret } from './client-registration.js';
import { verifyPassword } from './password.js';
import { CLIENT_ASSERTION_TYPE, peekAssertionIssuer, verifyClientAssertion, type ClientAssertionOptions } from './client-assertion.js';

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface ClientAuthRequest {
  /** The token request's form fields, as URLSearchParams or as a parsed body (repeated fields as arrays). */
  form: URLSearchParams | Record<string, unknown>;
  /** The Authorization header, if any. */
  authorization?: string;
}

export type ClientLookup = (clientId: string) => Promise<ClientRegistration | undefined>;

export interface ClientAuthDeps {
  /** Defaults to the scrypt check of src/auth/password.ts, matching createClientRegistration's default hash. */
  verifySecret?: VerifySecret;
  assertion: ClientAssertionOptions;
  /** The realm of the WWW-Authenticate challenge sent when Basic authentication fails. */
  realm?: string;
}

export interface ClientAuthError {
  /** RFC 6749 section 5.2 code. This module answers invalid_client or invalid_request; unauthorized_client
   * belongs to grant checks that callers make after authentication, and shares this shape. */
  error: 'invalid_client' | 'invalid_request' | 'unauthorized_client';
  description: string;
  status: 400 | 401;
  /** Set exactly when the response must carry a WWW-Authenticate header (the client used HTTP Basic). */
  wwwAuthenticate?: string;
}

export type ClientAuthResult = { ok: true; client: ClientRegistration; method: ClientAuthMethod } | ({ ok: false } & ClientAuthError);

// Unknown clients and wrong secrets get the same answer: which ids exist is no business of a failed request.
const FAILED = 'Client authentication failed';

export async function authenticateClient(request: ClientAuthRequest, lookup: ClientLookup, deps: ClientAuthDeps): Promise<ClientAuthResult> {
  const read = readFields(request.form, ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type']);
  if (!read.ok) return invalidRequest(read.problem);
  const { client_id: clientId, client_secret: secret, client_assertion: assertion, client_assertion_type: assertionType } = read.fields;
  // Only Basic authenticates a client in the Authorization header; other schemes are not client credentials here.
  const basic = request.authorization !== undefined && /^basic(\s|$)/i.test(request.authorization.trim());

  const used = [basic, secret !== undefined, assertion !== undefined || assertionType !== undefined].filter(Boolean).length;
  // RFC 6749 section 2.3: "The client MUST NOT use more than one authentication method in each request."
  if (used > 1) return invalidRequest('Use exactly one client authentication method');

  if (basic) {
    const challenge = `Basic realm="${deps.realm ?? 'qiao'}"`;
    const failBasic = (description: string): ClientAuthResult => ({ ok: false, error: 'invalid_client', description, status: 401, wwwAuthenticate: challenge });
    const credentials = parseBasic(request.authorization!);
    if (!credentials) return failBasic('Malformed Basic credentials: base64 of form-urlencoded client_id ":" client_secret expected');
    if (clientId !== undefined && clientId !== credentials.id) return invalidRequest('client_id differs from the Basic credentials');
    const client = await checkSecret(credentials.id, credentials.secret, lookup, deps);
    return client ? { ok: true, client, method: 'client_secret_basic' } : failBasic(FAILED);
  }

  if (secret !== undefined) {
    if (clientId === undefined) return invalidRequest('client_secret needs client_id');
    const client = await checkSecret(clientId, secret, lookup, deps);
    return client ? { ok: true, client, method: 'client_secret_post' } : invalidClient(FAILED);
  }

  if (assertion !== undefined || assertionType !== undefined) {
    if (assertion === undefined) return invalidRequest('client_assertion_type needs client_assertion');
    if (assertionType === undefined) return invalidRequest('client_assertion needs client_assertion_type');
    if (assertionType !== CLIENT_ASSERTION_TYPE) return invalidClient(`Unsupported client_assertion_type; use ${CLIENT_ASSERTION_TYPE}`);
    const claims = peekAssertionIssuer(assertion);
    if (!claims) return invalidClient('client_assertion is not a JWT');
    if (typeof claims.iss !== 'string' || claims.iss === '') return invalidClient('client_assertion needs an iss claim (the client_id)');
    if (claims.iss !== claims.sub) return invalidClient('client_assertion iss and sub must both be the client_id');
    // RFC 7521 section 4.2: client_id is optional here, but when present it must name the same client.
    if (clientId !== undefined && clientId !== claims.iss) return invalidClient('client_id differs from the client_assertion iss');
    const client = await lookup(claims.iss);
    if (!client) return invalidClient(FAILED);
    if (client.type !== 'confidential-asymmetric') return invalidClient('The client is not registered for private_key_jwt');
    const verified = await verifyClientAssertion(assertion, client, deps.assertion);
    return verified.ok ? { ok: true, client, method: 'private_key_jwt' } : invalidClient(verified.description);
  }

  // No credentials: only a public client may identify itself by client_id alone (RFC 6749 section 3.2.1).
  if (clientId === undefined) return invalidClient('No client authentication and no client_id');
  const client = await lookup(clientId);
  if (!client) return invalidClient(FAILED);
  if (client.type !== 'public') return invalidClient('A confidential client must authenticate');
  return { ok: true, client, method: 'none' };
}

async function checkSecret(clientId: string, secret: string, lookup: ClientLookup, deps: ClientAuthDeps): Promise<ClientRegistration | undefined> {
  const verify = deps.verifySecret ?? verifyPassword;
  const client = await lookup(clientId);
  const usable = client?.type === 'confidential-symmetric' && client.secretHash !== undefined;
  // Checked even without a usable client (against nothing), so that failing takes as long either way.
  const match = await verify(secret, usable ? client.secretHash : undefined);
  return usable && match ? client : undefined;
}

/**
 * RFC 6749 section 2.3.1: the client_id and secret are form-urlencoded before being joined by ":" and
 * base64-encoded, so a colon or non-ASCII character inside either survives. Undefined when malformed.
 */
export function parseBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (id === undefined || secret === undefined || id === '') return undefined;
  return { id, secret };
}

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

type Fields = Record<string, string | undefined>;

/**
 * The named fields, each at most once. RFC 6749 section 3.2: parameters without a value are treated as
 * omitted, and none may be repeated.
 */
function readFields(form: ClientAuthRequest['form'], names: string[]): { ok: true; fields: Fields } | { ok: false; problem: string } {
  const out: Fields = {};
  for (const name of names) {
    const raw: unknown = form instanceof URLSearchParams ? form.getAll(name) : form[name];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v) => v !== '');
    if (values.length > 1) return { ok: false, problem: `${name} must not be repeated (RFC 6749 section 3.2)` };
    const value = values[0];
    if (value !== undefined && typeof value !== 'string') return { ok: false, problem: `${name} must be a string` };
    out[name] = value;
  }
  return { ok: true, fields: out };
}

function invalidRequest(description: string): ClientAuthResult {
  return { ok: false, error: 'invalid_request', description, status: 400 };
}

// 400, not 401, when no Authorization header was used: a 401 must carry a challenge (RFC 9110 section 15.5.2),
// and there is no scheme to challenge a form-posted credential with.
function invalidClient(description: string): ClientAuthResult {
  return { ok: false, error: 'invalid_client', description, status: 400 };
}
