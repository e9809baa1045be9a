/** The token endpoint against a real SQLite store and real signing keys: the three grants, and their refusals. */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { verifyAccessToken } from '../../src/auth/access-token.js';
import { CLIENT_ASSERTION_TYPE } from '../../src/auth/client-assertion.js';
import { JwksUriCache } from '../../src/auth/client-jwks.js';
import { createClientRegistration } from '../../src/auth/client-registration.js';
import { Clients } from '../../src/auth/clients.js';
import type { CodeGrant } from '../../src/auth/grants.js';
import { loadOrCreateSigningKeys } from '../../src/auth/keys.js';
import { s256Challenge } from '../../src/auth/pkce.js';
import { SingleUseGrants } from '../../src/auth/single-use.js';
import { handleTokenRequest, type TokenEndpointDeps } from '../../src/auth/token-endpoint.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';

const ISSUER = 'https://qiao.example.org/auth';
const TOKEN_URL = `${ISSUER}/token`;
const FHIR = 'https://qiao.example.org/fhir';
const APP_CB = 'https://app.example.org/cb';
const PORTAL_SECRET = 'portal-secret-0123456789';

let store: ResourceStore;
let dir: string;
let deps: TokenEndpointDeps;
let codes: SingleUseGrants<CodeGrant>;
let clientKey: CryptoKey;

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  dir = mkdtempSync(join(tmpdir(), 'qiao-token-'));
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
  clientKey = privateKey;
  const clients = new Clients(store.auth);
  const registrations = [
    { id: 'growth-chart', type: 'public', redirectUris: [APP_CB], scope: 'launch/patient openid fhirUser offline_access patient/*.rs' },
    { id: 'portal', type: 'confidential-symmetric', redirectUris: ['https://portal.example.org/cb'], scope: 'user/*.rs system/Patient.rs', secret: PORTAL_SECRET },
    { id: 'bili-monitor', type: 'confidential-asymmetric', redirectUris: [], scope: 'system/Observation.rs', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] } },
  ];
  for (const r of registrations) await clients.put(await createClientRegistration(r));
  deps = { records: store.auth, keys: await loadOrCreateSigningKeys(dir), issuer: ISSUER, fhirBase: FHIR, tokenEndpoint: TOKEN_URL, jwksCache: new JwksUriCache() };
  codes = new SingleUseGrants<CodeGrant>(store.auth, 'code', 60);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const FORM = 'application/x-www-form-urlencoded';

function post(fields: Record<string, string>, authorization?: string, contentType = FORM) {
  return handleTokenRequest({ form: new URLSearchParams(fields), contentType, ...(authorization === undefined ? {} : { authorization }) }, deps);
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** A code as /authorize would issue it, and the PKCE verifier behind its challenge. */
async function authorize(over: Partial<CodeGrant> = {}): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const grant: CodeGrant = {
    clientId: 'growth-chart',
    redirectUri: APP_CB,
    scope: 'launch/patient openid fhirUser offline_access patient/*.rs',
    codeChallenge: s256Challenge(verifier),
    username: 'alice',
    fhirUser: 'Patient/p1',
    context: { patient: 'p1', encounter: 'e1', need_patient_banner: true, smart_style_url: 'https://qiao.example.org/style.json' },
    nonce: 'n-123',
    authTime: 1_700_000_000,
    ...over,
  };
  return { code: (await codes.issue(grant)).secret, verifier };
}

function exchange(code: string, verifier: string, extra: Record<string, string> = { client_id: 'growth-chart' }) {
  return post({ grant_type: 'authorization_code', code, redirect_uri: APP_CB, code_verifier: verifier, ...extra });
}

function assertion(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: 'bili-monitor', sub: 'bili-monitor', aud: TOKEN_URL, exp: now + 120, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES384', kid: 'k1', typ: 'JWT', ...header })
    .sign(clientKey);
}

async function backend(clientAssertion: string, scope = 'system/Observation.rs') {
  return post({ grant_type: 'client_credentials', scope, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertion });
}

const verify = (token: string) => verifyAccessToken(deps.keys, token, { issuer: ISSUER, audience: FHIR, isRevoked: () => false });
const body = (r: { body: object }) => r.body as Record<string, unknown>;
const count = async (kind: string) => (await store.auth.list(kind)).length;

describe('token endpoint: authorization_code', () => {
  it('exchanges a code for an access token, id_token, refresh token and the launch context', async () => {
    const { code, verifier } = await authorize();
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const b = body(res);
    expect(b).toMatchObject({
      token_type: 'Bearer', expires_in: 3600, scope: 'launch/patient openid fhirUser offline_access patient/*.rs',
      patient: 'p1', encounter: 'e1', need_patient_banner: true, smart_style_url: 'https://qiao.example.org/style.json',
    });
    expect(typeof b.refresh_token).toBe('string');
    const claims = await verify(b.access_token as string);
    expect(claims).toMatchObject({ client_id: 'growth-chart', sub: 'alice', patient: 'p1', encounter: 'e1', fhirUser: `${FHIR}/Patient/p1` });
    expect(decodeJwt(b.id_token as string)).toMatchObject({ iss: ISSUER, aud: 'growth-chart', sub: 'alice', fhirUser: `${FHIR}/Patient/p1`, nonce: 'n-123', auth_time: 1_700_000_000 });
  });

  it('gives a confidential client (client_secret_basic) neither id_token nor refresh token unless asked for', async () => {
    const { code, verifier } = await authorize({ clientId: 'portal', redirectUri: 'https://portal.example.org/cb', scope: 'user/*.rs', context: {} });
    const res = await post({ grant_type: 'authorization_code', code, redirect_uri: 'https://portal.example.org/cb', code_verifier: verifier }, basic('portal', PORTAL_SECRET));
    expect(res.status).toBe(200);
    expect(Object.keys(body(res)).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
  });

  it('refuses a missing or blank verifier without consuming the code', async () => {
    const { code, verifier } = await authorize();
    for (const v of [undefined, '']) {
      const fields: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: APP_CB, client_id: 'growth-chart' };
      if (v !== undefined) fields.code_verifier = v;
      expect(await post(fields)).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'code_verifier is required (PKCE)' } });
    }
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a wrong verifier, or the challenge sent back as verifier, and consumes the code', async () => {
    const wrong = await authorize();
    expect(await exchange(wrong.code, randomBytes(32).toString('base64url'))).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' } });
    expect(body(await exchange(wrong.code, wrong.verifier)).error).toBe('invalid_grant');
    const echo = await authorize();
    expect(body(await exchange(echo.code, s256Challenge(echo.verifier))).error).toBe('invalid_grant');
  });

  it('refuses a reused code, a mismatched redirect_uri and a code of another client', async () => {
    const { code, verifier } = await authorize();
    expect((await exchange(code, verifier)).status).toBe(200);
    expect(await exchange(code, verifier)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const other = await authorize();
    const res = await post({ grant_type: 'authorization_code', code: other.code, redirect_uri: `${APP_CB}/x`, code_verifier: other.verifier, client_id: 'growth-chart' });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request' } });

    const portal = await authorize({ clientId: 'portal' });
    expect(await exchange(portal.code, portal.verifier)).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'The authorization code was issued to another client' } });
  });
});

describe('token endpoint: refresh_token', () => {
  it('rotates the refresh token, narrows scope on request, repeats the context, and refuses the old token', async () => {
    const { code, verifier } = await authorize();
    const first = body(await exchange(code, verifier));
    const before = await count('refresh');
    const res = await post({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, client_id: 'growth-chart', scope: 'patient/Observation.rs offline_access' });
    expect(res.status).toBe(200);
    const b = body(res);
    expect(b).toMatchObject({ scope: 'patient/Observation.rs offline_access', patient: 'p1', encounter: 'e1', need_patient_banner: true, expires_in: 3600 });
    expect(b.refresh_token).not.toBe(first.refresh_token);
    expect(await verify(b.access_token as string)).toMatchObject({ scope: 'patient/Observation.rs offline_access', patient: 'p1' });
    expect(await count('refresh')).toBe(before);

    const again = await post({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, client_id: 'growth-chart' });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The rotated token still carries the whole original grant (RFC 6749 section 6).
    const wide = body(await post({ grant_type: 'refresh_token', refresh_token: b.refresh_token as string, client_id: 'growth-chart' }));
    expect(wide.scope).toBe('launch/patient openid fhirUser offline_access patient/*.rs');
  });

  it('refuses a broader scope or another client, leaving the token usable', async () => {
    const { code, verifier } = await authorize();
    const token = body(await exchange(code, verifier)).refresh_token as string;
    const broader = await post({ grant_type: 'refresh_token', refresh_token: token, client_id: 'growth-chart', scope: 'patient/*.cruds' });
    expect(broader).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const stolen = await post({ grant_type: 'refresh_token', refresh_token: token }, basic('portal', PORTAL_SECRET));
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await post({ grant_type: 'refresh_token', refresh_token: token, client_id: 'growth-chart' })).status).toBe(200);
  });

  it('lets a public client refresh without client_id (RFC 6749 section 6), but not a confidential one', async () => {
    const { code, verifier } = await authorize();
    const token = body(await exchange(code, verifier)).refresh_token as string;
    const res = await post({ grant_type: 'refresh_token', refresh_token: token });
    expect(res.status).toBe(200);
    expect(body(res)).toMatchObject({ patient: 'p1', token_type: 'Bearer' });

    const portal = await authorize({ clientId: 'portal', redirectUri: 'https://portal.example.org/cb', scope: 'offline_access user/*.rs' });
    const issued = body(await post({ grant_type: 'authorization_code', code: portal.code, redirect_uri: 'https://portal.example.org/cb', code_verifier: portal.verifier }, basic('portal', PORTAL_SECRET)));
    const anonymous = await post({ grant_type: 'refresh_token', refresh_token: issued.refresh_token as string });
    expect(anonymous).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });
});

describe('token endpoint: client_credentials', () => {
  it('grants a backend client (private_key_jwt) its registered system scopes for five minutes, without refresh token', async () => {
    const res = await backend(await assertion(), 'system/Observation.rs system/Condition.rs');
    expect(res.status).toBe(200);
    const b = body(res);
    expect(b).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'system/Observation.rs' });
    expect(b.refresh_token).toBeUndefined();
    expect(b.id_token).toBeUndefined();
    const claims = await verify(b.access_token as string);
    expect(claims).toMatchObject({ sub: 'bili-monitor', client_id: 'bili-monitor', scope: 'system/Observation.rs' });
    expect(claims.exp - claims.iat).toBe(300);
    // openid-client puts the issuer in aud.
    expect((await backend(await assertion({ aud: ISSUER }))).status).toBe(200);
  });

  it('grants a symmetric client (client_secret_post), narrowed to its registration', async () => {
    const res = await post({ grant_type: 'client_credentials', scope: 'system/*.rs', client_id: 'portal', client_secret: PORTAL_SECRET });
    expect(res).toMatchObject({ status: 200, body: { scope: 'system/Patient.rs', expires_in: 300 } });
  });

  it('refuses non-system scopes, unregistered scopes and public clients', async () => {
    expect(await backend(await assertion(), 'patient/Observation.rs')).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(await backend(await assertion(), 'system/Observation.rs offline_access')).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(await backend(await assertion(), 'system/Patient.rs')).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const pub = await post({ grant_type: 'client_credentials', scope: 'system/*.rs', client_id: 'growth-chart' });
    expect(pub).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
  });

  it('refuses bad client assertions: alg none, bad signature, wrong aud, exp too far ahead, replayed jti', async () => {
    const none = (await assertion()).split('.');
    none[0] = Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url');
    const tampered = (await assertion()).split('.');
    tampered[1] = Buffer.from(JSON.stringify({ ...decodeJwt(tampered.join('.')), jti: randomUUID() })).toString('base64url');
    const cases: [string, RegExp][] = [
      [`${none[0]}.${none[1]}.`, /alg must be one of/],
      [tampered.join('.'), /signature is invalid/],
      [await assertion({ aud: FHIR }), /aud must be the token endpoint/],
      [await assertion({ exp: Math.floor(Date.now() / 1000) + 3600 }), /at most 300 seconds/],
    ];
    for (const [a, why] of cases) {
      const res = await backend(a);
      expect(res).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
      expect(body(res).error_description).toMatch(why);
    }
    const once = await assertion();
    expect((await backend(once)).status).toBe(200);
    expect(await backend(once)).toMatchObject({ status: 400, body: { error: 'invalid_client', error_description: 'client_assertion jti has already been used' } });
  });
});

describe('token endpoint: malformed requests and client authentication', () => {
  it('answers RFC 6749 errors that never echo credentials, with no-store headers', async () => {
    const wrongSecret = await post({ grant_type: 'client_credentials', scope: 'system/*.rs' }, basic('portal', 'portal-secret-wrong-0000'));
    expect(wrongSecret).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': 'Basic realm="qiao"', 'Cache-Control': 'no-store' }, body: { error: 'invalid_client' } });
    expect(JSON.stringify(wrongSecret.body)).not.toContain('portal-secret');
    const posted = await post({ grant_type: 'client_credentials', scope: 'system/*.rs', client_id: 'portal', client_secret: 'nope-nope-nope-nope' });
    expect(posted).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await post({ grant_type: 'client_credentials', client_id: 'nobody' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await post({ grant_type: 'client_credentials', client_id: 'portal' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });

  it('refuses a wrong content type, a missing or unknown grant type and repeated fields before touching the code', async () => {
    const { code, verifier } = await authorize();
    const fields = { grant_type: 'authorization_code', code, redirect_uri: APP_CB, code_verifier: verifier, client_id: 'growth-chart' };
    expect(await post(fields, undefined, 'application/json')).toMatchObject({ status: 400, headers: { Pragma: 'no-cache' }, body: { error: 'invalid_request' } });
    expect(await post({ ...fields, grant_type: 'password' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await post({ ...fields, grant_type: '' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const repeated = new URLSearchParams(fields);
    repeated.append('code', code);
    expect(await handleTokenRequest({ form: repeated, contentType: FORM }, deps)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect((await post(fields, undefined, 'Application/X-WWW-Form-Urlencoded; charset=UTF-8')).status).toBe(200);
  });
});
