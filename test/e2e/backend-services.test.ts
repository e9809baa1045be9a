/**
 * SMART Backend Services end to end (issue 5 item 8): a real OAuth client library (openid-client v6, over
 * fetch) discovers our issuer, authenticates with private_key_jwt (RS384 and ES384), gets a client_credentials
 * token, uses it on the FHIR API, introspects it and revokes it, all over HTTP against a server started with
 * auth on. The unit-level checks of each step are in test/auth/token-endpoint.test.ts and its neighbours.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecuredServer, type SecuredServer } from '../helpers/auth.js';
import { CLIENT_ASSERTION_TYPE, clientKey, fhirRequest, jwtPayload, postForm, registerBackendClient, signAssertion, urlsOf, type ClientKey } from '../helpers/auth-clients.js';
import { expectOutcome } from '../helpers/server.js';

let s: SecuredServer;

beforeAll(async () => {
  s = await startSecuredServer();
});
afterAll(() => s?.close());

/** An openid-client Configuration for a registered backend client, found through OpenID Connect discovery. */
async function configure(clientId: string, key: ClientKey): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(urlsOf(s).issuer), clientId, { token_endpoint_auth_method: 'private_key_jwt' }, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), {
    execute: [oidc.allowInsecureRequests],
  });
}

const SCOPE = 'system/*.rs system/Patient.cruds';

describe.each(['RS384', 'ES384'] as const)('a backend client signing with %s', (alg) => {
  const clientId = `bulk-${alg.toLowerCase()}`;
  let config: oidc.Configuration;
  let key: ClientKey;

  beforeAll(async () => {
    key = await clientKey(alg);
    await registerBackendClient(s, clientId, key, SCOPE);
    config = await configure(clientId, key);
  });

  it('discovers the endpoints and auth methods at the issuer', () => {
    const meta = config.serverMetadata();
    const urls = urlsOf(s);
    expect(meta.issuer).toBe(urls.issuer);
    expect(meta.token_endpoint).toBe(urls.token);
    expect(meta.introspection_endpoint).toBe(urls.introspect);
    expect(meta.revocation_endpoint).toBe(urls.revoke);
    expect(meta.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(meta.token_endpoint_auth_signing_alg_values_supported).toContain(alg);
  });

  it('gets a five-minute token, uses it on the FHIR API, introspects it, revokes it', async () => {
    const started = Math.floor(Date.now() / 1000);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: SCOPE });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.expires_in).toBeLessThanOrEqual(300);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.scope?.split(' ').sort()).toEqual(SCOPE.split(' ').sort());
    const token = tokens.access_token;
    const claims = jwtPayload(token);
    expect(claims).toMatchObject({ iss: urlsOf(s).issuer, aud: s.server.fhirBase, client_id: clientId, sub: clientId });
    expect(claims.exp as number).toBeLessThanOrEqual(started + 300 + 2);

    // The FHIR API with the token: create a Patient, then find it.
    const family = `Backend${alg}`;
    const created = await fhirRequest(s, '/Patient', token, { method: 'POST', body: { resourceType: 'Patient', name: [{ family }] } });
    expect(created.status, created.text).toBe(201);
    const id = created.json!.id as string;
    const found = await fhirRequest(s, `/Patient?family=${family}`, token);
    expect(found.status, found.text).toBe(200);
    expect(found.json).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect((found.json!.entry as { resource: { id: string } }[])[0]!.resource.id).toBe(id);

    // Introspection by the confidential client itself (a fresh assertion).
    const info = await oidc.tokenIntrospection(config, token);
    expect(info).toMatchObject({ active: true, client_id: clientId, iss: urlsOf(s).issuer, token_type: 'Bearer', sub: clientId });
    expect(String(info.scope).split(' ').sort()).toEqual(SCOPE.split(' ').sort());
    expect(info.exp).toBe(claims.exp);

    // Revocation (RFC 7009) takes effect on the FHIR API and at introspection at once.
    await oidc.tokenRevocation(config, token);
    const refused = await fhirRequest(s, `/Patient?family=${family}`, token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expectOutcome(refused.json, { diagnostics: /revoked/ });
    expect(await oidc.tokenIntrospection(config, token)).toEqual({ active: false });
    // Revoking twice is harmless (RFC 7009 §2.2).
    await expect(oidc.tokenRevocation(config, token)).resolves.toBeUndefined();
  });

  it('narrows the scope to what was asked and to the registration, and refuses scopes it was not registered for', async () => {
    const narrow = await oidc.clientCredentialsGrant(config, { scope: 'system/Patient.rs' });
    expect(narrow.scope).toBe('system/Patient.rs');
    const read = await fhirRequest(s, '/Patient', narrow.access_token);
    expect(read.status).toBe(200);

    // Registered for system/*.rs only on Observation: the write letters are dropped, and the answer says so.
    const partly = await oidc.clientCredentialsGrant(config, { scope: 'system/Observation.cruds' });
    expect(partly.scope).toBe('system/Observation.rs');

    const err = await oidc.clientCredentialsGrant(config, { scope: 'system/Observation.cud' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ResponseBodyError', error: 'invalid_scope', status: 400 });
  });

  it('signs assertions with aud the issuer (accepted beside the token endpoint URL SMART names)', async () => {
    const sent: string[] = [];
    const spy = await configure(clientId, key);
    spy[oidc.customFetch] = (url, init) => {
      const form = new URLSearchParams(String(init.body));
      if (form.has('client_assertion')) sent.push(form.get('client_assertion')!);
      return fetch(url, init as RequestInit);
    };
    expect((await oidc.clientCredentialsGrant(spy, { scope: 'system/Patient.rs' })).access_token).toBeTruthy();
    expect(sent).toHaveLength(1);
    const claims = jwtPayload(sent[0]!);
    // oauth4webapi follows draft-ietf-oauth-rfc7523bis; the server accepts exactly the issuer or the token URL.
    expect(claims).toMatchObject({ iss: clientId, sub: clientId, aud: urlsOf(s).issuer });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(300);
    expect(typeof claims.jti).toBe('string');
    expect(JSON.parse(Buffer.from(sent[0]!.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg, kid: key.kid });
  });

  it('accepts a hand-made SMART assertion (aud the token endpoint URL) just the same', async () => {
    const res = await postForm(urlsOf(s).token, {
      grant_type: 'client_credentials',
      scope: 'system/Patient.rs',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await signAssertion(s, clientId, key),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'system/Patient.rs' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('gets a new token on every request, each with its own assertion (no jti is replayed)', async () => {
    const first = await oidc.clientCredentialsGrant(config, { scope: 'system/Patient.rs' });
    const second = await oidc.clientCredentialsGrant(config, { scope: 'system/Patient.rs' });
    expect(second.access_token).not.toBe(first.access_token);
    expect(jwtPayload(second.access_token).jti).not.toBe(jwtPayload(first.access_token).jti);
  });
});

describe('backend clients among themselves', () => {
  it('may introspect each other\'s tokens, but may not revoke them', async () => {
    const [k1, k2] = await Promise.all([clientKey('RS384'), clientKey('ES384')]);
    await registerBackendClient(s, 'svc-a', k1, 'system/Patient.rs');
    await registerBackendClient(s, 'svc-b', k2, 'system/Patient.rs');
    const [a, b] = await Promise.all([configure('svc-a', k1), configure('svc-b', k2)]);
    const tokenA = (await oidc.clientCredentialsGrant(a, { scope: 'system/Patient.rs' })).access_token;

    // A confidential client that authenticates is a resource server here: it sees any token.
    expect(await oidc.tokenIntrospection(b, tokenA)).toMatchObject({ active: true, client_id: 'svc-a' });
    // RFC 7009 §2.1: a client may revoke only its own tokens.
    const err = await oidc.tokenRevocation(b, tokenA).catch((e: unknown) => e);
    expect(err).toMatchObject({ error: 'unauthorized_client', status: 400 });
    expect((await fhirRequest(s, '/Patient', tokenA)).status).toBe(200);
  });
});
