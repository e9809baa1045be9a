/**
 * Authorization events in the audit trail: token issued (IUA ITI-71) and refused, introspection
 * (ITI-102), revocation, failed and successful logins (DCM 110122), EHR launches; with the client, the
 * peer address and the token's jti, and never a token or a secret. The authorize flow grants AuditEvent
 * scopes to auditors only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientRegistration } from '../../src/auth/client-registration.js';
import { Clients } from '../../src/auth/clients.js';
import { hashPassword } from '../../src/auth/password.js';
import { s256Challenge } from '../../src/auth/pkce.js';
import { Users } from '../../src/auth/users.js';
import { startSecuredServer, type SecuredServer } from '../helpers/auth.js';
import { basicAuth, jwtPayload, postForm } from '../helpers/auth-clients.js';
import { auditEventsFor, requestIdOf, type AuditEventJson } from './helpers.js';

const SECRET = 'a-long-client-secret-0123456789-abcdefghij';
const VERIFIER = 'verifier-0123456789-0123456789-0123456789-abcdef';

describe('authorization events', () => {
  let s: SecuredServer;
  const one = async (requestId: string): Promise<AuditEventJson> => {
    const events = (await auditEventsFor(s.server.store, requestId)).filter((e) => requestIdOf(e) === requestId);
    expect(events, requestId).toHaveLength(1);
    return events[0];
  };

  beforeAll(async () => {
    s = await startSecuredServer();
    const clients = new Clients(s.server.store.auth);
    await clients.put(await createClientRegistration({ id: 'backend', type: 'confidential-symmetric', secret: SECRET, redirectUris: [], scope: 'system/*.rs' }));
    await clients.put(
      await createClientRegistration({ id: 'viewer', type: 'public', redirectUris: ['https://app.example.org/cb'], scope: 'openid fhirUser user/*.rs user/AuditEvent.rs' }),
    );
    const users = new Users(s.server.store.auth);
    await users.put({ username: 'nurse', fhirUser: 'Practitioner/n1', passwordHash: await hashPassword('nurse-password') });
    await users.put({ username: 'auditor', fhirUser: 'Practitioner/a1', passwordHash: await hashPassword('auditor-password'), roles: ['auditor'] });
  });
  afterAll(() => s.close());

  it('records tokens issued and refused, introspection and revocation, with the jti but never a token', async () => {
    const tokenUrl = `${s.server.url}/auth/token`;
    const issued = await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'system/Patient.rs' }, { authorization: basicAuth('backend', SECRET), 'x-request-id': 'auth-token' });
    expect(issued.status).toBe(200);
    const accessToken = issued.json!.access_token as string;
    const jti = jwtPayload(accessToken).jti as string;
    const refused = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basicAuth('backend', 'wrong-secret'), 'x-request-id': 'auth-refused' });
    expect(refused.status).toBe(401);
    const introspected = await postForm(`${s.server.url}/auth/introspect`, { token: accessToken }, { authorization: basicAuth('backend', SECRET), 'x-request-id': 'auth-introspect' });
    expect(introspected.json!.active).toBe(true);
    const revoked = await postForm(`${s.server.url}/auth/revoke`, { token: accessToken }, { authorization: basicAuth('backend', SECRET), 'x-request-id': 'auth-revoke' });
    expect(revoked.status).toBe(200);

    const token = await one('auth-token');
    expect(token).toMatchObject({ type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114' }, subtype: [{ system: 'urn:ihe:event-type-code', code: 'ITI-71' }], action: 'E', outcome: '0' });
    const client = token.agent.find((a: AuditEventJson) => a.type.coding[0].code === '110150');
    expect(client).toMatchObject({ who: { identifier: { value: 'backend' } }, requestor: true, policy: [jti], network: { address: expect.stringMatching(/127\.0\.0\.1/) } });
    expect(token.agent.some((a: AuditEventJson) => a.type.coding[0].code === 'AuthzOauthService')).toBe(true);

    const refusal = await one('auth-refused');
    expect(refusal).toMatchObject({ subtype: [{ code: 'ITI-71' }], outcome: '4', outcomeDesc: expect.stringMatching(/^invalid_client/) });
    expect(refusal.agent[0].who.identifier.value).toBe('backend');

    expect(await one('auth-introspect')).toMatchObject({ subtype: [{ code: 'ITI-102' }], outcome: '0', agent: expect.arrayContaining([expect.objectContaining({ policy: [jti] })]) });
    expect(await one('auth-revoke')).toMatchObject({ subtype: [{ code: 'token-revocation' }], outcome: '0' });

    const all = JSON.stringify(await auditEventsFor(s.server.store, 'auth-', 4));
    expect(all).not.toContain(accessToken);
    expect(all).not.toContain(accessToken.split('.')[2]);
    expect(all).not.toContain(SECRET);
  });

  /** Starts an authorization for `viewer`, logs in, and (on success) consents to every scope shown; returns the consent page's scopes. */
  async function authorize(username: string, password: string, requestId: string): Promise<{ login: number; scopes?: string[] }> {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'viewer',
      redirect_uri: 'https://app.example.org/cb',
      scope: 'openid fhirUser user/*.rs user/AuditEvent.rs',
      state: 's',
      aud: s.server.fhirBase,
      code_challenge: s256Challenge(VERIFIER),
      code_challenge_method: 'S256',
    });
    const start = await fetch(`${s.server.url}/auth/authorize?${params}`, { redirect: 'manual' });
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
    const pending = /request=([\w-]+)/.exec(start.headers.get('location') ?? '')![1];
    const login = await fetch(`${s.server.url}/auth/authorize/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, 'X-Request-Id': requestId },
      body: new URLSearchParams({ request: pending, username, password }).toString(),
    });
    if (login.status !== 303) return { login: login.status };
    const page = await (await fetch(`${s.server.url}${login.headers.get('location')}`, { headers: { Cookie: cookie } })).text();
    const scopes = [...page.matchAll(/name="scope" value="([^"]+)"/g)].map((m) => m[1]);
    const consent = await fetch(`${s.server.url}/auth/authorize/consent`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body: new URLSearchParams([['request', pending], ['decision', 'allow'], ...['openid', 'fhirUser', 'user/*.rs', 'user/AuditEvent.rs'].map((v) => ['scope', v])]).toString(),
    });
    const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
    const token = await postForm(`${s.server.url}/auth/token`, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.org/cb', client_id: 'viewer', code_verifier: VERIFIER });
    expect(scopes.includes('user/AuditEvent.rs')).toBe(username === 'auditor');
    return { login: login.status, scopes: String(token.json!.scope).split(' ') };
  }

  it('records failed and successful logins, and grants AuditEvent scopes to auditors only', async () => {
    const nurse = await authorize('nurse', 'nurse-password', 'login-nurse');
    expect(nurse.login).toBe(303);
    expect(nurse.scopes).toContain('user/*.rs');
    expect(nurse.scopes).not.toContain('user/AuditEvent.rs');
    const auditor = await authorize('auditor', 'auditor-password', 'login-auditor');
    expect(auditor.scopes).toContain('user/AuditEvent.rs');
    // Last: a failure makes the throttle ask for a pause before the next attempt from this address.
    expect((await authorize('nurse', 'wrong', 'login-bad')).login).toBe(200);

    const bad = await one('login-bad');
    expect(bad).toMatchObject({ type: { code: '110114' }, subtype: [{ code: '110122', display: 'Login' }], outcome: '4' });
    expect(JSON.stringify(bad)).not.toContain('wrong');
    const good = await one('login-nurse');
    expect(good).toMatchObject({ outcome: '0', agent: expect.arrayContaining([expect.objectContaining({ who: { reference: 'Practitioner/n1' }, requestor: true })]) });
  });

  it('records EHR launches created and refused', async () => {
    const admin = await s.token('system/*.*', { clientId: 'admin' });
    const res = await fetch(`${s.server.url}/auth/admin/launch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json', 'X-Request-Id': 'launch-refused' },
      body: JSON.stringify({ user: 'nurse', patient: 'no-such-patient' }),
    });
    expect(res.status).toBe(400);
    expect(await one('launch-refused')).toMatchObject({ subtype: [{ code: 'ehr-launch' }], outcome: '4' });
  });
});
