/**
 * The discovery documents of the authorization server: SMART App Launch 2.x
 * `{fhirBase}/.well-known/smart-configuration` (conformance.html), OpenID Connect Discovery
 * `{issuer}/.well-known/openid-configuration`, and the CapabilityStatement `rest.security` element.
 * Pure functions of the endpoint URLs: the HTTP layer decides the URLs (always absolute, as SMART
 * recommends) and serves the results as application/json with CORS open.
 */
import type { Coding } from '../fhir/types.js';
import { LEVELS, NAMED_SCOPES } from './scopes.js';

export interface AuthServerUrls {
  /** The FHIR base URL, which is also the audience apps must name. */
  fhirBase: string;
  issuer: string;
  authorize: string;
  token: string;
  introspect: string;
  revoke: string;
  jwks: string;
  /** Dynamic client registration, when offered. */
  register?: string;
}

/**
 * What we advertise: the named scopes, and for every level the v2 wildcard (`*.cruds`) and the v1
 * spellings apps written for SMART 1 still request. Apps may ask for narrower scopes (one type, fewer
 * letters, query restrictions); scopes_supported lists a useful subset, not every accepted string.
 */
export const SCOPES_SUPPORTED: readonly string[] = [
  ...NAMED_SCOPES,
  ...LEVELS.flatMap((level) => [`${level}/*.cruds`, `${level}/*.rs`, `${level}/*.read`, `${level}/*.write`]),
];

/** Exactly the capabilities issue 5 delivers; a client picks its launch flow from these. */
export const SMART_CAPABILITIES: readonly string[] = [
  'launch-ehr',
  'launch-standalone',
  'authorize-post',
  'client-public',
  'client-confidential-symmetric',
  'client-confidential-asymmetric',
  'sso-openid-connect',
  'context-banner',
  'context-style',
  'context-ehr-patient',
  'context-ehr-encounter',
  'context-standalone-patient',
  'permission-offline',
  'permission-online',
  'permission-patient',
  'permission-user',
  'permission-v1',
  'permission-v2',
];

export const GRANT_TYPES_SUPPORTED = ['authorization_code', 'client_credentials', 'refresh_token'] as const;
// SMART 2.x: S256 is required and `plain` must never be offered (it would defeat PKCE).
export const CODE_CHALLENGE_METHODS_SUPPORTED = ['S256'] as const;
export const TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED = ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'none'] as const;
// Backend Services: clients sign assertions with RS384 or ES384 (client-registration.ts ASSERTION_ALGORITHMS).
export const TOKEN_ENDPOINT_AUTH_SIGNING_ALGS = ['RS384', 'ES384'] as const;

export interface SmartConfiguration {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  token_endpoint: string;
  introspection_endpoint: string;
  revocation_endpoint: string;
  registration_endpoint?: string;
  grant_types_supported: string[];
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  token_endpoint_auth_signing_alg_values_supported: string[];
  scopes_supported: string[];
  response_types_supported: string[];
  capabilities: string[];
}

export function smartConfiguration(urls: AuthServerUrls, scopesSupported: readonly string[] = SCOPES_SUPPORTED): SmartConfiguration {
  const config: SmartConfiguration = {
    // issuer and jwks_uri are required because we offer sso-openid-connect.
    issuer: urls.issuer,
    jwks_uri: urls.jwks,
    authorization_endpoint: urls.authorize,
    token_endpoint: urls.token,
    introspection_endpoint: urls.introspect,
    revocation_endpoint: urls.revoke,
    grant_types_supported: [...GRANT_TYPES_SUPPORTED],
    code_challenge_methods_supported: [...CODE_CHALLENGE_METHODS_SUPPORTED],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED],
    token_endpoint_auth_signing_alg_values_supported: [...TOKEN_ENDPOINT_AUTH_SIGNING_ALGS],
    scopes_supported: [...scopesSupported],
    response_types_supported: ['code'],
    capabilities: [...SMART_CAPABILITIES],
  };
  if (urls.register !== undefined) config.registration_endpoint = urls.register;
  return config;
}

/** OpenID Connect Discovery 1.0 §3: the provider metadata, for the `sso-openid-connect` capability. */
export function openidConfiguration(urls: AuthServerUrls, scopesSupported: readonly string[] = SCOPES_SUPPORTED): Record<string, unknown> {
  const config: Record<string, unknown> = {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorize,
    token_endpoint: urls.token,
    jwks_uri: urls.jwks,
    introspection_endpoint: urls.introspect,
    revocation_endpoint: urls.revoke,
    response_types_supported: ['code'],
    grant_types_supported: [...GRANT_TYPES_SUPPORTED],
    subject_types_supported: ['public'],
    // Id tokens are always RS256 (access-token.ts mintIdToken), the algorithm OIDC clients must accept.
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: [...scopesSupported],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED],
    token_endpoint_auth_signing_alg_values_supported: [...TOKEN_ENDPOINT_AUTH_SIGNING_ALGS],
    // fhirUser is the SMART claim naming the user's FHIR resource (Patient/123, Practitioner/456).
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'fhirUser'],
    code_challenge_methods_supported: [...CODE_CHALLENGE_METHODS_SUPPORTED],
  };
  if (urls.register !== undefined) config.registration_endpoint = urls.register;
  return config;
}

const OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';
const SECURITY_SERVICE = 'http://terminology.hl7.org/CodeSystem/restful-security-service';

export interface CapabilitySecurity {
  cors: boolean;
  service: { coding: Coding[]; text: string }[];
  extension: { url: string; extension: { url: string; valueUri: string }[] }[];
  description: string;
}

/**
 * CapabilityStatement.rest.security. SMART 2.x deprecates the oauth-uris extension in favour of the
 * well-known document, but older clients (and test harnesses) still look for it, so we keep both.
 */
export function capabilitySecurity(urls: AuthServerUrls): CapabilitySecurity {
  const uris: { url: string; valueUri: string }[] = [
    { url: 'token', valueUri: urls.token },
    { url: 'authorize', valueUri: urls.authorize },
    { url: 'introspect', valueUri: urls.introspect },
    { url: 'revoke', valueUri: urls.revoke },
  ];
  if (urls.register !== undefined) uris.push({ url: 'register', valueUri: urls.register });
  return {
    cors: true,
    service: [{ coding: [{ system: SECURITY_SERVICE, code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }], text: 'OAuth2 using SMART-on-FHIR profile' }],
    extension: [{ url: OAUTH_URIS, extension: uris }],
    description:
      'SMART App Launch 2.x: every request needs a bearer access token from this server; see ' +
      `${urls.fhirBase.replace(/\/+$/, '')}/.well-known/smart-configuration for endpoints and capabilities.`,
  };
}
