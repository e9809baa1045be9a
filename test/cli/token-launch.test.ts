/**
 * `qiao serve` secure by default, `qiao token`, `qiao launch` and the admin API, against a running server
 * process (issue 5 items 5 and 6): the first start creates the keys and says how to get a token; the
 * token printed is all of stdout and works on the FHIR API; launches name a real user and patient.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authUrls } from '../../src/auth/auth-server.js';
import { launchGrants } from '../../src/auth/launch.js';
import { openStore } from '../../src/store/open-store.js';
import { runCli, spawnServer, type ServerProcess } from '../helpers/process.js';
import { expectOutcome } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'qiao-token-cli-'));
const db = `sqlite:${join(dir, 'q.db')}`;
const keysDir = join(dir, 'keys');
let server: ServerProcess;
let admin: string;

beforeAll(async () => {
  server = await spawnServer(db, ['--auth', 'smart', '--keys-dir', keysDir]);
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dir, { recursive: true, force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

describe('qiao serve (auth on by default) and qiao token', () => {
  it('creates signing keys on first start and says how to get a token', () => {
    expect(server.output()).toMatch(/Created new token signing keys in .*keys/);
    expect(server.output()).toMatch(/qiao token --scope/);
    expect(server.output()).not.toMatch(/AUTH IS OFF/);
  });

  it('prints only a token on stdout, and the token works on the FHIR API', async () => {
    const res = await runCli(['token', '--keys-dir', keysDir, '--base-url', server.fhirBase, '--db', db]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    admin = res.stdout.trim();
    const claims = JSON.parse(Buffer.from(admin.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ scope: 'system/*.*', aud: server.fhirBase, client_id: 'qiao-cli' });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(300);
    const created = await fetch(`${server.fhirBase}/Patient/launch-me`, {
      method: 'PUT',
      headers: bearer(admin),
      body: JSON.stringify({ resourceType: 'Patient', id: 'launch-me' }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${server.fhirBase}/Patient`)).status).toBe(401);
  });

  it('refuses patient/ scopes, bad lifetimes and missing keys, with a message', async () => {
    const patient = await runCli(['token', '--keys-dir', keysDir, '--scope', 'patient/*.rs']);
    expect(patient.code).not.toBe(0);
    expect(patient.stdout).toBe('');
    expect(patient.stderr).toMatch(/system\/ scopes only/);
    const lifetime = await runCli(['token', '--keys-dir', keysDir, '--lifetime', '7200']);
    expect(lifetime.stderr).toMatch(/--lifetime must be/);
    const nokeys = await runCli(['token', '--keys-dir', join(dir, 'nowhere')]);
    expect(nokeys.stderr).toMatch(/no signing keys/);
  });
});

describe('the admin API', () => {
  it('needs an admin token', async () => {
    const url = `${authUrls(server.fhirBase).issuer}/admin/users`;
    expect((await fetch(url)).status).toBe(401);
    const narrow = (await runCli(['token', '--keys-dir', keysDir, '--base-url', server.fhirBase, '--scope', 'system/Patient.rs'])).stdout.trim();
    const res = await fetch(url, { headers: bearer(narrow) });
    expect(res.status).toBe(403);
    expectOutcome(await res.json(), { code: 'forbidden' });
  });

  it('adds users and clients, and refuses bad input with an OperationOutcome', async () => {
    const issuer = authUrls(server.fhirBase).issuer;
    const user = await fetch(`${issuer}/admin/users`, {
      method: 'POST',
      headers: bearer(admin),
      body: JSON.stringify({ username: 'dr.wang', password: 'correct horse battery', fhirUser: 'Practitioner/wang' }),
    });
    expect(user.status).toBe(201);
    expect(JSON.stringify(await user.json())).not.toContain('correct horse');
    const client = await fetch(`${issuer}/admin/clients`, {
      method: 'POST',
      headers: bearer(admin),
      body: JSON.stringify({ id: 'chart', type: 'confidential-symmetric', redirectUris: ['https://app.example.org/cb'], scope: 'launch user/*.rs' }),
    });
    expect(client.status).toBe(201);
    const body = (await client.json()) as Record<string, unknown>;
    expect(typeof body.secret).toBe('string');
    expect(body.secretHash).toBeUndefined();
    const listed = (await (await fetch(`${issuer}/admin/clients`, { headers: bearer(admin) })).json()) as { id: string }[];
    expect(listed.map((c) => c.id)).toContain('chart');
    const bad = await fetch(`${issuer}/admin/users`, { method: 'POST', headers: bearer(admin), body: JSON.stringify({ username: 'x', password: 'p', fhirUser: 'Nobody/1' }) });
    expect(bad.status).toBe(400);
    expectOutcome(await bad.json(), { diagnostics: /fhirUser/ });
    const malformed = await fetch(`${issuer}/admin/users`, { method: 'POST', headers: bearer(admin), body: '{' });
    expect(malformed.status).toBe(400);
  });
});

describe('qiao launch', () => {
  it('creates a launch context for a user and patient and prints the app launch URL', async () => {
    const res = await runCli(['launch', '--db', db, '--base-url', server.fhirBase, '--patient', 'launch-me', '--user', 'dr.wang', '--app', 'https://app.example.org/launch']);
    expect(res.stderr).toBe('');
    const url = new URL(res.stdout.trim());
    expect(url.origin + url.pathname).toBe('https://app.example.org/launch');
    expect(url.searchParams.get('iss')).toBe(server.fhirBase);
    const launch = url.searchParams.get('launch')!;
    const store = await openStore(db);
    try {
      expect(await launchGrants(store.auth).peek(launch)).toEqual({
        username: 'dr.wang',
        context: { patient: 'launch-me', need_patient_banner: false, smart_style_url: `${authUrls(server.fhirBase).issuer}/smart-style.json` },
      });
      const style = await fetch(`${authUrls(server.fhirBase).issuer}/smart-style.json`);
      expect(style.headers.get('access-control-allow-origin')).toBe('*');
      expect(await style.json()).toMatchObject({ color_background: expect.any(String), font_family_body: expect.any(String) });
    } finally {
      await store.close();
    }
  });

  it('refuses an unknown patient or user', async () => {
    const patient = await runCli(['launch', '--db', db, '--patient', 'nobody', '--user', 'dr.wang']);
    expect(patient.code).not.toBe(0);
    expect(patient.stderr).toMatch(/no Patient\/nobody/);
    const user = await runCli(['launch', '--db', db, '--patient', 'launch-me', '--user', 'ghost']);
    expect(user.stderr).toMatch(/no user 'ghost'/);
  });

  it('is offered by the admin API too', async () => {
    const res = await fetch(`${authUrls(server.fhirBase).issuer}/admin/launch`, {
      method: 'POST',
      headers: bearer(admin),
      body: JSON.stringify({ user: 'dr.wang', patient: 'launch-me', encounter: 'e1' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ iss: server.fhirBase, launch: expect.any(String) });
  });
});

describe('--auth off', () => {
  it('warns loudly at start and on first use', async () => {
    const open = await spawnServer(`sqlite:${join(dir, 'open.db')}`, ['--auth', 'off']);
    try {
      expect(open.output()).toMatch(/AUTH IS OFF/);
      expect((await fetch(`${open.fhirBase}/Patient`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(open.output().match(/AUTH IS OFF/g)!.length).toBeGreaterThanOrEqual(2);
    } finally {
      open.child.kill('SIGTERM');
      await open.exited;
    }
  });
});
