/**
 * The token side of the SMART server refusing what it must, over real HTTP (issue 5 item 8): a table of bad
 * requests to /auth/token, /auth/introspect, /auth/revoke and the FHIR API, each answered with the exact
 * RFC 6749 §5.2 (or RFC 6750 §3.1) error and status, never cached, and echoing none of the credentials,
 * verifiers or assertions it was sent. The unit-level logic is in test/auth/token-endpoint.test.ts; this is
 * the proof that the HTTP layer carries it through unchanged.
 */
import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicJwks } from '../../src/auth/keys.js';
import { startSecuredServer, type SecuredServer } from '../helpers/auth.js';
import {
  basicAuth,
  CLIENT_ASSERTION_TYPE,
  clientKey,
  expectNoLeak,
  expectOAuthError,
  fhirRequest,
  issueCode,
  jwtPayload,
  postForm,
  registerBackendClient,
  registerClient,
  signAssertion,
  urlsOf,
  type ClientKey,
  type HttpAnswer,
} from '../helpers/auth-clients.js';
import { expectOutcome } from '../helpers/server.js';

let s: SecuredServer;
let svcKey: ClientKey;

const APP = 'growth-chart';
const APP_CB = 'http://127.0.0.1:9/cb';
const APP_SCOPE = 'launch/patient openid fhirUser offline_access patient/*.rs';
const PORTAL = 'portal';
const PORTAL_SECRET = 'portal-secret-0123456789abcdef';
const SVC = 'bulk-svc';

beforeAll(async () => {
  s = await startSecuredServer();
  svcKey = await clientKey('ES384');
  await registerClient(s, { id: APP, type: 'public', redirectUris: [APP_CB], scope: APP_SCOPE });
  await registerClient(s, { id: PORTAL, type: 'confidential-symmetric', redirectUris: [], scope: 'user/*.rs system/Patient.rs', secret: PORTAL_SECRET });
  await registerBackendClient(s, SVC, svcKey, 'system/*.rs');
});
afterAll(() => s?.close());

const token = (fields: Record<string, string> | [string, string][], headers: Record<string, string> = {}) => postForm(urlsOf(s).token, fields, headers);
const introspect = (fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(urlsOf(s).introspect, fields, headers);
const revoke = (fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(urlsOf(s).revoke, fields, headers);
const now = () => Math.floor(Date.now() / 1000);

/** Redeems a code of the public app with its PKCE verifier. */
function redeem(code: string, verifier: string | undefined, extra: Record<string, string> = {}) {
  const fields: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: APP_CB, client_id: APP, ...extra };
  if (verifier !== undefined) fields.code_verifier = verifier;
  return token(fields);
}

/** A code for the public app, redeemed correctly: its access and refresh tokens. */
async function appTokens(): Promise<{ access: string; refresh: string }> {
  const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: APP_SCOPE, context: { patient: 'p1' } });
  const res = await redeem(code, verifier);
  expect(res.status, res.text).toBe(200);
  expect(res.json).toMatchObject({ token_type: 'Bearer', scope: APP_SCOPE, patient: 'p1' });
  return { access: res.json!.access_token as string, refresh: res.json!.refresh_token as string };
}

const backend = (assertion: string, scope = 'system/Patient.rs') =>
  token({ grant_type: 'client_credentials', scope, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion });

/** What the server's (or any) public key looks like as an HMAC secret: its PEM text. */
function pemOf(jwk: object): Uint8Array {
  return new TextEncoder().encode(String(createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' })));
}

interface Case {
  name: string;
  /** Sends the bad request; returns the answer and every credential sent, none of which may come back. */
  run: () => Promise<{ answer: HttpAnswer; secrets: string[] }>;
  status: number;
  error: string;
  /** What error_description must say: the refusal is for the reason the case is about. */
  why: RegExp;
  /** Extra checks on the answer, or on the state the request left behind. */
  then?: (answer: HttpAnswer) => Promise<void> | void;
}

const CASES: Case[] = [
  // PKCE (RFC 7636 §4.6). A request missing a parameter is refused before the code is looked at.
  {
    name: 'code_verifier missing (code left usable)',
    run: async () => {
      const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: 'patient/*.rs' });
      const answer = await redeem(code, undefined);
      expect((await redeem(code, verifier)).status, 'the code still redeems').toBe(200);
      return { answer, secrets: [code, verifier] };
    },
    status: 400,
    error: 'invalid_request',
    why: /code_verifier is required/,
  },
  {
    name: 'code_verifier blank (code left usable)',
    run: async () => {
      const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: 'patient/*.rs' });
      const answer = await redeem(code, '');
      expect((await redeem(code, verifier)).status, 'the code still redeems').toBe(200);
      return { answer, secrets: [code, verifier] };
    },
    status: 400,
    error: 'invalid_request',
    why: /code_verifier is required/,
  },
  {
    name: 'code_verifier wrong (code consumed)',
    run: async () => {
      const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: 'patient/*.rs' });
      const wrong = randomBytes(32).toString('base64url');
      const answer = await redeem(code, wrong);
      const retry = await redeem(code, verifier);
      expectOAuthError(retry, 400, 'invalid_grant', [code, verifier], 'retry with the right verifier');
      return { answer, secrets: [code, verifier, wrong] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /does not match the code_challenge/,
  },
  {
    name: 'code_verifier equal to the code_challenge',
    run: async () => {
      const { code, verifier, challenge } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: 'patient/*.rs' });
      return { answer: await redeem(code, challenge), secrets: [code, verifier] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /not the challenge itself/,
  },
  {
    name: 'code_verifier malformed (too short)',
    run: async () => {
      const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: 'patient/*.rs' });
      return { answer: await redeem(code, verifier.slice(0, 20)), secrets: [code, verifier] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /43 to 128 characters/,
  },
  // Codes (RFC 6749 §4.1.3).
  {
    name: 'code redeemed a second time',
    run: async () => {
      const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: 'patient/*.rs' });
      expect((await redeem(code, verifier)).status).toBe(200);
      return { answer: await redeem(code, verifier), secrets: [code, verifier] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /invalid, expired or already used/,
  },
  {
    name: 'redirect_uri differs from the authorization request',
    run: async () => {
      const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: 'patient/*.rs' });
      return { answer: await redeem(code, verifier, { redirect_uri: `${APP_CB}/other` }), secrets: [code, verifier] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /redirect_uri does not match/,
  },
  {
    name: 'code issued to another client',
    run: async () => {
      const { code, verifier } = await issueCode(s, { clientId: PORTAL, redirectUri: APP_CB, scope: 'user/*.rs' });
      return { answer: await redeem(code, verifier), secrets: [code, verifier] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /issued to another client/,
  },
  {
    name: 'code unknown',
    run: async () => {
      const code = randomBytes(32).toString('base64url');
      return { answer: await redeem(code, randomBytes(32).toString('base64url')), secrets: [code] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /invalid, expired or already used/,
  },
  // Client authentication (RFC 6749 §2.3, §5.2).
  {
    name: 'unknown client_id (no credentials)',
    run: async () => ({ answer: await token({ grant_type: 'client_credentials', scope: 'system/*.rs', client_id: 'nobody' }), secrets: [] }),
    status: 400,
    error: 'invalid_client',
    why: /^Client authentication failed$/,
  },
  {
    name: 'unknown client with HTTP Basic',
    run: async () => {
      const secret = 'nobody-secret-0123456789';
      return { answer: await token({ grant_type: 'client_credentials', scope: 'system/*.rs' }, { authorization: basicAuth('nobody', secret) }), secrets: [secret] };
    },
    status: 401,
    error: 'invalid_client',
    why: /^Client authentication failed$/,
    then: (a) => expect(a.headers.get('www-authenticate')).toBe('Basic realm="qiao"'),
  },
  {
    name: 'wrong client secret with HTTP Basic',
    run: async () => {
      const secret = 'portal-secret-WRONG-0123456';
      return { answer: await token({ grant_type: 'client_credentials', scope: 'system/Patient.rs' }, { authorization: basicAuth(PORTAL, secret) }), secrets: [secret, PORTAL_SECRET] };
    },
    status: 401,
    error: 'invalid_client',
    why: /^Client authentication failed$/,
    then: (a) => expect(a.headers.get('www-authenticate')).toBe('Basic realm="qiao"'),
  },
  {
    name: 'wrong client secret in the form (client_secret_post)',
    run: async () => {
      const secret = 'portal-secret-WRONG-0123456';
      return { answer: await token({ grant_type: 'client_credentials', scope: 'system/Patient.rs', client_id: PORTAL, client_secret: secret }), secrets: [secret, PORTAL_SECRET] };
    },
    status: 400,
    error: 'invalid_client',
    why: /^Client authentication failed$/,
    then: (a) => expect(a.headers.get('www-authenticate')).toBeNull(),
  },
  {
    name: 'confidential client without credentials',
    run: async () => ({ answer: await token({ grant_type: 'client_credentials', scope: 'system/Patient.rs', client_id: PORTAL }), secrets: [PORTAL_SECRET] }),
    status: 400,
    error: 'invalid_client',
    why: /must authenticate/,
  },
  {
    name: 'two client authentication methods at once',
    run: async () => ({
      answer: await token({ grant_type: 'client_credentials', scope: 'system/Patient.rs', client_id: PORTAL, client_secret: PORTAL_SECRET }, { authorization: basicAuth(PORTAL, PORTAL_SECRET) }),
      secrets: [PORTAL_SECRET],
    }),
    status: 400,
    error: 'invalid_request',
    why: /exactly one client authentication method/,
  },
  // Client assertions (RFC 7523 §3, SMART client-confidential-asymmetric).
  {
    name: 'client assertion with alg none',
    run: async () => {
      const [, payload] = (await signAssertion(s, SVC, svcKey)).split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: svcKey.kid, typ: 'JWT' })).toString('base64url')}.${payload}.`;
      return { answer: await backend(none), secrets: [none] };
    },
    status: 400,
    error: 'invalid_client',
    why: /alg must be one of RS384, ES384/,
  },
  {
    name: 'client assertion with a bad signature',
    run: async () => {
      const parts = (await signAssertion(s, SVC, svcKey)).split('.');
      parts[1] = Buffer.from(JSON.stringify({ ...jwtPayload(parts.join('.')), jti: randomUUID() })).toString('base64url');
      const tampered = parts.join('.');
      return { answer: await backend(tampered), secrets: [tampered] };
    },
    status: 400,
    error: 'invalid_client',
    why: /signature is invalid/,
  },
  {
    name: 'client assertion signed by another key with the registered kid',
    run: async () => {
      const other = await clientKey('ES384', svcKey.kid);
      const forged = await signAssertion(s, SVC, other);
      return { answer: await backend(forged), secrets: [forged] };
    },
    status: 400,
    error: 'invalid_client',
    why: /signature is invalid/,
  },
  {
    name: 'client assertion with aud the FHIR base',
    run: async () => {
      const a = await signAssertion(s, SVC, svcKey, { aud: s.server.fhirBase });
      return { answer: await backend(a), secrets: [a] };
    },
    status: 400,
    error: 'invalid_client',
    why: /aud must be the token endpoint/,
  },
  {
    name: 'client assertion with two audiences',
    run: async () => {
      const a = await signAssertion(s, SVC, svcKey, { aud: [urlsOf(s).token, 'https://evil.example.org/token'] });
      return { answer: await backend(a), secrets: [a] };
    },
    status: 400,
    error: 'invalid_client',
    why: /aud must be the token endpoint/,
  },
  {
    name: 'client assertion expiring more than five minutes ahead',
    run: async () => {
      const a = await signAssertion(s, SVC, svcKey, { exp: now() + 3600 });
      return { answer: await backend(a), secrets: [a] };
    },
    status: 400,
    error: 'invalid_client',
    why: /at most 300 seconds/,
  },
  {
    name: 'client assertion expired',
    run: async () => {
      const a = await signAssertion(s, SVC, svcKey, { iat: now() - 600, exp: now() - 300 });
      return { answer: await backend(a), secrets: [a] };
    },
    status: 400,
    error: 'invalid_client',
    why: /expired/,
  },
  {
    name: 'client assertion replayed (same jti)',
    run: async () => {
      const a = await signAssertion(s, SVC, svcKey);
      const first = await backend(a);
      expect(first.status, first.text).toBe(200);
      // A new assertion with the old jti is a replay too, not only the same string.
      const again = await signAssertion(s, SVC, svcKey, { jti: jwtPayload(a).jti });
      expectOAuthError(await backend(again), 400, 'invalid_client', [again], 'reused jti in a new assertion');
      return { answer: await backend(a), secrets: [a, first.json!.access_token as string] };
    },
    status: 400,
    error: 'invalid_client',
    why: /jti has already been used/,
  },
  {
    name: "client assertion HS256 with the client's registered public key as secret",
    run: async () => {
      const now_ = now();
      const forged = await new SignJWT({ iss: SVC, sub: SVC, aud: urlsOf(s).token, exp: now_ + 120, jti: randomUUID() })
        .setProtectedHeader({ alg: 'HS256', kid: svcKey.kid, typ: 'JWT' })
        .sign(pemOf(svcKey.publicJwk));
      return { answer: await backend(forged), secrets: [forged] };
    },
    status: 400,
    error: 'invalid_client',
    why: /alg must be one of RS384, ES384/,
  },
  {
    name: "client assertion HS256 with the server's public key as secret",
    run: async () => {
      const jwk = publicJwks(s.server.auth.server!.keys).keys[0]!;
      const forged = await new SignJWT({ iss: SVC, sub: SVC, aud: urlsOf(s).token, exp: now() + 120, jti: randomUUID() })
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid!, typ: 'JWT' })
        .sign(pemOf(jwk));
      return { answer: await backend(forged), secrets: [forged] };
    },
    status: 400,
    error: 'invalid_client',
    why: /alg must be one of RS384, ES384/,
  },
  {
    name: 'client assertion for a client registered with a secret',
    run: async () => {
      const a = await signAssertion(s, PORTAL, svcKey);
      return { answer: await backend(a), secrets: [a, PORTAL_SECRET] };
    },
    status: 400,
    error: 'invalid_client',
    why: /not registered for private_key_jwt/,
  },
  // Grant types and what each client may ask for.
  {
    name: 'unsupported grant type (password)',
    run: async () => ({
      answer: await token({ grant_type: 'password', username: 'alice', password: 'alice-password-123', client_id: APP }),
      secrets: ['alice-password-123'],
    }),
    status: 400,
    error: 'unsupported_grant_type',
    why: /Supported grant types/,
  },
  {
    name: 'unsupported grant type (jwt-bearer)',
    run: async () => {
      const a = await signAssertion(s, SVC, svcKey);
      return { answer: await token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: a }), secrets: [a] };
    },
    status: 400,
    error: 'unsupported_grant_type',
    why: /Supported grant types/,
  },
  {
    name: 'client_credentials from a public client',
    run: async () => ({ answer: await token({ grant_type: 'client_credentials', scope: 'system/*.rs', client_id: APP }), secrets: [] }),
    status: 400,
    error: 'unauthorized_client',
    why: /Only confidential clients/,
  },
  {
    name: 'client_credentials asking a patient/ scope (private_key_jwt)',
    run: async () => {
      const a = await signAssertion(s, SVC, svcKey);
      return { answer: await backend(a, 'patient/*.rs'), secrets: [a] };
    },
    status: 400,
    error: 'invalid_scope',
    why: /only system\/ scopes/,
  },
  {
    name: 'client_credentials asking a user/ scope (client_secret_basic)',
    run: async () => ({
      answer: await token({ grant_type: 'client_credentials', scope: 'user/*.rs' }, { authorization: basicAuth(PORTAL, PORTAL_SECRET) }),
      secrets: [PORTAL_SECRET],
    }),
    status: 400,
    error: 'invalid_scope',
    why: /only system\/ scopes/,
  },
  {
    name: 'client_credentials asking offline_access',
    run: async () => {
      const a = await signAssertion(s, SVC, svcKey);
      return { answer: await backend(a, 'system/*.rs offline_access'), secrets: [a] };
    },
    status: 400,
    error: 'invalid_scope',
    why: /only system\/ scopes/,
  },
  // Refresh tokens (RFC 6749 §6).
  {
    name: 'refresh with a broader scope (token left usable)',
    run: async () => {
      const { refresh } = await appTokens();
      const answer = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: APP, scope: 'patient/*.cruds' });
      const ok = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: APP, scope: 'patient/Observation.rs' });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json!.scope).toBe('patient/Observation.rs');
      return { answer, secrets: [refresh] };
    },
    status: 400,
    error: 'invalid_scope',
    why: /must not exceed the scope originally granted/,
  },
  {
    name: 'refresh token used twice (rotation)',
    run: async () => {
      const { refresh } = await appTokens();
      expect((await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: APP })).status).toBe(200);
      return { answer: await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: APP }), secrets: [refresh] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /invalid, expired or already used/,
  },
  {
    name: 'refresh token of another client',
    run: async () => {
      const { refresh } = await appTokens();
      return { answer: await token({ grant_type: 'refresh_token', refresh_token: refresh }, { authorization: basicAuth(PORTAL, PORTAL_SECRET) }), secrets: [refresh, PORTAL_SECRET] };
    },
    status: 400,
    error: 'invalid_grant',
    why: /issued to another client/,
  },
  // Malformed requests (RFC 6749 §3.2).
  {
    name: 'repeated parameter',
    run: async () => {
      const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: 'patient/*.rs' });
      return {
        answer: await token([
          ['grant_type', 'authorization_code'],
          ['code', code],
          ['code', code],
          ['redirect_uri', APP_CB],
          ['code_verifier', verifier],
          ['client_id', APP],
        ]),
        secrets: [code, verifier],
      };
    },
    status: 400,
    error: 'invalid_request',
    why: /code must not be repeated/,
  },
  {
    name: 'JSON body instead of a form',
    run: async () => {
      const res = await fetch(urlsOf(s).token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: PORTAL, client_secret: PORTAL_SECRET }),
      });
      const text = await res.text();
      return { answer: { status: res.status, headers: res.headers, text, json: JSON.parse(text) as Record<string, unknown> }, secrets: [PORTAL_SECRET] };
    },
    status: 400,
    error: 'invalid_request',
    why: /x-www-form-urlencoded/,
  },
];

describe('the token endpoint refuses', () => {
  it.each(CASES)('$name -> $status $error', async (c) => {
    const { answer, secrets } = await c.run();
    expectOAuthError(answer, c.status, c.error, secrets, c.name);
    expect(answer.json!.error_description, c.name).toMatch(c.why);
    expect(answer.json!.access_token, c.name).toBeUndefined();
    await c.then?.(answer);
  });

  it('revokes the tokens issued from a code that is redeemed a second time (RFC 6749 §4.1.2)', async () => {
    const { code, verifier } = await issueCode(s, { clientId: APP, redirectUri: APP_CB, scope: APP_SCOPE, context: { patient: 'p1' } });
    const first = await redeem(code, verifier);
    expect(first.status, first.text).toBe(200);
    const access = first.json!.access_token as string;
    const refresh = first.json!.refresh_token as string;
    expect((await fhirRequest(s, '/Patient', access)).status).toBe(200);
    // A rotation before the replay belongs to the same grant and must go too.
    const rotated = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: APP });
    expect(rotated.status, rotated.text).toBe(200);
    const access2 = rotated.json!.access_token as string;
    const refresh2 = rotated.json!.refresh_token as string;

    const replay = await redeem(code, verifier);
    expectOAuthError(replay, 400, 'invalid_grant', [code, verifier, access, refresh, access2, refresh2], 'replayed code');
    await expectInvalidToken(access, /revoked/, 'first access token after the replay');
    await expectInvalidToken(access2, /revoked/, 'rotated access token after the replay');
    expect((await introspectAsBackend(access)).json).toEqual({ active: false });
    expect((await introspectAsBackend(refresh2)).json).toEqual({ active: false });
    expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: refresh2, client_id: APP }), 400, 'invalid_grant', [refresh2], 'rotated refresh token after the replay');
  });
});

/** A 401 from the FHIR API for a bad bearer token (RFC 6750 §3.1), which leaks nothing of it. */
async function expectInvalidToken(bearer: string, message: RegExp, label: string): Promise<void> {
  const res = await fhirRequest(s, '/Patient', bearer);
  expect(res.status, `${label}: ${res.text}`).toBe(401);
  expect(res.headers.get('www-authenticate'), label).toMatch(/^Bearer error="invalid_token"/);
  expectOutcome(res.json, { diagnostics: message });
  expectNoLeak(res, [bearer], label);
}

/** Introspection as the backend client (private_key_jwt), which may see every token. */
async function introspectAsBackend(t: string): Promise<HttpAnswer> {
  const a = await signAssertion(s, SVC, svcKey);
  const res = await introspect({ token: t, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: a });
  expect(res.headers.get('cache-control')).toMatch(/no-store/);
  expectNoLeak(res, [a]);
  return res;
}

describe('the FHIR API and introspection refuse', () => {
  it('an access token that has expired', async () => {
    // No check that it worked before: with iat in whole seconds, a one-second token may be dead on arrival.
    // The /expired/ message is the proof that it is refused for its age and nothing else.
    const t = await s.token('system/*.rs', { expiresIn: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    await expectInvalidToken(t, /expired/, 'expired');
    expect((await introspectAsBackend(t)).json).toEqual({ active: false });
  });

  it('an access token signed long ago, with an old exp', async () => {
    const key = s.server.auth.server!.keys.keys[0]!;
    const old = await new SignJWT({ client_id: SVC, scope: 'system/*.rs' })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(urlsOf(s).issuer)
      .setAudience(s.server.fhirBase)
      .setSubject(SVC)
      .setJti(randomUUID())
      .setIssuedAt(now() - 7200)
      .setExpirationTime(now() - 3600)
      .sign(key.privateKey);
    await expectInvalidToken(old, /expired/, 'old exp');
    expect((await introspectAsBackend(old)).json).toEqual({ active: false });
  });

  it('an access token revoked at /auth/revoke by the public client it was issued to', async () => {
    const { access, refresh } = await appTokens();
    expect((await fhirRequest(s, '/Patient', access)).status).toBe(200);
    const res = await revoke({ token: access, client_id: APP });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    expectNoLeak(res, [access]);
    await expectInvalidToken(access, /revoked/, 'revoked');
    expect((await introspectAsBackend(access)).json).toEqual({ active: false });
    // Revoking the access token leaves the refresh token alone; revoking that one ends it.
    expect((await introspectAsBackend(refresh)).json).toMatchObject({ active: true, client_id: APP });
    expect((await revoke({ token: refresh, token_type_hint: 'refresh_token', client_id: APP })).status).toBe(200);
    expect((await introspectAsBackend(refresh)).json).toEqual({ active: false });
    expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: APP }), 400, 'invalid_grant', [refresh]);
  });

  it('the access tokens of a grant whose refresh token was revoked (RFC 7009 §2.1), rotations included', async () => {
    const { access, refresh } = await appTokens();
    const rotated = await token({ grant_type: 'refresh_token', refresh_token: refresh, client_id: APP });
    expect(rotated.status, rotated.text).toBe(200);
    const access2 = rotated.json!.access_token as string;
    for (const t of [access, access2]) expect((await fhirRequest(s, '/Patient', t)).status).toBe(200);
    expect((await revoke({ token: rotated.json!.refresh_token as string, client_id: APP })).status).toBe(200);
    await expectInvalidToken(access, /revoked/, 'access token of the first redemption');
    await expectInvalidToken(access2, /revoked/, 'access token of the rotation');
  });

  it("an access token revoked by another client is refused with unauthorized_client, and stays valid", async () => {
    const { access } = await appTokens();
    const res = await revoke({ token: access }, { authorization: basicAuth(PORTAL, PORTAL_SECRET) });
    expectOAuthError(res, 400, 'unauthorized_client', [access, PORTAL_SECRET]);
    expect((await fhirRequest(s, '/Patient', access)).status).toBe(200);
  });

  it("an HS256 access token signed with the server's public key", async () => {
    const jwk = publicJwks(s.server.auth.server!.keys).keys[0]!;
    const forged = await new SignJWT({ client_id: SVC, scope: 'system/*.cruds' })
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid!, typ: 'at+jwt' })
      .setIssuer(urlsOf(s).issuer)
      .setAudience(s.server.fhirBase)
      .setSubject(SVC)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(pemOf(jwk));
    await expectInvalidToken(forged, /algorithm/, 'HS256');
    expect((await introspectAsBackend(forged)).json).toEqual({ active: false });
    // Nor may it authenticate a caller of the introspection endpoint.
    const self = await introspect({ token: forged }, { authorization: `Bearer ${forged}` });
    expectOAuthError(self, 401, 'invalid_token', [forged]);
  });

  it('introspection by a public client or an anonymous caller', async () => {
    const { access } = await appTokens();
    const pub = await introspect({ token: access, client_id: APP });
    expectOAuthError(pub, 401, 'invalid_client', [access]);
    expect(pub.headers.get('www-authenticate')).toMatch(/Basic realm=.*Bearer realm=/);
    const anon = await introspect({ token: access });
    expectOAuthError(anon, 401, 'invalid_client', [access]);
    const wrongSecret = await introspect({ token: access }, { authorization: basicAuth(PORTAL, 'portal-secret-WRONG-0123456') });
    expectOAuthError(wrongSecret, 401, 'invalid_client', [access, 'portal-secret-WRONG-0123456']);
  });
});
