/**
 * grant_type=authorization_code (RFC 6749 section 4.1.3, RFC 7636 section 4.6, SMART App Launch).
 *
 * A well-formed request redeems the code first and checks it afterwards: a code is single use (RFC 6749
 * section 4.1.2), so a wrong client, redirect_uri or code_verifier consumes it too. That is the safe choice:
 * whoever presents a code with the wrong proof may be an attacker holding a stolen code, and a retry with
 * the right proof must not be possible for them; the genuine app simply starts a new authorization.
 * A request missing a required parameter is refused before the code is looked at, and leaves it usable.
 */
import { GrantFamilies } from './grant-families.js';
import { CODE_LIFETIME_SECONDS, type CodeGrant } from './grants.js';
import { verifyPkce } from './pkce.js';
import { SingleUseGrants } from './single-use.js';
import { tokenError, tokenSuccess, type GrantRequest, type TokenResponse } from './token-endpoint-types.js';
import { issueUserTokens } from './token-grant-user-tokens.js';

export const CODE_KIND = 'code';

export function codeGrants(req: Pick<GrantRequest, 'deps' | 'now'>): SingleUseGrants<CodeGrant> {
  return new SingleUseGrants<CodeGrant>(req.deps.records, CODE_KIND, CODE_LIFETIME_SECONDS, req.now);
}

export async function authorizationCodeGrant(req: GrantRequest): Promise<TokenResponse> {
  const { code, redirect_uri: redirectUri, code_verifier: verifier } = req.fields;
  if (code === undefined) return tokenError('invalid_request', 'code is required');
  // SMART always sends redirect_uri in the authorization request, so RFC 6749 section 4.1.3 requires it here.
  if (redirectUri === undefined) return tokenError('invalid_request', 'redirect_uri is required');
  if (verifier === undefined) return tokenError('invalid_request', 'code_verifier is required (PKCE)');

  const grant = await codeGrants(req).redeem(code);
  const families = new GrantFamilies(req.deps.records, req.now);
  if (!grant) {
    // A replayed code means it leaked: whoever redeemed it first may not be the app (RFC 6749 §4.1.2).
    await families.revokeIfReplayedCode(code);
    // One answer for unknown, expired and used codes: which codes exist is no business of a failed request.
    return tokenError('invalid_grant', 'The authorization code is invalid, expired or already used');
  }
  if (grant.clientId !== req.client.id) return tokenError('invalid_grant', 'The authorization code was issued to another client');
  if (grant.redirectUri !== redirectUri) return tokenError('invalid_grant', 'redirect_uri does not match the authorization request');
  const pkce = verifyPkce(grant.codeChallenge, 'S256', verifier);
  if (!pkce.ok) return tokenError('invalid_grant', pkce.description);

  const family = await families.start(code);
  return tokenSuccess(
    await issueUserTokens(req.deps, req.now, {
      family,
      clientId: grant.clientId,
      scope: grant.scope,
      refreshScope: grant.scope,
      username: grant.username,
      fhirUser: grant.fhirUser,
      context: grant.context,
      idToken: { authTime: grant.authTime, ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }) },
    }),
  );
}
