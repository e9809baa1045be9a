/** The signing-key file: created once with owner-only permissions, reloaded unchanged, refused when unsafe or damaged. */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  KEY_FILE,
  loadOrCreateSigningKeys,
  newestSigningKey,
  publicJwks,
  saveSigningKeys,
  SigningKeyFileError,
} from '../../src/auth/keys.js';

const posix = process.platform !== 'win32';
const tempDir = () => mkdtempSync(join(tmpdir(), 'qiao-keys-'));

describe('signing keys', () => {
  it('creates an RS256 key on first use, in a 0700 directory and a 0600 file', async () => {
    const dir = join(tempDir(), 'data', 'nested');
    const keys = await loadOrCreateSigningKeys(dir);
    expect(keys.keys.map((k) => k.alg)).toEqual(['RS256']);
    expect(keys.keys[0].kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys.keys[0].publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    if (posix) {
      expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
    // No temp file is left behind.
    expect(readdirSync(dir)).toEqual([KEY_FILE]);
  });

  it('reloads the same keys on later calls', async () => {
    const dir = tempDir();
    const first = await loadOrCreateSigningKeys(dir, { es384: true });
    const second = await loadOrCreateSigningKeys(dir, { es384: true });
    expect(second.keys.map((k) => [k.kid, k.alg])).toEqual(first.keys.map((k) => [k.kid, k.alg]));
    expect(second.keys[0].privateKey.equals(first.keys[0].privateKey)).toBe(true);
  });

  it('agrees on one file when several callers create it at once', async () => {
    const dir = tempDir();
    const all = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateSigningKeys(dir)));
    const onDisk = await loadOrCreateSigningKeys(dir);
    for (const keys of all) expect(keys.keys[0].kid).toBe(onDisk.keys[0].kid);
  });

  it('adds an ES384 P-384 key when asked, keeping the existing RSA key', async () => {
    const dir = tempDir();
    const rsaOnly = await loadOrCreateSigningKeys(dir);
    const both = await loadOrCreateSigningKeys(dir, { es384: true });
    expect(both.keys.map((k) => k.alg).sort()).toEqual(['ES384', 'RS256']);
    expect(newestSigningKey(both, 'RS256')?.kid).toBe(rsaOnly.keys[0].kid);
    expect(newestSigningKey(both, 'ES384')?.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect((await loadOrCreateSigningKeys(dir)).keys).toHaveLength(2);
  });

  it('publishes only public parts, with kid, alg and use', async () => {
    const keys = await loadOrCreateSigningKeys(tempDir(), { es384: true });
    const jwks = publicJwks(keys);
    expect(jwks.keys).toHaveLength(2);
    for (const [i, jwk] of jwks.keys.entries()) {
      expect(jwk).toMatchObject({ kid: keys.keys[i].kid, alg: keys.keys[i].alg, use: 'sig' });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwk).not.toHaveProperty(secret);
    }
  });

  it('keeps rotated keys in order, newest first, and signs with the newest of an algorithm', async () => {
    const dir = tempDir();
    const old = await loadOrCreateSigningKeys(dir);
    const rotated = { keys: [await generateSigningKey('RS256'), ...old.keys] };
    saveSigningKeys(dir, rotated);
    const reloaded = await loadOrCreateSigningKeys(dir);
    expect(reloaded.keys.map((k) => k.kid)).toEqual(rotated.keys.map((k) => k.kid));
    expect(newestSigningKey(reloaded, 'RS256')?.kid).toBe(rotated.keys[0].kid);
    expect(newestSigningKey(reloaded, 'ES384')).toBeUndefined();
    if (posix) expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it.skipIf(!posix)('refuses a key file other users can read', async () => {
    const dir = tempDir();
    await loadOrCreateSigningKeys(dir);
    chmodSync(join(dir, KEY_FILE), 0o644);
    await expect(loadOrCreateSigningKeys(dir)).rejects.toThrow(/readable by other users.*chmod 600/);
  });

  it('refuses damaged files without echoing key material', async () => {
    const dir = tempDir();
    const file = join(dir, KEY_FILE);
    await loadOrCreateSigningKeys(dir);
    const good = JSON.parse(readFileSync(file, 'utf8'));
    const write = (text: string) => writeFileSync(file, text, { mode: 0o600 });
    const cases: [string, RegExp][] = [
      ['{', /not valid JSON/],
      [JSON.stringify({ ...good, keys: [] }), /at least one key/],
      [JSON.stringify({ ...good, version: 2 }), /version 1/],
      [JSON.stringify({ ...good, keys: [{ ...good.keys[0], jwk: { ...good.keys[0].jwk, kid: 'made-up' } }] }), /thumbprint/],
      [JSON.stringify({ ...good, keys: [{ ...good.keys[0], jwk: { ...good.keys[0].jwk, alg: 'HS256' } }] }), /no supported alg/],
      [JSON.stringify({ ...good, keys: [{ ...good.keys[0], jwk: { ...good.keys[0].jwk, alg: 'ES384' } }] }), /does not fit ES384/],
      [JSON.stringify({ ...good, keys: [{ ...good.keys[0], jwk: { ...good.keys[0].jwk, d: undefined } }] }), /not a private key/],
    ];
    for (const [text, message] of cases) {
      write(text);
      const err = await loadOrCreateSigningKeys(dir).then(() => undefined, (e: unknown) => e);
      expect(err, text.slice(0, 40)).toBeInstanceOf(SigningKeyFileError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain(good.keys[0].jwk.d);
    }
  });
});
