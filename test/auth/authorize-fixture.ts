/**
 * An express app with only the authorize router mounted at /auth, over an in-memory store with
 * registered clients, users, patients and real signing keys; plus a small driver that walks the pages
 * the way a browser without JavaScript would (cookie, hidden request id, form posts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import { AuthServer } from '../../src/auth/auth-server.js';
import { createClientRegistration } from '../../src/auth/client-registration.js';
import { Clients } from '../../src/auth/clients.js';
import { LAUNCH_LIFETIME_SECONDS, type LaunchGrant } from '../../src/auth/grants.js';
import { loadOrCreateSigningKeys } from '../../src/auth/keys.js';
import { LoginThrottle } from '../../src/auth/login-throttle.js';
import { hashPassword } from '../../src/auth/password.js';
import { s256Challenge } from '../../src/auth/pkce.js';
import { SingleUseGrants } from '../../src/auth/single-use.js';
import { Users } from '../../src/auth/users.js';
import { createAuthorizeRouter } from '../../src/http/authorize-routes.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';

export const FHIR = 'https://qiao.example.org/fhir';
export const APP_CB = 'https://app.example.org/cb';
export const VERIFIER = 'verifier-0123456789-0123456789-0123456789-abcdef';
export const PASSWORD = 'correct horse battery staple';

export interface Fixture {
  app: express.Express;
  store: ResourceStore;
  auth: AuthServer;
  clock: { now: number };
  launch(grant: LaunchGrant): Promise<string>;
  close(): Promise<void>;
}

export async function authorizeFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'qiao-authorize-'));
  const store = await openStore('sqlite::memory:');
  const auth = new AuthServer(store.auth, await loadOrCreateSigningKeys(dir));
  const clients = new Clients(store.auth);
  await clients.put(
    await createClientRegistration({
      id: 'growth-chart',
      name: 'Growth <Chart>',
      type: 'public',
      redirectUris: [APP_CB, 'https://app.example.org/cb2?tenant=a%20b'],
      scope: 'launch launch/patient openid fhirUser offline_access patient/*.rs user/*.rs',
    }),
  );
  const users = new Users(store.auth);
  const hash = await hashPassword(PASSWORD);
  await users.put({ username: 'dr.wang', passwordHash: hash, fhirUser: 'Practitioner/wang' });
  await users.put({ username: 'li.na', passwordHash: hash, fhirUser: 'Patient/p2' });
  await users.put({ username: 'nurse.chen', passwordHash: hash, fhirUser: 'Practitioner/chen' });
  await store.transaction(async (tx) => {
    await tx.write('Patient', 'p1', { resourceType: 'Patient', name: [{ family: 'Zhang', given: ['Wei'] }], birthDate: '1980-02-03' }, 'PUT');
    await tx.write('Patient', 'p2', { resourceType: 'Patient', name: [{ family: 'Li', given: ['Na'] }], gender: 'female' }, 'PUT');
    await tx.write('Patient', 'p3', { resourceType: 'Patient', name: [{ text: '<script>alert(1)</script>' }] }, 'PUT');
  });
  const clock = { now: Date.now() };
  const throttle = new LoginThrottle({ maxFailuresPerUser: 3, baseDelayMs: 1000, now: () => clock.now });
  const app = express();
  app.use('/auth', createAuthorizeRouter({ auth, store, fhirBaseOf: () => FHIR, throttle, now: () => clock.now }));
  const launches = new SingleUseGrants<LaunchGrant>(store.auth, 'launch', LAUNCH_LIFETIME_SECONDS);
  return {
    app,
    store,
    auth,
    clock,
    launch: async (grant) => (await launches.issue(grant)).secret,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function authorizeParams(overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: 'growth-chart',
    redirect_uri: APP_CB,
    scope: 'launch/patient openid fhirUser offline_access patient/*.rs',
    state: 'st-123',
    aud: FHIR,
    code_challenge: s256Challenge(VERIFIER),
    code_challenge_method: 'S256',
    ...overrides,
  };
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out.append(k, v);
  return out;
}

/** The browser's side: the binding cookie and the pending request's id. */
export class Browser {
  cookie = '';
  requestId = '';

  constructor(private readonly app: express.Express) {}

  private remember(res: request.Response): void {
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const c = set.find((s) => s.startsWith('qiao_authz='));
    if (c) this.cookie = c.split(';')[0]!;
  }

  /** GET /auth/authorize; on success remembers the request id from the redirect. */
  async start(params: URLSearchParams): Promise<request.Response> {
    const res = await request(this.app).get(`/auth/authorize?${params}`).set('Cookie', this.cookie);
    this.remember(res);
    const m = /^\/auth\/authorize\/continue\?request=([A-Za-z0-9_-]+)$/.exec(String(res.headers.location ?? ''));
    if (m) this.requestId = m[1]!;
    return res;
  }

  page(query = ''): Promise<request.Response> {
    return request(this.app).get(`/auth/authorize/continue?request=${this.requestId}${query}`).set('Cookie', this.cookie);
  }

  post(step: string, fields: [string, string][]): Promise<request.Response> {
    const body = new URLSearchParams([['request', this.requestId], ...fields]).toString();
    return request(this.app)
      .post(`/auth/authorize/${step}`)
      .set('Cookie', this.cookie)
      .type('form')
      .send(body);
  }

  async login(username: string, password = PASSWORD): Promise<request.Response> {
    return this.post('login', [
      ['username', username],
      ['password', password],
    ]);
  }

  /** Posts the consent form with these scopes checked; returns the final redirect's URL. */
  async consent(scopes: string[], decision = 'allow'): Promise<URL> {
    const res = await this.post('consent', [...scopes.map((s): [string, string] => ['scope', s]), ['decision', decision]]);
    expect(res.status).toBe(303);
    return new URL(res.headers.location as string);
  }
}

/** The scopes the consent page offers, from its checkboxes. */
export function offeredScopes(html: string): string[] {
  return [...html.matchAll(/name="scope" value="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}
