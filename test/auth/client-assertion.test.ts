import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { verifyClientAssertion, type ClientAssertionOptions } from '../../src/auth/client-assertion.js';
import { JwksUriCache } from '../../src/auth/client-jwks.js';
import { MemoryReplayStore } from '../../src/auth/client-replay-store.js';
import type { ClientRegistration } from '../../src/auth/client-registration.js';

const TOKEN_URL = 'https://qiao.example.org/auth/token';

interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}
async function keyPair(alg: 'RS384' | 'ES384', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid } };
}

let rsa: KeyPair;
let ec: KeyPair;
let rotated: KeyPair;
let stranger: KeyPair;
let server: Server;
let jwksUri: string;
let served: JWK[];
let fetches: number;

beforeAll(async () => {
  [rsa, ec, rotated, stranger] = await Promise.all([keyPair('RS384', 'rsa-1'), keyPair('ES384', 'ec-1'), keyPair('ES384', 'ec-2'), keyPair('RS384', 'rsa-1')]);
  server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const registered = (): ClientRegistration => ({ id: 'bili-monitor', type: 'confidential-asymmetric', redirectUris: [], scope: 'system/Observation.rs', jwks: { keys: [rsa.jwk, ec.jwk] } });
const hosted = (): ClientRegistration => ({ id: 'hosted', type: 'confidential-asymmetric', redirectUris: [], scope: 'system/*.rs', jwksUri });

function options(extra: Partial<ClientAssertionOptions> = {}): ClientAssertionOptions {
  return { tokenEndpoint: TOKEN_URL, replayStore: new MemoryReplayStore(), jwksCache: new JwksUriCache(), ...extra };
}

/** A SMART authentication JWT for clientId; claims and header may be overridden or removed (undefined). */
async function assertion(clientId: string, key: KeyPair, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = Object.fromEntries(
    Object.entries({ iss: clientId, sub: clientId, aud: TOKEN_URL, exp: now + 240, jti: randomUUID(), ...claims }).filter(([, v]) => v !== undefined),
  ) as JWTPayload;
  const protectedHeader = Object.fromEntries(
    Object.entries({ alg: key.jwk.kty === 'RSA' ? 'RS384' : 'ES384', kid: key.jwk.kid, typ: 'JWT', ...header }).filter(([, v]) => v !== undefined),
  );
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

function unsigned(header: object, payload: object): string {
  const part = (o: object) => base64url.encode(JSON.stringify(o));
  return `${part(header)}.${part(payload)}.`;
}

async function rejection(jwt: string, client: ClientRegistration, opts = options()): Promise<string> {
  const result = await verifyClientAssertion(jwt, client, opts);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.description;
}

describe('private_key_jwt client assertion', () => {
  it('accepts RS384 and ES384 assertions signed with a registered key', async () => {
    const opts = options();
    expect(await verifyClientAssertion(await assertion('bili-monitor', rsa), registered(), opts)).toMatchObject({ ok: true });
    expect(await verifyClientAssertion(await assertion('bili-monitor', ec, {}, { typ: undefined }), registered(), opts)).toMatchObject({ ok: true });
  });

  it('fetches keys from the jwks_uri once while its Cache-Control allows, and again for a rotated kid', async () => {
    served = [ec.jwk];
    fetches = 0;
    const opts = options({ jwksCache: new JwksUriCache({ refetchCooldownMs: 0 }) });
    expect((await verifyClientAssertion(await assertion('hosted', ec), hosted(), opts)).ok).toBe(true);
    expect((await verifyClientAssertion(await assertion('hosted', ec), hosted(), opts)).ok).toBe(true);
    expect(fetches).toBe(1);
    served = [rotated.jwk];
    expect((await verifyClientAssertion(await assertion('hosted', rotated), hosted(), opts)).ok).toBe(true);
    expect(fetches).toBe(2);
    // The withdrawn key is gone from the refreshed set.
    expect(await rejection(await assertion('hosted', ec), hosted(), opts)).toMatch(/no ES384 key with kid "ec-1"/);
  });

  it('refetches for unknown kids no more than the cooldown allows', async () => {
    served = [ec.jwk];
    fetches = 0;
    const opts = options({ jwksCache: new JwksUriCache({ refetchCooldownMs: 60_000 }) });
    for (let i = 0; i < 5; i++) await rejection(await assertion('hosted', { ...ec, jwk: { ...ec.jwk, kid: `random-${i}` } }), hosted(), opts);
    expect(fetches).toBe(1);
  });

  it('rejects alg none, HS256 keyed with the public key, RS256, and a missing kid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'bili-monitor', sub: 'bili-monitor', aud: TOKEN_URL, exp: now + 60, jti: randomUUID() };
    expect(await rejection(unsigned({ alg: 'none', kid: 'rsa-1', typ: 'JWT' }, claims), registered())).toMatch(/alg must be one of RS384, ES384/);
    // The classic key-confusion attack: the public key (PEM or JWK) used as an HMAC secret.
    for (const secret of [await exportSPKI(rsa.publicKey), JSON.stringify(rsa.jwk)]) {
      const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
      expect(await rejection(hs, registered())).toMatch(/alg must be one of/);
    }
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(privateKey);
    expect(await rejection(rs256, registered())).toMatch(/alg must be one of/);
    expect(await rejection(await assertion('bili-monitor', rsa, {}, { kid: undefined }), registered())).toMatch(/needs a kid/);
  });

  it('rejects a bad signature: another key under a registered kid, or a tampered payload', async () => {
    expect(await rejection(await assertion('bili-monitor', stranger), registered())).toMatch(/signature is invalid/);
    const [h, p, s] = (await assertion('bili-monitor', rsa)).split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
    const tampered = `${h}.${base64url.encode(JSON.stringify({ ...claims, exp: claims.exp + 1 }))}.${s}`;
    expect(await rejection(tampered, registered())).toMatch(/signature is invalid/);
  });

  it('needs aud to be exactly the token endpoint URL, single-valued', async () => {
    for (const aud of ['https://qiao.example.org/auth/token/', 'https://qiao.example.org', 'https://evil.example/token', [TOKEN_URL, 'https://evil.example/token']]) {
      expect(await rejection(await assertion('bili-monitor', rsa, { aud }), registered()), JSON.stringify(aud)).toMatch(/aud must be the token endpoint/);
    }
    expect((await verifyClientAssertion(await assertion('bili-monitor', rsa, { aud: [TOKEN_URL] }), registered(), options())).ok).toBe(true);
  });

  it('accepts the issuer as aud only when configured to', async () => {
    const issuer = 'https://qiao.example.org/auth';
    expect(await rejection(await assertion('bili-monitor', ec, { aud: issuer }), registered())).toMatch(/aud/);
    expect((await verifyClientAssertion(await assertion('bili-monitor', ec, { aud: issuer }), registered(), options({ issuer }))).ok).toBe(true);
  });

  it('needs exp, at most five minutes ahead, and not past', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await rejection(await assertion('bili-monitor', rsa, { exp: now + 600 }), registered())).toMatch(/at most 300 seconds/);
    expect(await rejection(await assertion('bili-monitor', rsa, { exp: undefined }), registered())).toMatch(/missing required "exp"/);
    expect(await rejection(await assertion('bili-monitor', rsa, { exp: now - 120 }), registered())).toMatch(/expired/);
    expect((await verifyClientAssertion(await assertion('bili-monitor', rsa, { exp: now + 300 }), registered(), options())).ok).toBe(true);
  });

  it('never accepts a jti twice for the same client, and needs one', async () => {
    const opts = options();
    const jwt = await assertion('bili-monitor', rsa, { jti: 'once' });
    expect((await verifyClientAssertion(jwt, registered(), opts)).ok).toBe(true);
    expect(await rejection(jwt, registered(), opts)).toMatch(/jti has already been used/);
    expect(await rejection(await assertion('bili-monitor', ec, { jti: 'once' }), registered(), opts)).toMatch(/already been used/);
    expect(await rejection(await assertion('bili-monitor', rsa, { jti: undefined }), registered(), opts)).toMatch(/missing required "jti"/);
  });

  it('does not let a rejected assertion use up its jti', async () => {
    const opts = options();
    await rejection(await assertion('bili-monitor', rsa, { jti: 'j', aud: 'https://elsewhere' }), registered(), opts);
    expect((await verifyClientAssertion(await assertion('bili-monitor', rsa, { jti: 'j' }), registered(), opts)).ok).toBe(true);
  });

  it('needs iss and sub to be the client id', async () => {
    expect(await rejection(await assertion('bili-monitor', rsa, { sub: 'someone-else' }), registered())).toMatch(/sub must be the client_id/);
    expect(await rejection(await assertion('bili-monitor', rsa, { iss: 'https://bili.example.org' }), registered())).toMatch(/iss must be the client_id/);
  });

  it('checks typ and jku headers', async () => {
    expect(await rejection(await assertion('bili-monitor', rsa, {}, { typ: 'at+jwt' }), registered())).toMatch(/typ/);
    expect(await rejection(await assertion('hosted', ec, {}, { jku: 'https://attacker.example/jwks.json' }), hosted())).toMatch(/jku/);
    served = [ec.jwk];
    expect((await verifyClientAssertion(await assertion('hosted', ec, {}, { jku: jwksUri }), hosted(), options())).ok).toBe(true);
  });

  it('picks the one key whose kid and kty fit; none or several is a failure', async () => {
    expect(await rejection(await assertion('bili-monitor', ec, {}, { alg: 'ES384', kid: 'rsa-1' }), registered())).toMatch(/no ES384 key with kid "rsa-1"/);
    const twice: ClientRegistration = { ...registered(), jwks: { keys: [rsa.jwk, { ...stranger.jwk }] } };
    expect(await rejection(await assertion('bili-monitor', rsa), twice)).toMatch(/several keys/);
  });

  it('fails cleanly when the jwks_uri is unreachable, and for non-JWS input', async () => {
    const gone: ClientRegistration = { ...hosted(), jwksUri: 'http://127.0.0.1:9/jwks.json' };
    expect(await rejection(await assertion('hosted', ec), gone)).toMatch(/could not be fetched/);
    expect(await rejection('a.b.c.d.e', registered())).toMatch(/not a signed JWT/);
    expect(await rejection('not-a-jwt', registered())).toMatch(/not a signed JWT/);
    expect(await rejection('e30.e30.', registered())).toMatch(/alg must be/);
  });

  it('refuses clients that are not confidential-asymmetric', async () => {
    const symmetric: ClientRegistration = { id: 'bili-monitor', type: 'confidential-symmetric', redirectUris: [], scope: 'x', secretHash: 'h' };
    expect(await rejection(await assertion('bili-monitor', rsa), symmetric)).toMatch(/not registered for private_key_jwt/);
  });
});
