/**
 * Shapes shared by the token endpoint (token-endpoint.ts) and its grant handlers (token-grant-*.ts): the
 * dependencies, the framework-free response, and RFC 6749 section 5.2 error answers. Kept apart so that
 * the grant files and the dispatcher do not import each other.
 */
import type { AuthRecords } from '../store/auth-records.js';
import type { ClientRegistration } from './client-registration.js';
import type { JwksUriCache } from './client-jwks.js';
import type { SigningKeys } from './keys.js';

export interface TokenEndpointDeps {
  records: AuthRecords;
  keys: SigningKeys;
  /** Our issuer identifier: `iss` of every token, and an accepted client-assertion `aud` (openid-client sends it). */
  issuer: string;
  /** The FHIR base URL: the access tokens' audience. */
  fhirBase: string;
  /** This endpoint's absolute URL: the client-assertion `aud` SMART requires. */
  tokenEndpoint: string;
  jwksCache: JwksUriCache;
  /** Epoch milliseconds; tests move the clock. */
  now?: () => number;
}

export interface TokenResponse {
  status: number;
  headers: Record<string, string>;
  body: object;
}

export type TokenErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'unsupported_grant_type';

/** What a grant handler gets once the request is well formed and the client authenticated. */
export interface GrantRequest {
  /** The request's fields, each at most once, blank ones absent (RFC 6749 section 3.2). */
  fields: Readonly<Record<string, string | undefined>>;
  client: ClientRegistration;
  deps: TokenEndpointDeps;
  now: () => number;
}

// RFC 6749 section 5.1: responses with tokens (and, by the same reasoning, errors) must never be cached.
const HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export function tokenSuccess(body: Record<string, unknown>): TokenResponse {
  return { status: 200, headers: { ...HEADERS }, body };
}

/** Descriptions are fixed texts written here, never echoing a code, token, secret or assertion. */
export function tokenError(error: TokenErrorCode, description: string, status = 400, extra: Record<string, string> = {}): TokenResponse {
  return { status, headers: { ...HEADERS, ...extra }, body: { error, error_description: description } };
}
