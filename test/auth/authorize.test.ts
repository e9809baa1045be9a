/**
 * /auth/authorize over HTTP (the router on a bare express app): the pages a browser walks through, the
 * code they end in redeemed at the token endpoint, and every refusal the spec asks for.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleTokenRequest } from '../../src/auth/token-endpoint.js';
import { APP_CB, authorizeFixture, authorizeParams, Browser, FHIR, offeredScopes, VERIFIER, type Fixture } from './authorize-fixture.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await authorizeFixture();
});
afterAll(async () => {
  await fx.close();
});

async function redeem(code: string, verifier = VERIFIER) {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: APP_CB, code_verifier: verifier, client_id: 'growth-chart' });
  return handleTokenRequest({ form, contentType: 'application/x-www-form-urlencoded' }, fx.auth.tokenDeps(FHIR));
}

/** Login as `username`, expecting the redirect back to the step page. */
async function loggedIn(browser: Browser, username: string): Promise<void> {
  const res = await browser.login(username);
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(`/auth/authorize/continue?request=${browser.requestId}`);
}

describe('authorize: standalone launch', () => {
  it('logs in, picks a patient, consents, redirects with code and state, and the code redeems', async () => {
    const b = new Browser(fx.app);
    const start = await b.start(authorizeParams());
    expect(start.status).toBe(302);
    expect(b.requestId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(String(start.headers['set-cookie'])).toMatch(/qiao_authz=[A-Za-z0-9_-]{43}; Path=\/auth\/authorize; HttpOnly; SameSite=Lax/);

    const login = await b.page();
    expect(login.status).toBe(200);
    expect(login.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(login.headers['content-security-policy']).toContain("default-src 'none'");
    expect(login.headers['x-frame-options']).toBe('DENY');
    expect(login.headers['cache-control']).toBe('no-store');
    expect(login.text).toContain('<html lang="en">');
    expect(login.text).toContain('<label for="password">');
    expect(login.text).not.toMatch(/<script/i);
    // The client's name is escaped.
    expect(login.text).toContain('Growth &lt;Chart&gt;');

    await loggedIn(b, 'dr.wang');
    const picker = await b.page();
    expect(picker.text).toContain('Choose a patient');
    expect(picker.text).toContain('Zhang, Wei');
    expect(picker.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(picker.text).not.toContain('<script>');
    const searched = await b.page('&name=zha');
    expect(searched.text).toContain('Zhang, Wei');
    expect(searched.text).not.toContain('Li, Na');
    expect(searched.text).toContain('value="zha"');

    // Not a listed patient: refused, the picker shown again.
    expect((await b.post('patient', [['patient', 'nobody']])).status).toBe(400);
    const picked = await b.post('patient', [['patient', 'p1']]);
    expect(picked.status).toBe(303);

    const consent = await b.page();
    expect(consent.text).toContain('Allow access?');
    expect(consent.text).toContain('Zhang, Wei (id p1)');
    expect(consent.headers['content-security-policy']).toContain("form-action 'self' https://app.example.org");
    expect(offeredScopes(consent.text)).toEqual(['launch/patient', 'openid', 'fhirUser', 'offline_access', 'patient/*.rs']);

    const back = await b.consent(offeredScopes(consent.text));
    expect(back.origin + back.pathname).toBe(APP_CB);
    expect(back.searchParams.get('state')).toBe('st-123');
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const token = await redeem(code);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', patient: 'p1', need_patient_banner: true, scope: 'launch/patient openid fhirUser offline_access patient/*.rs' });
    expect(token.body).toHaveProperty('id_token');
    expect(token.body).toHaveProperty('refresh_token');

    // The pending request is over: its pages are gone, and the code is single use.
    expect((await b.page()).status).toBe(400);
    expect((await redeem(code)).status).toBe(400);
  });

  it('leaves a deselected scope out of the code', async () => {
    const b = new Browser(fx.app);
    await b.start(authorizeParams());
    await loggedIn(b, 'dr.wang');
    await b.post('patient', [['patient', 'p2']]);
    const back = await b.consent(['launch/patient', 'patient/*.rs', 'user/*.rs']);
    const token = await redeem(back.searchParams.get('code')!);
    // offline_access deselected (no refresh token); user/*.rs was never shown, so a forged box adds nothing.
    expect(token.body).toMatchObject({ scope: 'launch/patient patient/*.rs', patient: 'p2' });
    expect(token.body).not.toHaveProperty('refresh_token');
    expect(token.body).not.toHaveProperty('id_token');
  });

  it('skips the picker for a patient user, who is their own context', async () => {
    const b = new Browser(fx.app);
    await b.start(authorizeParams());
    await loggedIn(b, 'li.na');
    const consent = await b.page();
    expect(consent.text).toContain('Allow access?');
    expect(consent.text).toContain('Li, Na (id p2)');
    const back = await b.consent(offeredScopes(consent.text));
    expect((await redeem(back.searchParams.get('code')!)).body).toMatchObject({ patient: 'p2' });
  });

  it('redirects with access_denied and the state on Deny', async () => {
    const b = new Browser(fx.app);
    await b.start(authorizeParams());
    await loggedIn(b, 'li.na');
    const back = await b.consent([], 'deny');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-123');
    expect(back.searchParams.has('code')).toBe(false);
  });

  it('echoes an odd state exactly, and keeps the registered query of the redirect_uri', async () => {
    const state = 'a b&c=d?e/f+g%20h#i"j<k>é😀';
    const b = new Browser(fx.app);
    await b.start(authorizeParams({ state, redirect_uri: 'https://app.example.org/cb2?tenant=a%20b' }));
    await loggedIn(b, 'li.na');
    const res = await b.post('consent', [['scope', 'patient/*.rs'], ['decision', 'allow']]);
    const location = res.headers.location as string;
    expect(location.startsWith('https://app.example.org/cb2?tenant=a%20b&code=')).toBe(true);
    expect(new URL(location).searchParams.get('state')).toBe(state);
  });

  it('accepts the authorization request as a POST form (SMART: GET or POST)', async () => {
    const res = await request(fx.app).post('/auth/authorize').type('form').send(authorizeParams().toString());
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/auth\/authorize\/continue\?request=/);
  });
});

describe('authorize: requests that are refused', () => {
  it.each([
    ['an unknown client', { client_id: 'nobody' }, /not registered/],
    ['a missing client_id', { client_id: undefined }, /client_id is missing/],
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example.org/cb' }, /not one registered/],
    ['a redirect_uri differing only in a trailing slash', { redirect_uri: `${APP_CB}/` }, /not one registered/],
    ['a missing redirect_uri', { redirect_uri: undefined }, /redirect_uri is missing/],
  ])('shows an error page, never redirecting, for %s', async (_what, overrides, message) => {
    const res = await request(fx.app).get(`/auth/authorize?${authorizeParams(overrides)}`);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toMatch(message);
    expect(res.text).not.toContain('evil.example.org');
  });

  async function errorOf(overrides: Record<string, string | undefined>, extra = ''): Promise<URL> {
    const res = await request(fx.app).get(`/auth/authorize?${authorizeParams(overrides)}${extra}`);
    expect(res.status).toBe(302);
    const url = new URL(res.headers.location as string);
    expect(url.origin + url.pathname).toBe(APP_CB);
    expect(url.searchParams.has('code')).toBe(false);
    return url;
  }

  it.each([
    ['another aud', { aud: 'https://other.example.org/fhir' }, 'invalid_request', /aud/],
    ['no aud', { aud: undefined }, 'invalid_request', /aud/],
    ['no code_challenge', { code_challenge: undefined }, 'invalid_request', /PKCE/],
    ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'invalid_request', /S256/],
    ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request', /S256/],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type', /code/],
    ['no scope', { scope: undefined }, 'invalid_scope', /scope/],
    ['only scopes the client may not have', { scope: 'system/*.rs' }, 'invalid_scope', /allowed/],
    ['an unknown launch', { launch: 'no-such-launch' }, 'invalid_request', /launch/],
  ])('redirects with an error for %s', async (_what, overrides, error, description) => {
    const url = await errorOf(overrides);
    expect(url.searchParams.get('error')).toBe(error);
    expect(url.searchParams.get('error_description')).toMatch(description);
    expect(url.searchParams.get('state')).toBe('st-123');
  });

  it('accepts the aud with a trailing slash', async () => {
    const res = await request(fx.app).get(`/auth/authorize?${authorizeParams({ aud: `${FHIR}/` })}`);
    expect(res.headers.location).toMatch(/^\/auth\/authorize\/continue/);
  });

  it('refuses a repeated parameter, and requires state', async () => {
    const repeated = await errorOf({}, '&scope=openid');
    expect(repeated.searchParams.get('error')).toBe('invalid_request');
    expect(repeated.searchParams.get('error_description')).toMatch(/scope/);
    const stateless = await errorOf({ state: undefined });
    expect(stateless.searchParams.get('error')).toBe('invalid_request');
    expect(stateless.searchParams.has('state')).toBe(false);
  });

  it('refuses every step without the browser cookie the request was bound to', async () => {
    const b = new Browser(fx.app);
    await b.start(authorizeParams());
    const stranger = new Browser(fx.app);
    stranger.requestId = b.requestId;
    expect((await stranger.page()).status).toBe(400);
    const res = await stranger.login('dr.wang');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/another browser/);
    // The owner's own flow is unaffected.
    expect((await b.page()).text).toContain('Sign in');
  });
});

describe('authorize: login', () => {
  it('answers a wrong password and an unknown user with the same generic message', async () => {
    const b = new Browser(fx.app);
    await b.start(authorizeParams());
    const wrong = await b.login('nurse.chen', 'not the password');
    const unknown = await b.login('no.such.user', 'whatever');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(200);
      expect(res.text).toContain('The username or password is incorrect.');
      expect(res.text).toContain('role="alert"');
    }
    // Past the throttle's window: the failures are forgotten for the next test.
    fx.clock.now += 16 * 60_000;
  });

  it('slows repeated failures, then locks the username out (429) even for the right password', async () => {
    const b = new Browser(fx.app);
    await b.start(authorizeParams());
    expect((await b.login('nurse.chen', 'guess-1')).status).toBe(200);
    const slowed = await b.login('nurse.chen', 'guess-2');
    expect(slowed.status).toBe(429);
    expect(slowed.headers['retry-after']).toBe('1');
    expect(slowed.text).toMatch(/wait 1 second/);
    fx.clock.now += 1000;
    expect((await b.login('nurse.chen', 'guess-2')).status).toBe(200);
    fx.clock.now += 2000;
    expect((await b.login('nurse.chen', 'guess-3')).status).toBe(200);
    fx.clock.now += 60_000;
    const locked = await b.login('nurse.chen');
    expect(locked.status).toBe(429);
    expect(locked.text).toMatch(/locked/);
    // Another user at the same address is not held up.
    await loggedIn(b, 'dr.wang');
    fx.clock.now += 16 * 60_000;
  });
});

describe('authorize: EHR launch', () => {
  it('takes the context from the launch and shows no picker', async () => {
    const launch = await fx.launch({ username: 'dr.wang', context: { patient: 'p1', encounter: 'e1' } });
    const b = new Browser(fx.app);
    await b.start(authorizeParams({ launch, scope: 'launch openid fhirUser patient/*.rs' }));
    await loggedIn(b, 'dr.wang');
    const consent = await b.page();
    expect(consent.text).toContain('Allow access?');
    expect(consent.text).toContain('Zhang, Wei (id p1)');
    const back = await b.consent(offeredScopes(consent.text));
    const token = await redeem(back.searchParams.get('code')!);
    expect(token.body).toMatchObject({ patient: 'p1', encounter: 'e1', scope: 'launch openid fhirUser patient/*.rs' });
    expect(token.body).not.toHaveProperty('need_patient_banner');
  });

  it('refuses a user other than the one the launch is for', async () => {
    const launch = await fx.launch({ username: 'dr.wang', context: { patient: 'p1' } });
    const b = new Browser(fx.app);
    await b.start(authorizeParams({ launch, scope: 'launch patient/*.rs' }));
    const res = await b.login('li.na');
    expect(res.status).toBe(303);
    const url = new URL(res.headers.location as string);
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe('st-123');
    expect(url.searchParams.has('code')).toBe(false);
  });
});
