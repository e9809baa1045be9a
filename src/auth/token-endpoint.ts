/**
 * The token endpoint (RFC 6749 section 3.2, SMART App Launch 2.x), framework-free: the HTTP layer hands
 * over the parsed form and the Authorization and Content-Type headers and sends back what this answers.
 *
 * Order of checks: the request's shape (content type, repeated fields, grant_type) first, so that garbage
 * costs no secret hashing or key fetching; then client authentication; then the grant. Every refusal is an
 * RFC 6749 section 5.2 error whose description names the problem and never echoes a credential.
 */
import { authenticateClient } from './client-auth.js';
import { Clients } from './clients.js';
import { AssertionReplay } from './revocations.js';
import { tokenError, type GrantRequest, type TokenEndpointDeps, type TokenResponse } from './token-endpoint-types.js';
import { clientCredentialsGrant } from './token-grant-client-credentials.js';
import { authorizationCodeGrant } from './token-grant-code.js';
import { refreshTokenGrant } from './token-grant-refresh.js';
import { refreshGrants } from './token-grant-user-tokens.js';

export type { TokenEndpointDeps, TokenResponse } from './token-endpoint-types.js';

export interface TokenRequestInput {
  form: URLSearchParams;
  /** The Authorization header, if any. */
  authorization?: string;
  /** The Content-Type header, if any. */
  contentType?: string;
}

const GRANTS: Record<string, (req: GrantRequest) => Promise<TokenResponse>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

/** The grant fields read here; client credentials are read (and checked for repeats) by client-auth.ts. */
const FIELDS = ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope'];

export async function handleTokenRequest(input: TokenRequestInput, deps: TokenEndpointDeps): Promise<TokenResponse> {
  const now = deps.now ?? Date.now;
  if (!isFormUrlEncoded(input.contentType)) {
    return tokenError('invalid_request', 'The token request must be application/x-www-form-urlencoded');
  }
  const fields: Record<string, string | undefined> = {};
  for (const name of FIELDS) {
    // RFC 6749 section 3.2: a parameter sent without a value is treated as omitted, and none may be repeated.
    const values = input.form.getAll(name).filter((v) => v !== '');
    if (values.length > 1) return tokenError('invalid_request', `${name} must not be repeated`);
    fields[name] = values[0];
  }
  const grantType = fields.grant_type;
  if (grantType === undefined) return tokenError('invalid_request', 'grant_type is required');
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant) {
    return tokenError('unsupported_grant_type', `Supported grant types: ${Object.keys(GRANTS).join(', ')}`);
  }

  const clients = new Clients(deps.records);
  const form = grantType === 'refresh_token' ? await withRefreshingPublicClient(input, fields.refresh_token, deps, clients, now) : input.form;
  const auth = await authenticateClient(
    { form, ...(input.authorization === undefined ? {} : { authorization: input.authorization }) },
    (id) => clients.get(id),
    {
      assertion: {
        tokenEndpoint: deps.tokenEndpoint,
        // openid-client (oauth4webapi) puts the issuer in the assertion's aud, as draft-ietf-oauth-rfc7523bis
        // recommends; it is as unambiguous a name for this server as the endpoint URL.
        issuer: deps.issuer,
        // In the database, so that an assertion accepted by one server process is refused by every other.
        replayStore: new AssertionReplay(deps.records),
        jwksCache: deps.jwksCache,
        now,
      },
    },
  );
  if (!auth.ok) {
    return tokenError(auth.error, auth.description, auth.status, auth.wwwAuthenticate === undefined ? {} : { 'WWW-Authenticate': auth.wwwAuthenticate });
  }
  return grant({ fields, client: auth.client, deps, now });
}

/**
 * RFC 6749 §6 asks only confidential clients to authenticate on refresh, and public clients such as
 * fhirclient (by default) send no client_id then: the refresh token itself names its client. When a
 * refresh request carries no client identification at all and its token belongs to a public client,
 * that client is the one asking; every other case goes through client authentication unchanged.
 */
async function withRefreshingPublicClient(
  input: TokenRequestInput,
  refreshToken: string | undefined,
  deps: TokenEndpointDeps,
  clients: Clients,
  now: () => number,
): Promise<URLSearchParams> {
  const identified = input.authorization !== undefined || ['client_id', 'client_assertion', 'client_secret'].some((n) => input.form.has(n));
  if (identified || refreshToken === undefined) return input.form;
  const grant = await refreshGrants(deps, now).peek(refreshToken);
  if (!grant || (await clients.get(grant.clientId))?.type !== 'public') return input.form;
  const form = new URLSearchParams(input.form);
  form.set('client_id', grant.clientId);
  return form;
}

/** application/x-www-form-urlencoded, any case, optionally with parameters such as charset (RFC 9110 8.3.1). */
function isFormUrlEncoded(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
