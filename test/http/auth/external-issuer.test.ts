/**
 * External-issuer mode (issue 5 item 7): Qiao trusts RFC 9068 access tokens from a hospital's own
 * authorization server, fetched from its JWKS over HTTP, and enforces their scopes like its own.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main.js';
import { expectOutcome, startTestServer } from '../../helpers/server.js';

const ISSUER = 'https://idp.hospital.example/realms/qiao';
let idp: Server;
let jwksUrl: string;
let key: CryptoKey;
let other: CryptoKey;
let qiao: RunningServer;

beforeAll(async () => {
  ({ privateKey: key } = await generateKeyPair('RS256', { extractable: true }));
  const pair = await generateKeyPair('RS256', { extractable: true });
  other = pair.privateKey;
  const jwk = { ...(await exportJWK(key)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  // Only the public half is published.
  const publicJwk = Object.fromEntries(Object.entries(jwk).filter(([k]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(k)));
  idp = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks`;
  qiao = await startTestServer({ auth: 'external', externalIssuer: ISSUER, externalJwksUrl: jwksUrl });
});
afterAll(async () => {
  await qiao?.close();
  idp?.close();
});

function token(scope: string, over: { iss?: string; aud?: string; signer?: CryptoKey; typ?: string } = {}): Promise<string> {
  return new SignJWT({ client_id: 'ward-app', scope })
    .setProtectedHeader({ alg: 'RS256', kid: 'idp-1', typ: over.typ ?? 'at+jwt' })
    .setIssuer(over.iss ?? ISSUER)
    .setAudience(over.aud ?? qiao.fhirBase)
    .setSubject('nurse.li')
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(over.signer ?? key);
}

const get = async (path: string, bearer?: string) =>
  fetch(`${qiao.fhirBase}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

describe('--auth external', () => {
  it('accepts tokens of the configured issuer and enforces their scopes', async () => {
    expect((await get('/Patient', await token('system/Patient.rs'))).status).toBe(200);
    const denied = await get('/Observation', await token('system/Patient.rs'));
    expect(denied.status).toBe(403);
    expectOutcome(await denied.json(), { code: 'forbidden' });
  });

  it('refuses tokens of another issuer, audience or key, tokens that are not access tokens, and none', async () => {
    expect((await get('/Patient')).status).toBe(401);
    for (const bad of [
      await token('system/*.rs', { iss: 'https://evil.example/' }),
      await token('system/*.rs', { aud: 'https://other.example/fhir' }),
      await token('system/*.rs', { signer: other }),
      await token('system/*.rs', { typ: 'JWT' }),
    ]) {
      const res = await get('/Patient', bad);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/invalid_token/);
    }
  });

  it('offers no authorization server of its own, and says whose tokens it takes', async () => {
    expect((await fetch(`${new URL(qiao.fhirBase).origin}/auth/token`, { method: 'POST' })).status).toBe(404);
    expect((await get('/.well-known/smart-configuration')).status).toBe(401);
    const cs = await (await get('/metadata')).json();
    expect(cs.rest[0].security.description).toContain(ISSUER);
  });
});
