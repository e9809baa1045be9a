/**
 * `qiao client` and `qiao user` on a database file, as an operator runs them beside a server: what
 * they store is what the authorization server reads (secrets only as hashes), and bad input is
 * refused with a message naming the field, storing nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { Clients } from '../../src/auth/clients.js';
import { verifyPassword } from '../../src/auth/password.js';
import { Users } from '../../src/auth/users.js';
import { openStore } from '../../src/store/open-store.js';
import { runCli } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'qiao-admin-'));
const db = `sqlite:${join(dir, 'q.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stored<T>(fn: (s: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('qiao client', () => {
  it('registers a symmetric client with a generated secret, printed once and stored hashed', async () => {
    const res = await runCli(['client', 'add', '--db', db, '--id', 'backend-a', '--type', 'confidential-symmetric', '--scope', 'system/*.rs']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const secret = /client secret \(shown once, store it now\): (\S+)/.exec(res.stdout)![1];
    const client = await stored((s) => new Clients(s.auth).get('backend-a'));
    expect(client).toMatchObject({ id: 'backend-a', type: 'confidential-symmetric', scope: 'system/*.rs' });
    expect(JSON.stringify(client)).not.toContain(secret);
    expect(await verifyPassword(secret, client!.secretHash)).toBe(true);
    const list = await runCli(['client', 'list', '--db', db]);
    expect(list.stdout).toContain('"id":"backend-a"');
    expect(list.stdout).not.toContain('secretHash');
  });

  it('registers a public app and an asymmetric client from a JWKS file', async () => {
    const pub = await runCli(['client', 'add', '--db', db, '--id', 'app', '--type', 'public', '--redirect-uri', 'http://localhost:9000/cb', 'https://app.example.org/cb', '--scope', 'launch/patient openid fhirUser patient/*.rs']);
    expect(pub.code, pub.stderr).toBe(0);
    const { publicKey } = await generateKeyPair('RS384');
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS384' }] }));
    const asym = await runCli(['client', 'add', '--db', db, '--id', 'bulk', '--type', 'confidential-asymmetric', '--jwks', jwksFile, '--scope', 'system/*.rs']);
    expect(asym.code, asym.stderr).toBe(0);
    const [app, bulk] = await stored((s) => Promise.all([new Clients(s.auth).get('app'), new Clients(s.auth).get('bulk')]));
    expect(app!.redirectUris).toEqual(['http://localhost:9000/cb', 'https://app.example.org/cb']);
    expect(bulk!.jwks!.keys[0]).toMatchObject({ kid: 'k1', kty: 'RSA' });
  });

  it('refuses an invalid registration, naming the problem, and stores nothing', async () => {
    const res = await runCli(['client', 'add', '--db', db, '--id', 'bad', '--type', 'public', '--redirect-uri', 'http://evil.example.org/cb', '--scope', 'patient/*.rs']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^qiao: redirectUris\[0\]: /);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(await stored((s) => new Clients(s.auth).get('bad'))).toBeUndefined();
  });

  it('removes a client', async () => {
    expect((await runCli(['client', 'remove', '--db', db, 'app'])).code).toBe(0);
    expect(await stored((s) => new Clients(s.auth).get('app'))).toBeUndefined();
    expect((await runCli(['client', 'remove', '--db', db, 'app'])).stderr).toMatch(/no client 'app'/);
  });
});

describe('qiao user', () => {
  it('adds a user with the password from standard input, stored as a scrypt hash', async () => {
    const res = await runCli(['user', 'add', '--db', db, '--username', 'dr.wang', '--password-stdin', '--fhir-user', 'Practitioner/wang'], 'correct horse battery\n');
    expect(res.code, res.stderr).toBe(0);
    const user = await stored((s) => new Users(s.auth).get('dr.wang'));
    expect(user!.fhirUser).toBe('Practitioner/wang');
    expect(user!.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse battery', user!.passwordHash)).toBe(true);
    const list = await runCli(['user', 'list', '--db', db]);
    expect(list.stdout.trim()).toBe('{"username":"dr.wang","fhirUser":"Practitioner/wang"}');
  });

  it('refuses an empty password and a bad fhirUser', async () => {
    const empty = await runCli(['user', 'add', '--db', db, '--username', 'x', '--password-stdin', '--fhir-user', 'Patient/p1'], '\n');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty/);
    const bad = await runCli(['user', 'add', '--db', db, '--username', 'x', '--password-stdin', '--fhir-user', 'Observation/o1'], 'pw-long-enough\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/fhirUser/);
    expect(await stored((s) => new Users(s.auth).get('x'))).toBeUndefined();
  });
});
