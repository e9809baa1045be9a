/**
 * The authorization server as one object: its signing keys and records, the URLs of its endpoints for a
 * given FHIR base, the collaborators each endpoint needs, and the bearer-token check every FHIR request
 * passes. The HTTP layer only routes to it. The external-issuer mode (tokens from a hospital's own IdP)
 * shares the bearer check and nothing else.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { issue, OperationOutcomeError } from '../fhir/errors.js';
import type { AuthRecords } from '../store/auth-records.js';
import { AccessTokenError, verifyAccessToken, type AccessTokenClaims } from './access-token.js';
import { JwksUriCache } from './client-jwks.js';
import { Clients } from './clients.js';
import type { AuthServerUrls } from './discovery.js';
import { OFFLINE_REFRESH_LIFETIME_SECONDS, type RefreshGrant } from './grants.js';
import type { IntrospectionDeps } from './introspect-endpoint.js';
import type { SigningKeys } from './keys.js';
import { AssertionReplay, Revocations } from './revocations.js';
import { SingleUseGrants } from './single-use.js';
import type { TokenEndpointDeps } from './token-endpoint-types.js';
import { VerifiedTokens } from './verified-tokens.js';

/** The path of the authorization server beside the FHIR base (`/fhir` -> `/auth`). */
export const AUTH_PATH = '/auth';

/**
 * The issuer and endpoint URLs for a FHIR base. The issuer sits beside the base, so a deployment under
 * a path prefix (https://h/qiao/fhir) gets https://h/qiao/auth.
 */
export function authUrls(fhirBase: string): AuthServerUrls {
  const base = fhirBase.replace(/\/+$/, '');
  const issuer = /\/fhir$/.test(base) ? `${base.slice(0, -'/fhir'.length)}${AUTH_PATH}` : `${new URL(base).origin}${AUTH_PATH}`;
  return {
    fhirBase: base,
    issuer,
    authorize: `${issuer}/authorize`,
    token: `${issuer}/token`,
    introspect: `${issuer}/introspect`,
    revoke: `${issuer}/revoke`,
    jwks: `${issuer}/jwks`,
  };
}

/** Checks the bearer token of a FHIR request; throws a 401 OperationOutcomeError when there is none or it fails. */
export interface BearerVerifier {
  verify(authorization: string | undefined, fhirBase: string): Promise<AccessTokenClaims>;
}

/** A 401 for a request without credentials (RFC 6750 §3: no error code when none were sent). */
export function missingToken(realm: string): OperationOutcomeError {
  return new OperationOutcomeError(401, [issue('error', 'login', 'This server requires a bearer access token (SMART App Launch); see .well-known/smart-configuration')], {
    'WWW-Authenticate': `Bearer realm="${realm}"`,
  });
}

function bearerOf(authorization: string | undefined, realm: string): string {
  const m = /^bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(authorization?.trim() ?? '');
  if (!m) {
    if (authorization === undefined || authorization.trim() === '') throw missingToken(realm);
    throw new OperationOutcomeError(401, [issue('error', 'login', 'The Authorization header must be "Bearer <access token>"')], {
      'WWW-Authenticate': `Bearer realm="${realm}", error="invalid_request"`,
    });
  }
  return m[1]!;
}

export class AuthServer implements BearerVerifier {
  readonly revocations: Revocations;
  readonly clients: Clients;
  readonly refreshTokens: SingleUseGrants<RefreshGrant>;
  readonly jwksCache = new JwksUriCache();
  private readonly verified = new VerifiedTokens();

  constructor(
    readonly records: AuthRecords,
    readonly keys: SigningKeys,
  ) {
    this.revocations = new Revocations(records);
    this.clients = new Clients(records);
    this.refreshTokens = new SingleUseGrants<RefreshGrant>(records, 'refresh', OFFLINE_REFRESH_LIFETIME_SECONDS);
  }

  async verify(authorization: string | undefined, fhirBase: string): Promise<AccessTokenClaims> {
    const token = bearerOf(authorization, 'qiao');
    const urls = authUrls(fhirBase);
    const known = this.verified.get(urls.fhirBase, token);
    if (known) {
      if (await this.revocations.isRevoked(known.jti)) throw new AccessTokenError('revoked');
      return known;
    }
    const claims = await verifyAccessToken(this.keys, token, { issuer: urls.issuer, audience: urls.fhirBase, isRevoked: (jti) => this.revocations.isRevoked(jti) });
    this.verified.set(urls.fhirBase, token, claims);
    return claims;
  }

  tokenDeps(fhirBase: string): TokenEndpointDeps {
    const urls = authUrls(fhirBase);
    return { records: this.records, keys: this.keys, issuer: urls.issuer, fhirBase: urls.fhirBase, tokenEndpoint: urls.token, jwksCache: this.jwksCache };
  }

  /** Introspection and revocation share their collaborators. */
  introspectionDeps(fhirBase: string): IntrospectionDeps {
    const urls = authUrls(fhirBase);
    return {
      records: this.records,
      keys: this.keys,
      issuer: urls.issuer,
      audience: urls.fhirBase,
      revocations: this.revocations,
      refreshTokens: this.refreshTokens,
      clients: (id) => this.clients.get(id),
      clientAuth: {
        assertion: {
          tokenEndpoint: urls.token,
          issuer: urls.issuer,
          // In the database, so an assertion used at one server process is refused by every other.
          replayStore: new AssertionReplay(this.records),
          jwksCache: this.jwksCache,
        },
      },
    };
  }
}

/**
 * External-issuer mode: access tokens (RFC 9068 JWTs: `typ` at+jwt, `client_id`, `scope`, `jti`) issued by
 * another authorization server, checked against its JWKS (fetched and cached by jose) and our revocation
 * list. Their `aud` must still be our FHIR base.
 */
export class ExternalIssuer implements BearerVerifier {
  private readonly jwks: JWTVerifyGetKey;

  constructor(
    private readonly issuer: string,
    jwksUrl: string,
    private readonly revocations: Revocations,
  ) {
    this.jwks = createRemoteJWKSet(new URL(jwksUrl));
  }

  async verify(authorization: string | undefined, fhirBase: string): Promise<AccessTokenClaims> {
    const token = bearerOf(authorization, 'qiao');
    return verifyAccessToken(this.jwks, token, {
      issuer: this.issuer,
      audience: fhirBase.replace(/\/+$/, ''),
      isRevoked: (jti) => this.revocations.isRevoked(jti),
      clockTolerance: 30,
    });
  }
}
