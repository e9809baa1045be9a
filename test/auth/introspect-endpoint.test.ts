/** Token introspection (RFC 7662) against a real SQLite store and real signing keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken, type MintAccessTokenOptions } from '../../src/auth/access-token.js';
import type { RefreshGrant } from '../../src/auth/grants.js';
import { handleIntrospection, mayIntrospectOthers, type IntrospectionDeps } from '../../src/auth/introspect-endpoint.js';
import { basic, BASE, ISSUER, SECRET, tokenEndpointsFixture } from './token-endpoints-fixture.js';

let deps: IntrospectionDeps;
let fixture: Awaited<ReturnType<typeof tokenEndpointsFixture>>;

const appToken: MintAccessTokenOptions = {
  issuer: ISSUER,
  audience: BASE,
  subject: 'alice',
  clientId: 'growth-chart',
  scope: 'launch/patient patient/Observation.rs openid fhirUser',
  patient: 'p1',
  encounter: 'e1',
  fhirUser: 'Practitioner/dr1',
  expiresIn: 300,
};
const backendToken: MintAccessTokenOptions = { issuer: ISSUER, audience: BASE, subject: 'bili-monitor', clientId: 'bili-monitor', scope: 'system/*.rs', expiresIn: 300 };

beforeAll(async () => {
  fixture = await tokenEndpointsFixture();
  deps = fixture.deps;
});

afterAll(() => fixture.close());

const asPortal = (fields: Record<string, string>) => handleIntrospection({ form: new URLSearchParams(fields), authorization: basic('portal', SECRET) }, deps);
const asBearer = (bearer: string, fields: Record<string, string>) => handleIntrospection({ form: new URLSearchParams(fields), authorization: `Bearer ${bearer}` }, deps);

describe('introspection by an authenticated confidential client', () => {
  it('describes a live access token with its claims and context', async () => {
    const { token, jti, exp } = await mintAccessToken(deps.keys, appToken);
    const res = await asPortal({ token });
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    expect(res.body).toMatchObject({
      active: true, scope: appToken.scope, client_id: 'growth-chart', exp, sub: 'alice', iss: ISSUER,
      fhirUser: 'Practitioner/dr1', patient: 'p1', encounter: 'e1', token_type: 'Bearer', jti,
    });
    expect(typeof res.body.iat).toBe('number');
  });

  it('also authenticates with client_secret_post', async () => {
    const { token } = await mintAccessToken(deps.keys, backendToken);
    const res = await handleIntrospection({ form: new URLSearchParams({ token, client_id: 'portal', client_secret: SECRET }) }, deps);
    expect(res.body).toMatchObject({ active: true, client_id: 'bili-monitor', scope: 'system/*.rs' });
    expect(res.body).not.toHaveProperty('patient');
  });

  it('describes a live refresh token, whatever the hint says', async () => {
    const grant: RefreshGrant = { clientId: 'growth-chart', scope: 'patient/*.rs offline_access', username: 'alice', fhirUser: 'Patient/p1', context: { patient: 'p1' }, offline: true };
    const { secret } = await deps.refreshTokens.issue(grant);
    for (const hint of [undefined, 'refresh_token', 'access_token']) {
      const res = await asPortal(hint ? { token: secret, token_type_hint: hint } : { token: secret });
      expect(res.body).toMatchObject({ active: true, scope: grant.scope, client_id: 'growth-chart', sub: 'alice', patient: 'p1' });
    }
    // Peeking does not consume it.
    expect(await deps.refreshTokens.peek(secret)).toEqual(grant);
  });

  it('says only {active: false} for expired, revoked, forged, unknown and redeemed tokens', async () => {
    const expired = await mintAccessToken(deps.keys, { ...appToken, expiresIn: 60, now: new Date(Date.now() - 61_000) });
    const revoked = await mintAccessToken(deps.keys, appToken);
    await deps.revocations.revoke(revoked.jti, revoked.exp * 1000);
    const elsewhere = await mintAccessToken(deps.keys, { ...appToken, audience: 'https://other.example.org/fhir' });
    const live = await mintAccessToken(deps.keys, appToken);
    const [h, p, s] = live.token.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, -4)}${s!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const { secret: used } = await deps.refreshTokens.issue({ clientId: 'growth-chart', scope: 's', username: 'a', fhirUser: 'Patient/p1', context: {}, offline: true });
    await deps.refreshTokens.redeem(used);
    for (const token of [expired.token, revoked.token, elsewhere.token, tampered, 'not-a-token', used, 'a.b.c']) {
      const res = await asPortal({ token });
      expect(res, token).toMatchObject({ status: 200, body: { active: false } });
      expect(Object.keys(res.body)).toEqual(['active']);
    }
  });

  it('needs exactly one token parameter', async () => {
    expect(await asPortal({})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const form = new URLSearchParams([['token', 'a'], ['token', 'b']]);
    expect(await handleIntrospection({ form, authorization: basic('portal', SECRET) }, deps)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('introspection by bearer token', () => {
  it('lets any valid access token introspect itself', async () => {
    const { token } = await mintAccessToken(deps.keys, appToken);
    expect((await asBearer(token, { token })).body).toMatchObject({ active: true, client_id: 'growth-chart', patient: 'p1' });
  });

  it('does not let an ordinary token see other tokens: they read as inactive', async () => {
    const caller = await mintAccessToken(deps.keys, appToken);
    const other = await mintAccessToken(deps.keys, { ...appToken, patient: 'p2' });
    expect(await asBearer(caller.token, { token: other.token })).toMatchObject({ status: 200, body: { active: false } });
  });

  it('lets a token with an unrestricted system read/search scope introspect others', async () => {
    const caller = await mintAccessToken(deps.keys, backendToken);
    const other = await mintAccessToken(deps.keys, appToken);
    expect((await asBearer(caller.token, { token: other.token })).body).toMatchObject({ active: true, sub: 'alice' });
    expect(mayIntrospectOthers('system/*.read')).toBe(true);
    expect(mayIntrospectOthers('system/*.cruds')).toBe(true);
    expect(mayIntrospectOthers('system/*.r')).toBe(false);
    expect(mayIntrospectOthers('system/Observation.rs')).toBe(false);
    expect(mayIntrospectOthers('system/*.rs?category=laboratory')).toBe(false);
    expect(mayIntrospectOthers('user/*.rs patient/*.cruds')).toBe(false);
  });

  it('refuses an invalid, expired or revoked bearer token with 401', async () => {
    const expired = await mintAccessToken(deps.keys, { ...backendToken, expiresIn: 60, now: new Date(Date.now() - 61_000) });
    const revoked = await mintAccessToken(deps.keys, backendToken);
    await deps.revocations.revoke(revoked.jti, revoked.exp * 1000);
    for (const bearer of [expired.token, revoked.token, 'garbage']) {
      const res = await asBearer(bearer, { token: bearer });
      expect(res.status).toBe(401);
      expect(res.headers['WWW-Authenticate']).toMatch(/^Bearer error="invalid_token"/);
      expect(res.body).toMatchObject({ error: 'invalid_token' });
    }
  });
});

describe('unauthenticated introspection', () => {
  it('is refused with 401 and a challenge: no credentials, a public client, a wrong secret', async () => {
    const { token } = await mintAccessToken(deps.keys, appToken);
    const attempts = [
      { form: new URLSearchParams({ token }) },
      { form: new URLSearchParams({ token, client_id: 'growth-chart' }) },
      { form: new URLSearchParams({ token, client_id: 'portal', client_secret: 'wrong' }) },
      { form: new URLSearchParams({ token }), authorization: basic('portal', 'wrong') },
      { form: new URLSearchParams({ token }), authorization: 'Bearer' },
    ];
    for (const attempt of attempts) {
      const res = await handleIntrospection(attempt, deps);
      expect(res.status, JSON.stringify(attempt)).toBe(401);
      expect(res.headers['WWW-Authenticate']).toMatch(/Basic realm="qiao".*Bearer realm="qiao"/);
      expect(res.body).toMatchObject({ error: 'invalid_client' });
      expect(res.body).not.toHaveProperty('active');
    }
  });
});
