/**
 * grant_type=refresh_token (RFC 6749 section 6, SMART App Launch "Refresh access token").
 *
 * Refresh tokens rotate: each use consumes the old one and answers a new one carrying the same grant.
 * The checks that a client can get wrong in good faith (its identity, a too-broad scope) come before
 * the token is consumed, so that a refused request leaves it usable; the consumption itself is atomic,
 * so of two concurrent uses only one gets new tokens.
 */
import { GrantFamilies } from './grant-families.js';
import { isSubset } from './scopes-subset.js';
import { parseScopes } from './scopes.js';
import { tokenError, tokenSuccess, type GrantRequest, type TokenResponse } from './token-endpoint-types.js';
import { issueUserTokens, refreshGrants } from './token-grant-user-tokens.js';

const INVALID = 'The refresh token is invalid, expired or already used';

export async function refreshTokenGrant(req: GrantRequest): Promise<TokenResponse> {
  const { refresh_token: token, scope: requested } = req.fields;
  if (token === undefined) return tokenError('invalid_request', 'refresh_token is required');
  const grants = refreshGrants(req.deps, req.now);
  const grant = await grants.peek(token);
  if (!grant) return tokenError('invalid_grant', INVALID);
  // RFC 6749 section 6: the refresh token is bound to the client it was issued to.
  if (grant.clientId !== req.client.id) return tokenError('invalid_grant', 'The refresh token was issued to another client');
  if (requested !== undefined) {
    if (parseScopes(requested).errors.length > 0) return tokenError('invalid_scope', 'scope contains malformed scopes');
    if (!isSubset(requested, grant.scope)) return tokenError('invalid_scope', 'scope must not exceed the scope originally granted');
  }
  const families = new GrantFamilies(req.deps.records, req.now);
  // Grants from before families existed start one now.
  const family = grant.family ?? (await families.start());
  if (grant.family !== undefined && (await families.isRevoked(grant.family))) return tokenError('invalid_grant', INVALID);
  // Lost a race with a concurrent use, or expired since the peek.
  if (!(await grants.redeem(token))) return tokenError('invalid_grant', INVALID);

  return tokenSuccess(
    await issueUserTokens(req.deps, req.now, {
      family,
      clientId: grant.clientId,
      scope: requested ?? grant.scope,
      refreshScope: grant.scope,
      username: grant.username,
      fhirUser: grant.fhirUser,
      context: grant.context,
      ...(grant.notAfter === undefined ? {} : { notAfter: grant.notAfter }),
    }),
  );
}
