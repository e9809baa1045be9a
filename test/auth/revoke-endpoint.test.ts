/** Token revocation (RFC 7009) against a real SQLite store and real signing keys: effective at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenError, mintAccessToken, verifyAccessToken, type MintAccessTokenOptions } from '../../src/auth/access-token.js';
import type { RefreshGrant } from '../../src/auth/grants.js';
import { handleIntrospection, type IntrospectionDeps } from '../../src/auth/introspect-endpoint.js';
import { handleRevocation } from '../../src/auth/revoke-endpoint.js';
import { basic, BASE, ISSUER, SECRET, tokenEndpointsFixture } from './token-endpoints-fixture.js';

let deps: IntrospectionDeps;
let fixture: Awaited<ReturnType<typeof tokenEndpointsFixture>>;

const appToken: MintAccessTokenOptions = {
  issuer: ISSUER, audience: BASE, subject: 'alice', clientId: 'growth-chart', scope: 'launch/patient patient/*.rs', patient: 'p1', expiresIn: 300,
};
const portalToken: MintAccessTokenOptions = { ...appToken, clientId: 'portal', scope: 'user/*.rs', patient: undefined };
const refreshGrant: RefreshGrant = { clientId: 'growth-chart', scope: 'patient/*.rs offline_access', username: 'alice', fhirUser: 'Patient/p1', context: { patient: 'p1' }, offline: true };

beforeAll(async () => {
  fixture = await tokenEndpointsFixture();
  deps = fixture.deps;
});

afterAll(() => fixture.close());

const revoke = (fields: Record<string, string>, authorization?: string) =>
  handleRevocation({ form: new URLSearchParams(fields), ...(authorization ? { authorization } : {}) }, deps);
const verify = (token: string) => verifyAccessToken(deps.keys, token, { issuer: ISSUER, audience: BASE, isRevoked: (jti) => deps.revocations.isRevoked(jti) });
const introspect = (token: string) => handleIntrospection({ form: new URLSearchParams({ token }), authorization: basic('portal', SECRET) }, deps);

describe('revoking access tokens', () => {
  it('takes effect at once: verification fails and introspection says inactive', async () => {
    const { token, jti } = await mintAccessToken(deps.keys, appToken);
    await expect(verify(token)).resolves.toMatchObject({ jti });
    const res = await revoke({ token, client_id: 'growth-chart', token_type_hint: 'access_token' });
    expect(res).toMatchObject({ status: 200, body: {} });
    expect(res.headers['Cache-Control']).toBe('no-store');
    const err = await verify(token).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AccessTokenError);
    expect((err as AccessTokenError).reason).toBe('revoked');
    expect((await introspect(token)).body).toEqual({ active: false });
    // Revoking again is harmless.
    expect((await revoke({ token, client_id: 'growth-chart' })).status).toBe(200);
  });

  it('works for a confidential client with Basic or post credentials, and with a wrong hint', async () => {
    const a = await mintAccessToken(deps.keys, portalToken);
    expect((await revoke({ token: a.token }, basic('portal', SECRET))).status).toBe(200);
    const b = await mintAccessToken(deps.keys, portalToken);
    expect((await revoke({ token: b.token, client_id: 'portal', client_secret: SECRET, token_type_hint: 'refresh_token' })).status).toBe(200);
    for (const t of [a.token, b.token]) expect((await introspect(t)).body).toEqual({ active: false });
  });

  it("refuses another client's token and leaves it valid", async () => {
    const { token } = await mintAccessToken(deps.keys, portalToken);
    const res = await revoke({ token, client_id: 'growth-chart' });
    expect(res).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    await expect(verify(token)).resolves.toBeDefined();
    expect((await introspect(token)).body).toMatchObject({ active: true });
  });
});

describe('revoking refresh tokens', () => {
  it('deletes the token of the owning client, at once', async () => {
    const { secret } = await deps.refreshTokens.issue(refreshGrant);
    expect((await introspect(secret)).body).toMatchObject({ active: true });
    expect((await revoke({ token: secret, client_id: 'growth-chart', token_type_hint: 'refresh_token' })).status).toBe(200);
    expect(await deps.refreshTokens.redeem(secret)).toBeUndefined();
    expect((await introspect(secret)).body).toEqual({ active: false });
  });

  it('finds the refresh token without a hint or with the wrong one', async () => {
    const { secret } = await deps.refreshTokens.issue(refreshGrant);
    expect((await revoke({ token: secret, client_id: 'growth-chart', token_type_hint: 'access_token' })).status).toBe(200);
    expect(await deps.refreshTokens.peek(secret)).toBeUndefined();
  });

  it("refuses another client's refresh token and keeps it", async () => {
    const { secret } = await deps.refreshTokens.issue(refreshGrant);
    expect(await revoke({ token: secret }, basic('portal', SECRET))).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    expect(await deps.refreshTokens.peek(secret)).toEqual(refreshGrant);
  });
});

describe('revocation requests', () => {
  it('answer 200 for unknown, malformed and expired tokens (RFC 7009 §2.2)', async () => {
    const expired = await mintAccessToken(deps.keys, { ...appToken, expiresIn: 60, now: new Date(Date.now() - 61_000) });
    for (const token of ['unknown', 'a.b.c', expired.token]) {
      expect(await revoke({ token, client_id: 'growth-chart' }), token).toMatchObject({ status: 200, body: {} });
    }
  });

  it('need exactly one token: 400 invalid_request', async () => {
    expect(await revoke({ client_id: 'growth-chart' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await revoke({ client_id: 'growth-chart', token: '' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const form = new URLSearchParams([['client_id', 'growth-chart'], ['token', 'a'], ['token', 'b']]);
    expect(await handleRevocation({ form }, deps)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('need client authentication, and revoke nothing without it', async () => {
    const { token } = await mintAccessToken(deps.keys, portalToken);
    expect(await revoke({ token })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await revoke({ token, client_id: 'portal' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await revoke({ token, client_id: 'nobody' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    const wrong = await revoke({ token }, basic('portal', 'wrong'));
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(wrong.headers['WWW-Authenticate']).toMatch(/^Basic realm=/);
    await expect(verify(token)).resolves.toBeDefined();
  });
});
