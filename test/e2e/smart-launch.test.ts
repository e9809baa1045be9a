/**
 * SMART App Launch end to end (issue 5 item 8): a real SMART app (fhirclient's browser build, the library
 * most SMART apps use) in headless Chromium, against a server started with auth on. The browser walks our
 * login, patient picker and consent pages by their labels, as a user would; the app then exchanges the
 * code with PKCE, reads the patient in context and refreshes its token. Two launches: standalone by a
 * practitioner (who picks the patient), and EHR (context from `qiao launch`, no picker).
 *
 * Needs /usr/bin/chromium: without it the suite is skipped with a note, except under CI, where it fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientRegistration } from '../../src/auth/client-registration.js';
import { createLaunch } from '../../src/auth/launch.js';
import { hashPassword } from '../../src/auth/password.js';
import { Users } from '../../src/auth/users.js';
import { startSecuredServer, type SecuredServer } from '../helpers/auth.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: the SMART launch end-to-end test needs Chromium in CI`);
  console.warn(`skipping test/e2e/smart-launch.test.ts: ${CHROMIUM} is not installed`);
}

const CLIENT_ID = 'e2e-smart-app';
const PASSWORD = 'a long enough test password';
const APP_DIR = join(import.meta.dirname, 'smart-app');
const FHIR_CLIENT_JS = join(import.meta.dirname, '../../node_modules/fhirclient/build/fhir-client.js');

/** The app's static files on an ephemeral loopback port (http on 127.0.0.1 is a secure context: WebCrypto works). */
async function serveApp(): Promise<{ server: Server; url: string }> {
  const files: Record<string, string> = {
    '/launch.html': join(APP_DIR, 'launch.html'),
    '/index.html': join(APP_DIR, 'index.html'),
    '/fhir-client.js': FHIR_CLIENT_JS,
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files[path];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!HAVE_CHROMIUM)('SMART App Launch with fhirclient in Chromium', () => {
  let s: SecuredServer;
  let app: { server: Server; url: string };
  let browser: Browser;

  beforeAll(async () => {
    s = await startSecuredServer();
    const probe = await fetch(`${s.server.url}/auth/authorize`, { redirect: 'manual' });
    if (probe.status === 404) throw new Error('/auth/authorize answers 404: createAuthorizeRouter is not mounted in src/http/app.ts');
    app = await serveApp();
    const auth = s.server.auth.server!;
    await auth.clients.put(
      await createClientRegistration({
        id: CLIENT_ID,
        name: 'E2E test app',
        type: 'public',
        redirectUris: [`${app.url}/index.html`],
        scope: 'launch launch/patient openid fhirUser offline_access patient/*.rs',
      }),
    );
    const users = new Users(auth.records);
    await users.put({ username: 'dr.wang', passwordHash: await hashPassword(PASSWORD), fhirUser: 'Practitioner/wang' });
    await s.server.store.transaction(async (tx) => {
      await tx.write('Practitioner', 'wang', { resourceType: 'Practitioner', name: [{ family: 'Wang' }] }, 'PUT');
      await tx.write('Patient', 'p1', { resourceType: 'Patient', name: [{ family: 'Zhang', given: ['Wei'] }], birthDate: '1980-02-03' }, 'PUT');
      await tx.write('Patient', 'p2', { resourceType: 'Patient', name: [{ family: 'Li', given: ['Na'] }] }, 'PUT');
      await tx.write('Encounter', 'e1', { resourceType: 'Encounter', status: 'in-progress', class: { code: 'AMB' }, subject: { reference: 'Patient/p1' } }, 'PUT');
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.server.close(resolve));
    await s?.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.waitForURL(/\/auth\/authorize\/continue/);
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    await page.getByLabel('Username').fill('dr.wang');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function allow(page: Page): Promise<void> {
    await page.waitForURL(/\/auth\/authorize\/continue/);
    expect(await page.locator('h1').textContent()).toBe('Allow access?');
    // Every requested scope is offered, checked.
    const boxes = page.getByRole('checkbox');
    expect(await boxes.count()).toBeGreaterThan(0);
    for (const box of await boxes.all()) expect(await box.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Allow' }).click();
  }

  async function appResult(page: Page): Promise<Record<string, unknown>> {
    await page.waitForURL((url) => url.pathname === '/index.html');
    const result = page.locator('#result');
    await result.filter({ hasText: /\S/ }).waitFor({ timeout: 20_000 });
    const text = (await result.textContent()) ?? '';
    expect(text).not.toMatch(/^ERROR/);
    return JSON.parse(text) as Record<string, unknown>;
  }

  it('standalone launch: a practitioner logs in, picks the patient, consents; the app reads the patient and refreshes', async () => {
    const page = await browser.newPage();
    try {
      const scope = 'launch/patient openid fhirUser offline_access patient/*.rs';
      const launchUrl = `${app.url}/launch.html?${new URLSearchParams({ iss: s.server.fhirBase, clientId: CLIENT_ID, scope })}`;
      await page.goto(launchUrl);
      await signIn(page);

      await page.waitForURL(/\/auth\/authorize\/continue/);
      expect(await page.locator('h1').textContent()).toBe('Choose a patient');
      await page.getByLabel('Patient name').fill('Zhang');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByLabel(/Zhang, Wei/).check();
      await page.getByRole('button', { name: 'Continue' }).click();

      await allow(page);
      const result = await appResult(page);
      expect(result).toMatchObject({
        patient: 'p1',
        family: 'Zhang',
        tokenPatient: 'p1',
        // fhirclient shortens the id_token's absolute fhirUser URL to Type/id.
        fhirUser: 'Practitioner/wang',
        needPatientBanner: true,
        refreshed: true,
        readAfterRefresh: 'p1',
      });
    } finally {
      await page.close();
    }
  });

  it('EHR launch: the context comes from the launch, no picker; the app reads the patient and refreshes', async () => {
    const auth = s.server.auth.server!;
    const scope = 'launch openid fhirUser offline_access patient/*.rs';
    const launch = await createLaunch(
      auth.records,
      s.server.fhirBase,
      { username: 'dr.wang', patient: 'p1', encounter: 'e1', appLaunchUrl: `${app.url}/launch.html?${new URLSearchParams({ clientId: CLIENT_ID, scope })}` },
      s.server.store,
    );
    const page = await browser.newPage();
    try {
      await page.goto(launch.url!);
      await signIn(page);
      await allow(page);
      const result = await appResult(page);
      expect(result).toMatchObject({ patient: 'p1', tokenPatient: 'p1', encounter: 'e1', refreshed: true, readAfterRefresh: 'p1' });
      expect(String(result.scope).split(' ')).toContain('launch');
    } finally {
      await page.close();
    }
  });
});
