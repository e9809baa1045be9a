/**
 * The bearer guard on the FHIR API and the discovery documents (issue 5 items 1 and 7): no token -> 401
 * with a challenge; a bad token -> 401 naming the kind of fault; metadata and the SMART configuration
 * stay open, with CORS; the CapabilityStatement names the authorization server.
 */
import { createPublicKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authUrls } from '../../../src/auth/auth-server.js';
import { publicJwks } from '../../../src/auth/keys.js';
import { startSecuredServer, type SecuredServer } from '../../helpers/auth.js';
import { expectOutcome } from '../../helpers/server.js';

let s: SecuredServer;
let base: string;

beforeAll(async () => {
  s = await startSecuredServer();
  base = s.server.fhirBase;
});
afterAll(() => s?.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

describe('without a token', () => {
  it('refuses FHIR requests with 401 and a Bearer challenge, and writes nothing', async () => {
    for (const [method, path] of [['GET', '/Patient'], ['GET', '/Patient/1'], ['POST', '/Patient'], ['GET', ''], ['GET', '/_history']] as const) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/fhir+json' },
        body: method === 'POST' ? JSON.stringify({ resourceType: 'Patient' }) : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="qiao"/);
      expectOutcome(await res.json(), { code: 'login' });
    }
    const token = await s.token('system/*.rs');
    const all = await (await get('/Patient?_summary=count', { authorization: `Bearer ${token}` })).json();
    expect(all.total).toBe(0);
  });

  it('refuses a malformed Authorization header with invalid_request', async () => {
    const res = await get('/Patient', { authorization: 'Basic abc' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
  });

  it('serves metadata with the SMART security section, CORS open', async () => {
    const res = await get('/metadata', { origin: 'https://app.example.org' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const cs = await res.json();
    const security = cs.rest[0].security;
    expect(security.service[0].coding[0].code).toBe('SMART-on-FHIR');
    const uris = security.extension.find((e: { url: string }) => e.url.endsWith('oauth-uris'));
    const urls = authUrls(base);
    expect(uris.extension).toEqual(expect.arrayContaining([{ url: 'token', valueUri: urls.token }, { url: 'authorize', valueUri: urls.authorize }]));
  });

  it('serves the SMART configuration as application/json with absolute URLs and every capability', async () => {
    const res = await get('/.well-known/smart-configuration?_format=xml', { accept: 'application/fhir+xml', origin: 'https://app.example.org' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const config = await res.json();
    const urls = authUrls(base);
    expect(config).toMatchObject({
      issuer: urls.issuer,
      jwks_uri: urls.jwks,
      authorization_endpoint: urls.authorize,
      token_endpoint: urls.token,
      introspection_endpoint: urls.introspect,
      revocation_endpoint: urls.revoke,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      response_types_supported: ['code'],
    });
    for (const u of [config.issuer, config.jwks_uri, config.token_endpoint]) expect(u).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(config.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']));
    expect(config.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_basic', 'client_secret_post', 'none']));
    const capabilities = [
      'launch-ehr', 'launch-standalone', 'authorize-post', 'client-public', 'client-confidential-symmetric', 'client-confidential-asymmetric',
      'sso-openid-connect', 'context-banner', 'context-style', 'context-ehr-patient', 'context-ehr-encounter', 'context-standalone-patient',
      'permission-offline', 'permission-online', 'permission-patient', 'permission-user', 'permission-v1', 'permission-v2',
    ];
    expect(config.capabilities).toEqual(expect.arrayContaining(capabilities));
  });

  it('serves the OpenID configuration at the issuer and the JWKS', async () => {
    const urls = authUrls(base);
    const oidc = await (await fetch(`${urls.issuer}/.well-known/openid-configuration`)).json();
    expect(oidc.issuer).toBe(urls.issuer);
    expect(oidc.jwks_uri).toBe(urls.jwks);
    const jwks = await (await fetch(urls.jwks)).json();
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const k of jwks.keys) expect(k.d).toBeUndefined();
  });
});

describe('with a token', () => {
  it('serves a request with a valid token', async () => {
    const res = await get('/Patient', { authorization: `Bearer ${await s.token('system/*.rs')}` });
    expect(res.status).toBe(200);
  });

  it('refuses an expired token, one for another audience, one from another issuer, and a revoked one', async () => {
    const keys = s.server.auth.server!.keys;
    const key = keys.keys[0]!;
    const urls = authUrls(base);
    const sign = (claims: Record<string, unknown>, iss = urls.issuer, aud = base, exp = Math.floor(Date.now() / 1000) + 60) =>
      new SignJWT({ client_id: 'c', scope: 'system/*.rs', ...claims })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject('c')
        .setJti(`j-${Math.random()}`)
        .setIssuedAt(exp - 120)
        .setExpirationTime(exp)
        .sign(key.privateKey);
    const cases: [string, string, RegExp][] = [
      ['expired', await sign({}, urls.issuer, base, Math.floor(Date.now() / 1000) - 5), /expired/],
      ['audience', await sign({}, urls.issuer, 'https://elsewhere.example.org/fhir'), /another audience/],
      ['issuer', await sign({}, 'https://evil.example.org/auth'), /another issuer/],
    ];
    for (const [name, token, message] of cases) {
      const res = await get('/Patient', { authorization: `Bearer ${token}` });
      expect(res.status, name).toBe(401);
      expect(res.headers.get('www-authenticate'), name).toMatch(/error="invalid_token"/);
      expect(JSON.stringify(await res.json()), name).toMatch(message);
    }
    const token = await s.token('system/*.rs');
    const jti = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;
    await s.server.auth.server!.revocations.revoke(jti, Date.now() + 600_000);
    const revoked = await get('/Patient', { authorization: `Bearer ${token}` });
    expect(revoked.status).toBe(401);
    expect(JSON.stringify(await revoked.json())).toMatch(/revoked/);
  });

  it('refuses an HS256 token "signed" with the public key', async () => {
    const jwk = publicJwks(s.server.auth.server!.keys).keys[0]!;
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const forged = await new SignJWT({ client_id: 'c', scope: 'system/*.*' })
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'at+jwt' })
      .setIssuer(authUrls(base).issuer)
      .setAudience(base)
      .setSubject('c')
      .setJti('forged')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(String(pem)));
    const res = await get('/Patient', { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
  });
});
