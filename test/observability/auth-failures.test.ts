/** qiao_auth_failures_total: 401s and 403s of the FHIR API, token endpoint errors and failed logins. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientRegistration } from '../../src/auth/client-registration.js';
import { Clients } from '../../src/auth/clients.js';
import { s256Challenge } from '../../src/auth/pkce.js';
import { startSecuredServer, type SecuredServer } from '../helpers/auth.js';
import { scrape, valueOf } from './prometheus.js';

const FAILURES = 'qiao_auth_failures_total';

describe('authorization failure metrics', () => {
  let secured: SecuredServer;
  let failures: (labels: Record<string, string>) => Promise<number | undefined>;

  beforeAll(async () => {
    secured = await startSecuredServer();
    failures = async (labels) => valueOf((await scrape(`${secured.server.url}/metrics`)).samples, FAILURES, labels);
  });
  afterAll(() => secured.close());

  it('counts a FHIR request without a token, with a bad one, and one its grant does not allow', async () => {
    const base = secured.server.fhirBase;
    expect((await fetch(`${base}/Patient`)).status).toBe(401);
    expect((await fetch(`${base}/Patient`, { headers: { Authorization: 'Bearer not.a.token' } })).status).toBe(401);
    expect((await fetch(`${base}/Patient`, { headers: { Authorization: 'Bearer x.y.z' } })).status).toBe(401);
    const token = await secured.token('system/Observation.rs');
    expect((await fetch(`${base}/Patient`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(403);
    expect((await fetch(`${base}/Observation`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(await failures({ endpoint: 'fhir', reason: 'missing_token' })).toBe(1);
    expect(await failures({ endpoint: 'fhir', reason: 'invalid_token' })).toBe(2);
    expect(await failures({ endpoint: 'fhir', reason: 'forbidden' })).toBe(1);
    const { samples } = await scrape(`${secured.server.url}/metrics`);
    expect(valueOf(samples, 'qiao_http_requests_total', { interaction: 'search-type', resource_type: 'Patient', status: '401' })).toBe(3);
  });

  it('counts token endpoint errors by their OAuth error code', async () => {
    const post = (body: string) =>
      fetch(`${secured.server.url}/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    expect((await post('grant_type=password&username=a&password=b')).status).toBe(400);
    const res = await post('grant_type=authorization_code&code=nothing&client_id=nobody&redirect_uri=https%3A%2F%2Fx.example%2Fcb&code_verifier=v');
    const error = ((await res.json()) as { error: string }).error;
    expect(await failures({ endpoint: 'token', reason: 'unsupported_grant_type' })).toBe(1);
    expect(await failures({ endpoint: 'token', reason: error })).toBe(1);
  });

  it('counts failed logins at the authorize endpoint', async () => {
    const { server } = secured;
    await new Clients(server.store.auth).put(
      await createClientRegistration({ id: 'metrics-app', type: 'public', redirectUris: ['https://app.example.org/cb'], scope: 'openid fhirUser patient/*.rs launch/patient' }),
    );
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'metrics-app',
      redirect_uri: 'https://app.example.org/cb',
      scope: 'openid fhirUser patient/*.rs launch/patient',
      state: 's',
      aud: server.fhirBase,
      code_challenge: s256Challenge('verifier-0123456789-0123456789-0123456789-abcdef'),
      code_challenge_method: 'S256',
    });
    const start = await fetch(`${server.url}/auth/authorize?${params}`, { redirect: 'manual' });
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
    const requestId = /request=([\w-]+)/.exec(start.headers.get('location') ?? '')?.[1];
    expect(requestId).toBeDefined();
    const login = await fetch(`${server.url}/auth/authorize/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body: new URLSearchParams({ request: requestId!, username: 'nobody', password: 'wrong' }).toString(),
    });
    expect(login.status).toBe(200);
    expect(await failures({ endpoint: 'authorize', reason: 'login_failure' })).toBe(1);
    const { text } = await scrape(`${server.url}/metrics`);
    expect(text).not.toContain('nobody');
  });
});
