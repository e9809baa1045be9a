/**
 * grant_type=client_credentials for SMART Backend Services: a confidential client acting on its own
 * behalf, pre-authorized for `system/` scopes at registration. No user, so no id_token; no refresh token
 * (a backend client just authenticates again); access tokens of at most five minutes.
 */
import { mintAccessToken } from './access-token.js';
import { BACKEND_TOKEN_LIFETIME_SECONDS } from './grants.js';
import { normaliseForClient } from './scopes-subset.js';
import { parseScopes } from './scopes.js';
import { tokenError, tokenSuccess, type GrantRequest, type TokenResponse } from './token-endpoint-types.js';

export async function clientCredentialsGrant(req: GrantRequest): Promise<TokenResponse> {
  // A public client's identity is only a claimed client_id: it must never get tokens on its own behalf.
  if (req.client.type === 'public') {
    return tokenError('unauthorized_client', 'Only confidential clients may use the client_credentials grant');
  }
  const requested = req.fields.scope;
  if (requested === undefined) return tokenError('invalid_request', 'scope is required for client_credentials');
  const { scopes, errors } = parseScopes(requested);
  if (errors.length > 0) return tokenError('invalid_scope', 'scope contains malformed scopes');
  if (scopes.some((s) => s.kind !== 'clinical' || s.level !== 'system')) {
    return tokenError('invalid_scope', 'client_credentials grants only system/ scopes');
  }
  const scope = normaliseForClient(scopes, req.client.scope);
  if (scope === '') return tokenError('invalid_scope', 'None of the requested scopes is registered for this client');

  const access = await mintAccessToken(req.deps.keys, {
    issuer: req.deps.issuer,
    audience: req.deps.fhirBase,
    subject: req.client.id,
    clientId: req.client.id,
    scope,
    expiresIn: BACKEND_TOKEN_LIFETIME_SECONDS,
    now: new Date(req.now()),
  });
  return tokenSuccess({ access_token: access.token, token_type: 'Bearer', expires_in: BACKEND_TOKEN_LIFETIME_SECONDS, scope });
}
