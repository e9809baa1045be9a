import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { authenticateClient, parseBasic, type ClientAuthDeps, type ClientAuthRequest } from '../../src/auth/client-auth.js';
import { CLIENT_ASSERTION_TYPE } from '../../src/auth/client-assertion.js';
import { JwksUriCache } from '../../src/auth/client-jwks.js';
import { MemoryReplayStore } from '../../src/auth/client-replay-store.js';
import { createClientRegistration, type ClientRegistration } from '../../src/auth/client-registration.js';
import { verifyPassword } from '../../src/auth/password.js';

const TOKEN_URL = 'https://qiao.example.org/auth/token';
// Characters that a naive "id:secret" split or an unencoded Basic header gets wrong.
const ODD_ID = 'reports:svc';
const ODD_SECRET = 'p@ss:wörd+%2F /&=?#ü-0123456789';

const clients = new Map<string, ClientRegistration>();
const lookup = async (id: string) => clients.get(id);
let signingKey: CryptoKey;
let deps: ClientAuthDeps;
let secretChecks: number;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
  signingKey = privateKey;
  const registrations = [
    { id: 'growth-chart', type: 'public', redirectUris: ['https://app.example.org/cb'], scope: 'launch/patient patient/*.rs' },
    { id: 'portal', type: 'confidential-symmetric', redirectUris: ['https://portal.example.org/cb'], scope: 'user/*.rs', secret: 'portal-secret-0123456789' },
    { id: ODD_ID, type: 'confidential-symmetric', redirectUris: [], scope: 'system/*.rs', secret: ODD_SECRET },
    { id: 'bili-monitor', type: 'confidential-asymmetric', redirectUris: [], scope: 'system/Observation.rs', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] } },
  ];
  for (const r of registrations) clients.set(r.id, await createClientRegistration(r));
  deps = {
    verifySecret: (secret, stored) => {
      secretChecks++;
      return verifyPassword(secret, stored);
    },
    assertion: { tokenEndpoint: TOKEN_URL, replayStore: new MemoryReplayStore(), jwksCache: new JwksUriCache() },
  };
});

/** Basic credentials the RFC 6749 section 2.3.1 way: each part form-urlencoded, then joined and base64-encoded. */
function basic(id: string, secret: string): string {
  const form = (s: string) => new URLSearchParams({ s }).toString().slice(2);
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString('base64')}`;
}

function assertion(claims: Record<string, unknown> = {}, alg = 'ES384'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: 'bili-monitor', sub: 'bili-monitor', aud: TOKEN_URL, exp: now + 120, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg, kid: 'k1', typ: 'JWT' })
    .sign(signingKey);
}

async function auth(form: Record<string, unknown> | URLSearchParams, authorization?: string) {
  const request: ClientAuthRequest = { form, ...(authorization === undefined ? {} : { authorization }) };
  return authenticateClient(request, lookup, deps);
}

describe('token endpoint client authentication', () => {
  it('lets a public client identify itself by client_id alone', async () => {
    expect(await auth({ client_id: 'growth-chart', grant_type: 'authorization_code' })).toMatchObject({ ok: true, method: 'none', client: { id: 'growth-chart' } });
    // RFC 6749 section 3.2: a parameter without a value counts as absent.
    expect(await auth({ client_id: 'growth-chart', client_secret: '' })).toMatchObject({ ok: true, method: 'none' });
  });

  it('refuses confidential clients without credentials, unknown clients, and requests naming no client', async () => {
    for (const id of ['portal', 'bili-monitor']) {
      expect(await auth({ client_id: id })).toEqual({ ok: false, error: 'invalid_client', description: 'A confidential client must authenticate', status: 400 });
    }
    expect(await auth({ client_id: 'nobody' })).toMatchObject({ ok: false, error: 'invalid_client', status: 400 });
    expect(await auth({ grant_type: 'client_credentials' })).toMatchObject({ ok: false, error: 'invalid_client', status: 400 });
  });

  it('accepts client_secret_basic and answers failures with 401 and a Basic challenge', async () => {
    expect(await auth({}, basic('portal', 'portal-secret-0123456789'))).toMatchObject({ ok: true, method: 'client_secret_basic', client: { id: 'portal' } });
    const wrong = await auth({}, basic('portal', 'portal-secret-0123456788'));
    expect(wrong).toEqual({ ok: false, error: 'invalid_client', description: 'Client authentication failed', status: 401, wwwAuthenticate: 'Basic realm="qiao"' });
    // An unknown client gets the same answer, after the same (dummy) secret check.
    secretChecks = 0;
    expect(await auth({}, basic('nobody', 'portal-secret-0123456789'))).toEqual(wrong);
    expect(secretChecks).toBe(1);
    // Clients of other types have no secret to check.
    expect(await auth({}, basic('growth-chart', 'anything'))).toEqual(wrong);
    expect(await auth({}, basic('bili-monitor', 'anything'))).toEqual(wrong);
  });

  it('URL-decodes Basic credentials, so colons and special characters survive', async () => {
    expect(parseBasic(basic(ODD_ID, ODD_SECRET))).toEqual({ id: ODD_ID, secret: ODD_SECRET });
    expect(await auth({}, basic(ODD_ID, ODD_SECRET))).toMatchObject({ ok: true, client: { id: ODD_ID } });
    expect(await auth({ client_id: ODD_ID }, basic(ODD_ID, ODD_SECRET))).toMatchObject({ ok: true });
    // Sent without the form encoding, "+" reads as a space and "%2F" as "/": the secret no longer matches.
    const raw = `Basic ${Buffer.from(`portal:${ODD_SECRET}`).toString('base64')}`;
    expect(parseBasic(raw)?.secret).not.toBe(ODD_SECRET);
  });

  it('answers malformed Basic credentials with invalid_client and a challenge', async () => {
    for (const header of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from(':secret').toString('base64')}`, `Basic ${Buffer.from('a:%zz').toString('base64')}`]) {
      expect(await auth({}, header), header).toMatchObject({ ok: false, error: 'invalid_client', status: 401, wwwAuthenticate: 'Basic realm="qiao"' });
    }
    expect(await auth({ client_id: 'other' }, basic('portal', 'portal-secret-0123456789'))).toMatchObject({ ok: false, error: 'invalid_request' });
  });

  it('accepts client_secret_post, answering failures with 400 and no challenge', async () => {
    expect(await auth({ client_id: 'portal', client_secret: 'portal-secret-0123456789' })).toMatchObject({ ok: true, method: 'client_secret_post' });
    expect(await auth({ client_id: 'portal', client_secret: 'wrong' })).toEqual({ ok: false, error: 'invalid_client', description: 'Client authentication failed', status: 400 });
    expect(await auth({ client_secret: 'portal-secret-0123456789' })).toMatchObject({ ok: false, error: 'invalid_request' });
    expect(await auth({ client_id: 'growth-chart', client_secret: 'x' })).toMatchObject({ ok: false, error: 'invalid_client' });
  });

  it('refuses more than one authentication method in a request', async () => {
    const both = await auth({ client_id: 'portal', client_secret: 'portal-secret-0123456789' }, basic('portal', 'portal-secret-0123456789'));
    expect(both).toMatchObject({ ok: false, error: 'invalid_request', status: 400 });
    const jwt = await assertion();
    expect(await auth({ client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: jwt }, basic('portal', 'portal-secret-0123456789'))).toMatchObject({ error: 'invalid_request' });
    expect(await auth({ client_id: 'portal', client_secret: 's', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: jwt })).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses repeated or non-text parameters', async () => {
    expect(await auth(new URLSearchParams('client_id=growth-chart&client_id=portal'))).toMatchObject({ ok: false, error: 'invalid_request', description: expect.stringMatching(/client_id must not be repeated/) });
    expect(await auth({ client_id: ['growth-chart', 'portal'] })).toMatchObject({ error: 'invalid_request' });
    expect(await auth({ client_id: { nested: 'x' } })).toMatchObject({ error: 'invalid_request' });
    expect(await auth(new URLSearchParams('client_id=growth-chart'))).toMatchObject({ ok: true });
  });

  it('accepts private_key_jwt, with or without a matching client_id', async () => {
    expect(await auth({ client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion() })).toMatchObject({ ok: true, method: 'private_key_jwt', client: { id: 'bili-monitor' } });
    expect(await auth({ client_id: 'bili-monitor', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion() })).toMatchObject({ ok: true });
  });

  it('answers bad assertions with invalid_client', async () => {
    const form = async (claims: Record<string, unknown> = {}, extra: Record<string, string> = {}) => ({ client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion(claims), ...extra });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['client_id mismatch', await form({}, { client_id: 'portal' }), /client_id differs/],
      ['iss differs from sub', await form({ sub: 'portal' }), /iss and sub must both be the client_id/],
      ['unknown client', await form({ iss: 'nobody', sub: 'nobody' }), /Client authentication failed/],
      ['symmetric client', await form({ iss: 'portal', sub: 'portal' }), /not registered for private_key_jwt/],
      ['wrong aud', await form({ aud: 'https://elsewhere.example/token' }), /aud/],
      ['exp too far ahead', await form({ exp: Math.floor(Date.now() / 1000) + 3600 }), /at most 300 seconds/],
      ['wrong assertion type', { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await assertion() }, /Unsupported client_assertion_type/],
      ['not a JWT', { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: 'garbage' }, /not a JWT/],
    ];
    for (const [what, body, description] of cases) {
      expect(await auth(body), what).toMatchObject({ ok: false, error: 'invalid_client', status: 400, description: expect.stringMatching(description) });
    }
    expect(await auth({ client_assertion: await assertion() })).toMatchObject({ error: 'invalid_request' });
    expect(await auth({ client_assertion_type: CLIENT_ASSERTION_TYPE })).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a replayed assertion', async () => {
    const body = { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion() };
    expect((await auth(body)).ok).toBe(true);
    expect(await auth(body)).toMatchObject({ ok: false, error: 'invalid_client', description: expect.stringMatching(/already been used/) });
  });
});
