/** Access and id tokens: what we mint verifies; expired, misdirected, tampered, forged and revoked tokens do not. */
import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AccessTokenError,
  mintAccessToken,
  mintIdToken,
  verifyAccessToken,
  type AccessTokenFailure,
  type MintAccessTokenOptions,
  type VerifyAccessTokenOptions,
} from '../../src/auth/access-token.js';
import { generateSigningKey, publicJwks, type SigningKeys } from '../../src/auth/keys.js';

const ISSUER = 'https://qiao.example/auth';
const BASE = 'https://qiao.example/fhir';
const grant: MintAccessTokenOptions = {
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
const checks: VerifyAccessTokenOptions = { issuer: ISSUER, audience: BASE, isRevoked: () => false };

let keys: SigningKeys;
beforeAll(async () => {
  keys = { keys: [await generateSigningKey('RS256'), await generateSigningKey('ES384')] };
});

async function failure(promise: Promise<unknown>): Promise<AccessTokenFailure> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AccessTokenError);
  return (err as AccessTokenError).reason;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payloadOf = (token: string): JWTPayload => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

describe('access tokens', () => {
  it('verify with the claims they were minted with', async () => {
    const now = new Date();
    const { token, jti, exp } = await mintAccessToken(keys, grant);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: keys.keys[0].kid, typ: 'at+jwt' });
    const claims = await verifyAccessToken(keys, token, checks);
    expect(claims).toMatchObject({
      iss: ISSUER, aud: BASE, sub: 'alice', client_id: 'growth-chart', scope: grant.scope,
      patient: 'p1', encounter: 'e1', fhirUser: 'Practitioner/dr1', jti, exp,
    });
    expect(claims.exp - claims.iat).toBe(300);
    expect(Math.abs(claims.iat - now.getTime() / 1000)).toBeLessThan(5);
    const other = await mintAccessToken(keys, grant);
    expect(other.jti).not.toBe(jti);
  });

  it('leave out context claims that were not given', async () => {
    const { token } = await mintAccessToken(keys, { ...grant, patient: undefined, encounter: undefined, fhirUser: undefined });
    const claims = await verifyAccessToken(keys, token, checks);
    expect(claims).not.toHaveProperty('patient');
    expect(claims).not.toHaveProperty('encounter');
    expect(claims).not.toHaveProperty('fhirUser');
  });

  it('can be signed with the ES384 key', async () => {
    const { token } = await mintAccessToken(keys, { ...grant, alg: 'ES384' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES384', kid: keys.keys[1].kid });
    expect((await verifyAccessToken(keys, token, checks)).sub).toBe('alice');
  });

  it('live at most an hour and need a key for their algorithm', async () => {
    for (const expiresIn of [0, -1, 3601, 1.5, NaN]) await expect(mintAccessToken(keys, { ...grant, expiresIn })).rejects.toThrow(RangeError);
    await expect(mintAccessToken(keys, { ...grant, expiresIn: 3600 })).resolves.toBeDefined();
    await expect(mintAccessToken(keys, { ...grant, alg: 'RS384' })).rejects.toThrow(/No RS384 signing key/);
  });

  it('expire', async () => {
    const { token } = await mintAccessToken(keys, { ...grant, expiresIn: 60, now: new Date(Date.now() - 61_000) });
    expect(await failure(verifyAccessToken(keys, token, checks))).toBe('expired');
    // A small allowed skew is honoured.
    await expect(verifyAccessToken(keys, token, { ...checks, clockTolerance: 5 })).resolves.toBeDefined();
  });

  it('are not valid before they were issued', async () => {
    const { token } = await mintAccessToken(keys, { ...grant, now: new Date(Date.now() + 600_000) });
    expect(await failure(verifyAccessToken(keys, token, checks))).toBe('not_yet_valid');
  });

  it('are refused from another issuer or for another audience', async () => {
    const { token } = await mintAccessToken(keys, grant);
    expect(await failure(verifyAccessToken(keys, token, { ...checks, issuer: 'https://evil.example' }))).toBe('wrong_issuer');
    expect(await failure(verifyAccessToken(keys, token, { ...checks, audience: 'https://other.example/fhir' }))).toBe('wrong_audience');
    // Exact comparison: a trailing slash is another audience.
    expect(await failure(verifyAccessToken(keys, token, { ...checks, audience: BASE + '/' }))).toBe('wrong_audience');
  });

  it('are refused when the signature or the payload was tampered with', async () => {
    const { token } = await mintAccessToken(keys, grant);
    const [header, payload, signature] = token.split('.');
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    expect(await failure(verifyAccessToken(keys, `${header}.${payload}.${flipped}`, checks))).toBe('bad_signature');
    const broader = b64({ ...payloadOf(token), scope: 'system/*.*' });
    expect(await failure(verifyAccessToken(keys, `${header}.${broader}.${signature}`, checks))).toBe('bad_signature');
  });

  it('are refused when signed by a key that is not ours', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const claims = payloadOf((await mintAccessToken(keys, grant)).token);
    const forge = (kid: string) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' }).sign(stranger);
    expect(await failure(verifyAccessToken(keys, await forge(keys.keys[0].kid), checks))).toBe('bad_signature');
    expect(await failure(verifyAccessToken(keys, await forge('someone-else'), checks))).toBe('unknown_key');
  });

  it('are refused unsigned (alg none)', async () => {
    const claims = payloadOf((await mintAccessToken(keys, grant)).token);
    for (const header of [{ alg: 'none', typ: 'at+jwt' }, { alg: 'none', kid: keys.keys[0].kid, typ: 'at+jwt' }]) {
      for (const sig of ['', 'x']) {
        expect(await failure(verifyAccessToken(keys, `${b64(header)}.${b64(claims)}.${sig}`, checks))).toBe('unsupported_alg');
      }
    }
  });

  it('are refused when HS256-signed with our public key as the secret', async () => {
    const claims = payloadOf((await mintAccessToken(keys, grant)).token);
    const publicKey = keys.keys[0].publicKey;
    const secrets = [
      publicKey.export({ format: 'pem', type: 'spki' }) as string,
      publicKey.export({ format: 'pem', type: 'pkcs1' }) as string,
      JSON.stringify(publicJwks(keys).keys[0]),
    ];
    for (const secret of secrets) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: keys.keys[0].kid, typ: 'at+jwt' })
        .sign(new TextEncoder().encode(secret));
      expect(await failure(verifyAccessToken(keys, forged, checks))).toBe('unsupported_alg');
      // Also when the keys come from a JWKS getter.
      expect(await failure(verifyAccessToken(createLocalJWKSet(publicJwks(keys)), forged, checks))).toBe('unsupported_alg');
    }
  });

  it('are refused once revoked, and revocation is asked only about well-signed tokens', async () => {
    const { token, jti } = await mintAccessToken(keys, grant);
    const asked: string[] = [];
    const revoked = new Set([jti]);
    const isRevoked = async (id: string) => (asked.push(id), revoked.has(id));
    expect(await failure(verifyAccessToken(keys, token, { ...checks, isRevoked }))).toBe('revoked');
    expect(asked).toEqual([jti]);
    await failure(verifyAccessToken(keys, token.slice(0, -4) + 'AAAA', { ...checks, isRevoked }));
    expect(asked).toEqual([jti]);
  });

  it('are refused when malformed, incomplete or of another type', async () => {
    for (const junk of ['', 'abc', 'a.b.c', 'a.b', `${b64({ alg: 'RS256' })}.${b64({})}`]) {
      expect(await failure(verifyAccessToken(keys, junk, checks)), junk).toBe('malformed');
    }
    const key = keys.keys[0];
    const sign = (claims: JWTPayload, typ = 'at+jwt') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ }).setIssuedAt().setExpirationTime('5m').sign(key.privateKey);
    const full = { iss: ISSUER, aud: BASE, sub: 'alice', client_id: 'c', scope: 's', jti: 'j' };
    await expect(verifyAccessToken(keys, await sign(full), checks)).resolves.toBeDefined();
    for (const missing of ['sub', 'client_id', 'scope', 'jti'] as const) {
      expect(await failure(verifyAccessToken(keys, await sign({ ...full, [missing]: undefined }), checks)), missing).toBe('malformed');
    }
    expect(await failure(verifyAccessToken(keys, await sign({ ...full, patient: 42 }), checks))).toBe('malformed');
    expect(await failure(verifyAccessToken(keys, await sign(full, 'JWT'), checks))).toBe('malformed');
  });

  it('are not confused with id tokens, even when the client id equals the FHIR base', async () => {
    const idToken = await mintIdToken(keys, { issuer: ISSUER, clientId: BASE, subject: 'alice', fhirUser: 'Practitioner/dr1' });
    expect(await failure(verifyAccessToken(keys, idToken, checks))).toBe('malformed');
  });

  it('still verify after a key rotation, while new ones use the new key', async () => {
    const { token } = await mintAccessToken(keys, grant);
    const rotated: SigningKeys = { keys: [await generateSigningKey('RS256'), ...keys.keys] };
    await expect(verifyAccessToken(rotated, token, checks)).resolves.toBeDefined();
    const fresh = await mintAccessToken(rotated, grant);
    expect(decodeProtectedHeader(fresh.token).kid).toBe(rotated.keys[0].kid);
    // Once the old key is dropped, its tokens no longer verify.
    expect(await failure(verifyAccessToken({ keys: [rotated.keys[0]] }, token, checks))).toBe('unknown_key');
  });

  it('verify against a JWKS getter, which accepts only asymmetric algorithms', async () => {
    const { token } = await mintAccessToken(keys, grant);
    const jwks = createLocalJWKSet(publicJwks(keys));
    expect((await verifyAccessToken(jwks, token, checks)).sub).toBe('alice');
    expect(await failure(verifyAccessToken(jwks, token, { ...checks, algorithms: ['ES384'] }))).toBe('unsupported_alg');
    await expect(verifyAccessToken(jwks, token, { ...checks, algorithms: ['RS256', 'HS256'] })).rejects.toThrow(RangeError);
    await expect(verifyAccessToken(jwks, token, { ...checks, algorithms: ['none'] })).rejects.toThrow(RangeError);
    await expect(verifyAccessToken(jwks, token, { ...checks, algorithms: [] })).rejects.toThrow(RangeError);
  });

  it('fail as a 401 with WWW-Authenticate that says only what kind of failure it was', async () => {
    const { token } = await mintAccessToken(keys, { ...grant, expiresIn: 1, now: new Date(Date.now() - 10_000) });
    const err = (await verifyAccessToken(keys, token, checks).then(() => undefined, (e: unknown) => e)) as AccessTokenError;
    expect(err).toBeInstanceOf(AccessTokenError);
    expect(err.status).toBe(401);
    expect(err.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token", error_description="The access token has expired"');
    expect(err.outcome.issue[0]).toMatchObject({ severity: 'error', code: 'expired' });
    expect(JSON.stringify(err.outcome)).not.toMatch(/alice|p1|growth-chart/);
  });
});

describe('id tokens', () => {
  const jwks = () => createLocalJWKSet(publicJwks(keys));

  it('are RS256, for the client, with fhirUser, sub and the nonce', async () => {
    const idToken = await mintIdToken(keys, {
      issuer: ISSUER, clientId: 'growth-chart', subject: 'alice', fhirUser: 'Practitioner/dr1', nonce: 'n-0S6', authTime: 1_700_000_000,
    });
    expect(decodeProtectedHeader(idToken)).toEqual({ alg: 'RS256', kid: keys.keys[0].kid, typ: 'JWT' });
    const { payload } = await jwtVerify(idToken, jwks(), { issuer: ISSUER, audience: 'growth-chart', algorithms: ['RS256'] });
    expect(payload).toMatchObject({ sub: 'alice', fhirUser: 'Practitioner/dr1', nonce: 'n-0S6', auth_time: 1_700_000_000 });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('carry no nonce when none was given, and need an RS256 key', async () => {
    const idToken = await mintIdToken(keys, { issuer: ISSUER, clientId: 'c', subject: 'alice', fhirUser: 'Patient/p1', expiresIn: 300 });
    const { payload } = await jwtVerify(idToken, jwks(), { issuer: ISSUER, audience: 'c' });
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.exp! - payload.iat!).toBe(300);
    const ecOnly: SigningKeys = { keys: keys.keys.filter((k) => k.alg === 'ES384') };
    await expect(mintIdToken(ecOnly, { issuer: ISSUER, clientId: 'c', subject: 'alice', fhirUser: 'Patient/p1' })).rejects.toThrow(RangeError);
  });
});
