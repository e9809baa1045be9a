/**
 * Grant families end together: a replayed authorization code revokes what the first redemption got
 * (RFC 6749 §4.1.2), and revoking a refresh token revokes the access tokens of the same grant and every
 * later rotation (RFC 7009 §2.1). Against a real SQLite store, real keys and the real endpoints.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthServer } from '../../src/auth/auth-server.js';
import { createClientRegistration } from '../../src/auth/client-registration.js';
import type { CodeGrant } from '../../src/auth/grants.js';
import { handleIntrospection } from '../../src/auth/introspect-endpoint.js';
import { loadOrCreateSigningKeys } from '../../src/auth/keys.js';
import { s256Challenge } from '../../src/auth/pkce.js';
import { handleRevocation } from '../../src/auth/revoke-endpoint.js';
import { SingleUseGrants } from '../../src/auth/single-use.js';
import { handleTokenRequest } from '../../src/auth/token-endpoint.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';

const FHIR = 'https://qiao.example.org/fhir';
const CB = 'https://app.example.org/cb';
const SECRET = 'portal-secret-0123456789';
const basic = `Basic ${Buffer.from(`portal:${SECRET}`).toString('base64')}`;
const FORM = 'application/x-www-form-urlencoded';

let store: ResourceStore;
let dir: string;
let auth: AuthServer;

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  dir = mkdtempSync(join(tmpdir(), 'qiao-families-'));
  auth = new AuthServer(store.auth, await loadOrCreateSigningKeys(dir));
  await auth.clients.put(await createClientRegistration({ id: 'portal', type: 'confidential-symmetric', redirectUris: [CB], scope: 'offline_access user/*.rs', secret: SECRET }));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const token = (fields: Record<string, string>) => handleTokenRequest({ form: new URLSearchParams(fields), contentType: FORM, authorization: basic }, auth.tokenDeps(FHIR));
const introspect = async (t: string) => (await handleIntrospection({ form: new URLSearchParams({ token: t }), authorization: basic }, auth.introspectionDeps(FHIR))).body;
const isActive = async (t: string) => (await introspect(t)).active === true;
const guardAccepts = (t: string) => auth.verify(`Bearer ${t}`, FHIR).then(() => true, () => false);

async function codeFlow(): Promise<{ code: string; body: Record<string, string> }> {
  const verifier = randomBytes(32).toString('base64url');
  const grant: CodeGrant = { clientId: 'portal', redirectUri: CB, scope: 'offline_access user/*.rs', codeChallenge: s256Challenge(verifier), username: 'u', fhirUser: 'Practitioner/1', context: {}, authTime: 1 };
  const { secret: code } = await new SingleUseGrants<CodeGrant>(store.auth, 'code', 60).issue(grant);
  const res = await token({ grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier });
  expect(res.status).toBe(200);
  return { code, body: res.body as Record<string, string> };
}

describe('grant families', () => {
  it('revokes the tokens of the first redemption when a code is replayed', async () => {
    const { code, body } = await codeFlow();
    expect(await guardAccepts(body.access_token!)).toBe(true);
    const replay = await token({ grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: 'x'.repeat(43) });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await guardAccepts(body.access_token!)).toBe(false);
    expect(await isActive(body.access_token!)).toBe(false);
    expect(await isActive(body.refresh_token!)).toBe(false);
    expect((await token({ grant_type: 'refresh_token', refresh_token: body.refresh_token! })).status).toBe(400);
  });

  it('revoking a refresh token revokes the access tokens of every rotation', async () => {
    const { body: first } = await codeFlow();
    const second = (await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! })).body as Record<string, string>;
    expect(await guardAccepts(first.access_token!)).toBe(true);
    expect(await guardAccepts(second.access_token!)).toBe(true);
    const res = await handleRevocation({ form: new URLSearchParams({ token: second.refresh_token!, token_type_hint: 'refresh_token' }), authorization: basic }, auth.introspectionDeps(FHIR));
    expect(res.status).toBe(200);
    expect(await guardAccepts(first.access_token!)).toBe(false);
    expect(await guardAccepts(second.access_token!)).toBe(false);
    expect(await isActive(second.refresh_token!)).toBe(false);
  });

  it('introspection of a refresh token tells when it expires', async () => {
    const { body } = await codeFlow();
    const info = await introspect(body.refresh_token!);
    expect(info).toMatchObject({ active: true, client_id: 'portal', scope: 'offline_access user/*.rs' });
    const days = ((info.exp as number) * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(90);
  });
});
