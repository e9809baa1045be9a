import { describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createClientRegistration, validateClientRegistration, type ClientRegistrationRequest } from '../../src/auth/client-registration.js';
import { verifyPassword } from '../../src/auth/password.js';
import { OperationOutcomeError } from '../../src/fhir/errors.js';

async function publicJwk(alg: 'RS384' | 'ES384', kid: string): Promise<JWK> {
  const { publicKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(publicKey)), kid };
}

const app: ClientRegistrationRequest = { id: 'growth-chart', type: 'public', redirectUris: ['https://app.example.org/callback'], scope: 'launch/patient patient/*.rs openid fhirUser' };

/** The fields the validator complains about. */
function fields(input: unknown): string[] {
  return validateClientRegistration(input).flatMap((i) => i.expression ?? []);
}

describe('client registration', () => {
  it('accepts a public client with https and loopback http redirect URIs', () => {
    const uris = ['https://app.example.org/cb?x=1', 'http://localhost:8080/cb', 'http://127.0.0.1/cb', 'http://[::1]:3000/cb'];
    expect(validateClientRegistration({ ...app, redirectUris: uris })).toEqual([]);
  });

  it('refuses redirect URIs that are relative, plain http elsewhere, carry a fragment or credentials', () => {
    for (const uri of ['/callback', 'http://app.example.org/cb', 'https://app.example.org/cb#x', 'https://app.example.org/cb#', 'https://u:p@app.example.org/cb', 'javascript:alert(1)']) {
      expect(fields({ ...app, redirectUris: [uri] }), uri).toEqual(['redirectUris[0]']);
    }
  });

  it('gives a public client no credentials and at least one redirect URI', () => {
    expect(fields({ ...app, secret: 'a-long-enough-secret-value' })).toEqual(['secret']);
    expect(fields({ ...app, redirectUris: [] })).toEqual(['redirectUris']);
  });

  it('checks id, type and scope syntax', () => {
    expect(fields({ ...app, id: 'has space', type: 'confidential', scope: 'a  b' })).toEqual(['id', 'type', 'scope']);
    expect(fields({ ...app, scope: 'patient/"x".read' })).toEqual(['scope']);
    expect(validateClientRegistration('nonsense')).toHaveLength(1);
  });

  it('stores a symmetric client secret hashed, never in the clear', async () => {
    const secret = 'correct horse battery staple';
    const client = await createClientRegistration({ ...app, type: 'confidential-symmetric', secret });
    expect(client.secretHash).toBeDefined();
    expect(JSON.stringify(client)).not.toContain(secret);
    expect(await verifyPassword(secret, client.secretHash)).toBe(true);
    expect(fields({ ...app, type: 'confidential-symmetric' })).toEqual(['secret']);
    expect(fields({ ...app, type: 'confidential-symmetric', secret: 'short' })).toEqual(['secret']);
  });

  it('gives an asymmetric client exactly one key source: a JWK Set or an https (or loopback) URL', async () => {
    const jwks = { keys: [await publicJwk('RS384', 'k1'), await publicJwk('ES384', 'k2')] };
    const backend = { id: 'bili-monitor', type: 'confidential-asymmetric', redirectUris: [], scope: 'system/Observation.rs' };
    expect(validateClientRegistration({ ...backend, jwks })).toEqual([]);
    expect(validateClientRegistration({ ...backend, jwksUri: 'https://bili.example.org/jwks.json' })).toEqual([]);
    expect(validateClientRegistration({ ...backend, jwksUri: 'http://localhost:9999/jwks.json' })).toEqual([]);
    expect(fields({ ...backend, jwksUri: 'http://bili.example.org/jwks.json' })).toEqual(['jwksUri']);
    expect(fields(backend)).toEqual(['jwks']);
    expect(fields({ ...backend, jwks, jwksUri: 'https://bili.example.org/jwks.json' })).toEqual(['jwks']);
    expect(fields({ ...backend, jwks, secret: 'a-long-enough-secret-value' })).toEqual(['secret']);
    const client = await createClientRegistration({ ...backend, jwks, name: 'Bilirubin monitor' });
    expect(client).toMatchObject({ id: 'bili-monitor', jwks, name: 'Bilirubin monitor' });
    expect(client.secretHash).toBeUndefined();
  });

  it('refuses keys that are private, symmetric, without kid, duplicated, or unusable with RS384/ES384', async () => {
    const backend = { id: 'svc', type: 'confidential-asymmetric', redirectUris: [], scope: 'system/*.rs' };
    const rsa = await publicJwk('RS384', 'rsa');
    const { privateKey } = await generateKeyPair('RS384', { extractable: true });
    const { publicKey: p256 } = await generateKeyPair('ES256', { extractable: true });
    const cases: [string, unknown][] = [
      ['private key', { keys: [{ ...(await exportJWK(privateKey)), kid: 'x' }] }],
      ['HMAC key', { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'x' }] }],
      ['no kid', { keys: [{ ...rsa, kid: undefined }] }],
      ['duplicate kid', { keys: [rsa, rsa] }],
      ['P-256 curve', { keys: [{ ...(await exportJWK(p256)), kid: 'x' }] }],
      ['RS256 alg', { keys: [{ ...rsa, alg: 'RS256' }] }],
      ['encryption key', { keys: [{ ...rsa, use: 'enc' }] }],
      ['short RSA modulus', { keys: [{ ...rsa, n: rsa.n!.slice(0, 171) }] }],
      ['empty set', { keys: [] }],
      ['not a set', [rsa]],
    ];
    for (const [what, jwks] of cases) expect(fields({ ...backend, jwks }), what).toContain('jwks');
  });

  it('throws one 400 OperationOutcome naming every problem', async () => {
    const err = await createClientRegistration({ ...app, id: '', redirectUris: ['http://evil.example/cb'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationOutcomeError);
    expect((err as OperationOutcomeError).status).toBe(400);
    expect((err as OperationOutcomeError).outcome.issue.map((i) => i.expression?.[0])).toEqual(['id', 'redirectUris[0]']);
  });

  it('refuses a JWK that passes the shape checks but is not a key', async () => {
    const ec = await publicJwk('ES384', 'ec');
    // A point that is not on the curve.
    const bogus = { ...ec, y: ec.x };
    const err = await createClientRegistration({ id: 'svc', type: 'confidential-asymmetric', redirectUris: [], scope: 'system/*.rs', jwks: { keys: [bogus] } }).catch((e: unknown) => e);
    expect((err as OperationOutcomeError).outcome.issue[0]?.diagnostics).toMatch(/not a valid public key/);
  });
});
