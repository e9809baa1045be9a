/**
 * Token revocation (RFC 7009), framework-free: form fields and the Authorization header in, status,
 * headers and JSON body out.
 *
 * The client authenticates as at the token endpoint (public clients by client_id alone, §2.1), and may
 * revoke only tokens issued to it. An access token is revoked by recording its jti until its exp
 * (revocations.ts), which every verifyAccessToken in every process then honours; a refresh token is
 * deleted. Tokens that are invalid, expired or unknown need no revoking and get 200 as well (§2.2).
 * A live token of another client is refused with unauthorized_client, since §2.1 says the client is
 * informed; only someone holding that token can learn this, and they could already use it.
 */
import { AccessTokenError, verifyAccessToken, type AccessTokenClaims } from './access-token.js';
import { authenticateClient } from './client-auth.js';
import { GrantFamilies } from './grant-families.js';
import type { EndpointResponse, IntrospectionDeps } from './introspect-endpoint.js';
import type { StoredRefreshGrant } from './token-grant-user-tokens.js';

export interface RevocationRequest {
  /** The urlencoded body: `token`, optional `token_type_hint`, and client credentials. */
  form: URLSearchParams;
  /** The Authorization header, for client_secret_basic. */
  authorization?: string;
}

/** The same collaborators as introspection: keys and issuer to check tokens, the records, client authentication. */
export type RevocationDeps = IntrospectionDeps;

const JSON_NO_STORE = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' };

type Outcome = 'revoked' | 'not-found' | 'not-yours';

export async function handleRevocation(input: RevocationRequest, deps: RevocationDeps): Promise<EndpointResponse> {
  const auth = await authenticateClient(input, deps.clients, deps.clientAuth);
  if (!auth.ok) {
    return oauthError(auth.status, auth.error, auth.description, auth.wwwAuthenticate ? { 'WWW-Authenticate': auth.wwwAuthenticate } : {});
  }
  const tokens = input.form.getAll('token');
  if (tokens.length !== 1 || tokens[0] === '') return oauthError(400, 'invalid_request', 'Exactly one token parameter is required');
  const token = tokens[0]!;
  const clientId = auth.client.id;

  // The hint only orders the attempts (§2.1: the server must search further when it is wrong). Unknown
  // hint values are ignored rather than answered with unsupported_token_type: we can tell the types apart.
  const refreshFirst = input.form.get('token_type_hint') === 'refresh_token';
  const attempts = refreshFirst ? [revokeRefresh, revokeAccess] : [revokeAccess, revokeRefresh];
  for (const attempt of attempts) {
    const outcome = await attempt(token, clientId, deps);
    if (outcome === 'not-yours') return oauthError(400, 'unauthorized_client', 'The token was not issued to this client');
    if (outcome === 'revoked') break;
  }
  return { status: 200, headers: JSON_NO_STORE, body: {} };
}

async function revokeAccess(token: string, clientId: string, deps: RevocationDeps): Promise<Outcome> {
  let claims: AccessTokenClaims;
  try {
    // Revoked already is fine (revoking twice is harmless), so revocation is not checked here.
    claims = await verifyAccessToken(deps.keys, token, {
      issuer: deps.issuer,
      audience: deps.audience,
      isRevoked: () => false,
      ...(deps.now ? { now: new Date(deps.now()) } : {}),
    });
  } catch (err) {
    if (err instanceof AccessTokenError) return 'not-found';
    throw err;
  }
  if (claims.client_id !== clientId) return 'not-yours';
  // Kept until the token would have expired anyway; after that verification refuses it on exp alone.
  await deps.revocations.revoke(claims.jti, claims.exp * 1000);
  return 'revoked';
}

async function revokeRefresh(token: string, clientId: string, deps: RevocationDeps): Promise<Outcome> {
  if (token.includes('.')) return 'not-found';
  const grant = await deps.refreshTokens.peek(token);
  if (!grant) return 'not-found';
  if (grant.clientId !== clientId) return 'not-yours';
  await deps.refreshTokens.revoke(token);
  // RFC 7009 §2.1: the access tokens of the same grant go too, and so does every other refresh token of it.
  const family = (grant as StoredRefreshGrant).family;
  if (family !== undefined) await new GrantFamilies(deps.records).revoke(family);
  return 'revoked';
}

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): EndpointResponse {
  return { status, headers: { ...JSON_NO_STORE, ...headers }, body: { error, error_description: description } };
}
