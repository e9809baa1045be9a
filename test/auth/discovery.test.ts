/** Discovery documents: the SMART configuration, OpenID provider metadata and CapabilityStatement security. */
import { describe, expect, it } from 'vitest';
import { capabilitySecurity, openidConfiguration, SCOPES_SUPPORTED, smartConfiguration, type AuthServerUrls } from '../../src/auth/discovery.js';
import { parseScopes } from '../../src/auth/scopes.js';

const urls: AuthServerUrls = {
  fhirBase: 'https://qiao.example.org/fhir',
  issuer: 'https://qiao.example.org/auth',
  authorize: 'https://qiao.example.org/auth/authorize',
  token: 'https://qiao.example.org/auth/token',
  introspect: 'https://qiao.example.org/auth/introspect',
  revoke: 'https://qiao.example.org/auth/revoke',
  jwks: 'https://qiao.example.org/auth/jwks',
};

describe('smart-configuration', () => {
  it('lists the endpoints, methods and exactly the delivered capabilities', () => {
    const config = smartConfiguration(urls, SCOPES_SUPPORTED);
    expect(config).toEqual({
      issuer: urls.issuer,
      jwks_uri: urls.jwks,
      authorization_endpoint: urls.authorize,
      token_endpoint: urls.token,
      introspection_endpoint: urls.introspect,
      revocation_endpoint: urls.revoke,
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'none'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      scopes_supported: [...SCOPES_SUPPORTED],
      response_types_supported: ['code'],
      capabilities: [
        'launch-ehr', 'launch-standalone', 'authorize-post', 'client-public', 'client-confidential-symmetric',
        'client-confidential-asymmetric', 'sso-openid-connect', 'context-banner', 'context-style', 'context-ehr-patient',
        'context-ehr-encounter', 'context-standalone-patient', 'permission-offline', 'permission-online',
        'permission-patient', 'permission-user', 'permission-v1', 'permission-v2',
      ],
    });
    expect(config.code_challenge_methods_supported).not.toContain('plain');
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  it('names the registration endpoint only when there is one, and the scopes it is given', () => {
    expect(smartConfiguration(urls, SCOPES_SUPPORTED)).not.toHaveProperty('registration_endpoint');
    const config = smartConfiguration({ ...urls, register: 'https://qiao.example.org/auth/register' }, ['openid', 'system/*.rs']);
    expect(config.registration_endpoint).toBe('https://qiao.example.org/auth/register');
    expect(config.scopes_supported).toEqual(['openid', 'system/*.rs']);
  });

  it('returns a fresh document each time, so a caller cannot alter the next one', () => {
    const first = smartConfiguration(urls, SCOPES_SUPPORTED);
    first.capabilities.push('launch-tampered');
    first.scopes_supported.length = 0;
    const second = smartConfiguration(urls, SCOPES_SUPPORTED);
    expect(second.capabilities).not.toContain('launch-tampered');
    expect(second.scopes_supported.length).toBe(SCOPES_SUPPORTED.length);
  });
});

describe('SCOPES_SUPPORTED', () => {
  it('holds the named scopes and v2 and v1 wildcards for every level, all well-formed', () => {
    expect(SCOPES_SUPPORTED).toEqual(expect.arrayContaining([
      'openid', 'fhirUser', 'launch', 'launch/patient', 'launch/encounter', 'offline_access', 'online_access',
      'patient/*.cruds', 'user/*.cruds', 'system/*.cruds', 'patient/*.read', 'user/*.write', 'system/*.read',
    ]));
    const parsed = parseScopes(SCOPES_SUPPORTED.join(' '));
    expect(parsed.errors).toEqual([]);
    expect(parsed.scopes.length).toBe(SCOPES_SUPPORTED.length);
  });
});

describe('openid-configuration', () => {
  it('describes the issuer for OpenID Connect clients, with RS256 id tokens and the fhirUser claim', () => {
    const config = openidConfiguration(urls, SCOPES_SUPPORTED);
    expect(config).toMatchObject({
      issuer: urls.issuer,
      authorization_endpoint: urls.authorize,
      token_endpoint: urls.token,
      jwks_uri: urls.jwks,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: [...SCOPES_SUPPORTED],
      code_challenge_methods_supported: ['S256'],
    });
    expect(config.claims_supported).toEqual(expect.arrayContaining(['sub', 'iss', 'fhirUser']));
  });
});

describe('CapabilityStatement rest.security', () => {
  it('codes the SMART-on-FHIR service and carries the oauth-uris extension', () => {
    const security = capabilitySecurity(urls);
    expect(security.service).toEqual([
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
        text: 'OAuth2 using SMART-on-FHIR profile',
      },
    ]);
    expect(security.extension).toEqual([
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [
          { url: 'token', valueUri: urls.token },
          { url: 'authorize', valueUri: urls.authorize },
          { url: 'introspect', valueUri: urls.introspect },
          { url: 'revoke', valueUri: urls.revoke },
        ],
      },
    ]);
    expect(security.cors).toBe(true);
    expect(security.description).toContain('https://qiao.example.org/fhir/.well-known/smart-configuration');
  });

  it('adds the register URI when registration is offered', () => {
    const security = capabilitySecurity({ ...urls, register: 'https://qiao.example.org/auth/register' });
    expect(security.extension[0]!.extension).toContainEqual({ url: 'register', valueUri: 'https://qiao.example.org/auth/register' });
  });
});
