/**
 * Token introspection (RFC 7662), framework-free: form fields and the Authorization header in, status,
 * headers and JSON body out. The HTTP layer parses the urlencoded body and writes the answer.
 *
 * Who may ask (RFC 7662 §2.1 requires some authorization, to stop token scanning):
 * - a confidential client that authenticates (client_secret_basic/post, private_key_jwt) may introspect
 *   any token: that is the resource-server use of introspection, and such clients are registered by an
 *   administrator;
 * - a bearer access token may always introspect itself (an app asking what it was granted), and may
 *   introspect any other token when it carries an unrestricted system-level read/search scope on every
 *   type (`system/*.rs`, `system/*.read`, `system/*.cruds`...), the scope a backend resource server holds;
 * - a public client (client_id alone) proves nothing and is refused, like an anonymous caller (401).
 * A caller that may not see a token is told `{"active": false}`, as §2.2 prescribes, so the answer does
 * not reveal whether the token exists.
 */
import { AccessTokenError, verifyAccessToken, type AccessTokenClaims } from './access-token.js';
import { authenticateClient, type ClientAuthDeps, type ClientLookup } from './client-auth.js';
import type { RefreshGrant } from './grants.js';
import type { SigningKeys } from './keys.js';
import type { AuthRecords } from '../store/auth-records.js';
import type { StoredRefreshGrant } from './token-grant-user-tokens.js';
import { GrantFamilies } from './grant-families.js';
import type { Revocations } from './revocations.js';
import { parseScopes } from './scopes.js';
import type { SingleUseGrants } from './single-use.js';

export interface IntrospectionRequest {
  /** The urlencoded body: `token`, optional `token_type_hint`, and client credentials if used. */
  form: URLSearchParams;
  /** The Authorization header: `Basic ...` (a client) or `Bearer ...` (an access token). */
  authorization?: string;
}

export interface IntrospectionDeps {
  /** The authorization server's records (grant families, for revocation). */
  records: AuthRecords;
  keys: SigningKeys;
  /** Our issuer identifier and the FHIR base our access tokens are for. */
  issuer: string;
  audience: string;
  revocations: Revocations;
  /** Refresh tokens, record kind 'refresh'. */
  refreshTokens: SingleUseGrants<RefreshGrant>;
  clients: ClientLookup;
  clientAuth: ClientAuthDeps;
  /** Epoch milliseconds, as in TokenEndpointDeps; tests move the clock. */
  now?: () => number;
}

export interface EndpointResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

// Introspection answers describe live credentials: never cached (RFC 7662 §4 recommends it).
const JSON_NO_STORE = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' };
const INACTIVE: EndpointResponse = { status: 200, headers: JSON_NO_STORE, body: { active: false } };

export async function handleIntrospection(input: IntrospectionRequest, deps: IntrospectionDeps): Promise<EndpointResponse> {
  const caller = await authorizeCaller(input, deps);
  if ('status' in caller) return caller;

  const tokens = input.form.getAll('token');
  if (tokens.length !== 1 || tokens[0] === '') {
    return oauthError(400, 'invalid_request', 'Exactly one token parameter is required');
  }
  const token = tokens[0]!;
  if (!caller.seesAll && token !== caller.ownToken) return { ...INACTIVE };

  // The token_type_hint only orders the lookups (RFC 7662 §2.1: the server may ignore it); both are cheap.
  const refreshFirst = input.form.get('token_type_hint') === 'refresh_token';
  const lookups = refreshFirst ? [describeRefresh, describeAccess] : [describeAccess, describeRefresh];
  for (const lookup of lookups) {
    const body = await lookup(token, deps);
    if (body) return { status: 200, headers: JSON_NO_STORE, body };
  }
  return { ...INACTIVE };
}

type Caller = { seesAll: boolean; ownToken?: string };

async function authorizeCaller(input: IntrospectionRequest, deps: IntrospectionDeps): Promise<Caller | EndpointResponse> {
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(input.authorization?.trim() ?? '');
  if (bearer) {
    const ownToken = bearer[1]!;
    let claims: AccessTokenClaims;
    try {
      claims = await verifyAccessToken(deps.keys, ownToken, verifyOptions(deps));
    } catch (err) {
      if (!(err instanceof AccessTokenError)) throw err;
      return { status: 401, headers: { ...JSON_NO_STORE, ...err.headers }, body: { error: 'invalid_token', error_description: 'The bearer token is not valid' } };
    }
    return { seesAll: mayIntrospectOthers(claims.scope), ownToken };
  }
  if (input.authorization === undefined && !hasClientCredentials(input.form)) {
    return unauthorized(deps, 'Authenticate as a confidential client or with a bearer access token');
  }
  const result = await authenticateClient(input, deps.clients, deps.clientAuth);
  if (!result.ok) {
    if (result.error === 'invalid_request') return oauthError(400, result.error, result.description);
    return unauthorized(deps, result.description, result.wwwAuthenticate);
  }
  // A public client has only named itself; that authorizes nothing here.
  if (result.method === 'none') return unauthorized(deps, 'A public client cannot introspect tokens');
  return { seesAll: true };
}

function hasClientCredentials(form: URLSearchParams): boolean {
  return ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'].some((n) => (form.get(n) ?? '') !== '');
}

/** An unrestricted `system/*` scope allowing read and search. */
export function mayIntrospectOthers(scope: string): boolean {
  return parseScopes(scope).scopes.some(
    (s) => s.kind === 'clinical' && s.level === 'system' && s.type === '*' && s.restriction.length === 0 && s.interactions.includes('r') && s.interactions.includes('s'),
  );
}

function verifyOptions(deps: IntrospectionDeps) {
  return {
    issuer: deps.issuer,
    audience: deps.audience,
    isRevoked: (jti: string) => deps.revocations.isRevoked(jti),
    ...(deps.now ? { now: new Date(deps.now()) } : {}),
  };
}

async function describeAccess(token: string, deps: IntrospectionDeps): Promise<Record<string, unknown> | undefined> {
  let claims: AccessTokenClaims;
  try {
    claims = await verifyAccessToken(deps.keys, token, verifyOptions(deps));
  } catch (err) {
    if (err instanceof AccessTokenError) return undefined;
    throw err;
  }
  const body: Record<string, unknown> = {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    token_type: 'Bearer',
    exp: claims.exp,
    iat: claims.iat,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    jti: claims.jti,
  };
  for (const k of ['fhirUser', 'patient', 'encounter'] as const) if (claims[k] !== undefined) body[k] = claims[k];
  return body;
}

async function describeRefresh(token: string, deps: IntrospectionDeps): Promise<Record<string, unknown> | undefined> {
  // An access token (a JWT, with dots) is never a refresh token; spare the database the lookup.
  if (token.includes('.')) return undefined;
  const grant = await deps.refreshTokens.peek(token);
  if (!grant) return undefined;
  // A refresh token whose grant family was revoked (a replayed code, a revoked sibling) is dead.
  const { family } = grant as StoredRefreshGrant;
  if (family !== undefined && (await new GrantFamilies(deps.records).isRevoked(family))) return undefined;
  const body: Record<string, unknown> = { active: true, scope: grant.scope, client_id: grant.clientId, sub: grant.username, iss: deps.issuer };
  // Grants stored before expiresAt was recorded have no exp (optional in RFC 7662); expired ones are absent anyway.
  const { expiresAt } = grant as StoredRefreshGrant;
  if (expiresAt !== undefined) body.exp = Math.floor(expiresAt / 1000);
  if (grant.fhirUser) body.fhirUser = grant.fhirUser;
  if (grant.context.patient !== undefined) body.patient = grant.context.patient;
  if (grant.context.encounter !== undefined) body.encounter = grant.context.encounter;
  return body;
}

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): EndpointResponse {
  return { status, headers: { ...JSON_NO_STORE, ...headers }, body: { error, error_description: description } };
}

// RFC 9110 §15.5.2: a 401 names the schemes that would work; both do here.
function unauthorized(deps: IntrospectionDeps, description: string, basicChallenge?: string): EndpointResponse {
  const realm = deps.clientAuth.realm ?? 'qiao';
  const challenge = `${basicChallenge ?? `Basic realm="${realm}"`}, Bearer realm="${realm}"`;
  return oauthError(401, 'invalid_client', description, { 'WWW-Authenticate': challenge });
}
