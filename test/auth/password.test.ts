/** scrypt password hashes: salted, self-describing, checked in constant time; empty passwords never work. */
import { scrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from '../../src/auth/password.js';
import { OperationOutcomeError } from '../../src/fhir/errors.js';

describe('passwords', () => {
  it('are stored as scrypt$N$r$p$salt$hash and verify only with the same password', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, hash] = stored.split('$');
    expect([scheme, Number(N), Number(r), Number(p)]).toEqual(['scrypt', SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p]);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(32);
    expect(stored).not.toContain('horse');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
  });

  it('get a fresh salt each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('compare Unicode in one normal form', async () => {
    const stored = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('must not be empty', async () => {
    const err = await hashPassword('').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationOutcomeError);
    expect((err as OperationOutcomeError).status).toBe(400);
    expect(await verifyPassword('', await hashPassword('x'))).toBe(false);
  });

  it('fail for unknown users and unreadable stored strings, after a real check', async () => {
    const start = performance.now();
    expect(await verifyPassword('anything', undefined)).toBe(false);
    // The dummy check does the same scrypt work, so unknown users are not answered instantly.
    expect(performance.now() - start).toBeGreaterThan(5);
    const good = await hashPassword('pw');
    const [, N, r, p, salt, hash] = good.split('$');
    const broken = [
      '',
      'pw',
      `bcrypt$${N}$${r}$${p}$${salt}$${hash}`,
      `scrypt$${N}$${r}$${p}$${salt}`,
      `scrypt$1000$${r}$${p}$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${hash}`, // N beyond the bound
      `scrypt$${N}$0$${p}$${salt}$${hash}`,
      `scrypt$${N}$${r}$${p}$${salt}$***`,
      `scrypt$${N}$${r}$${p}$$${hash}`,
    ];
    for (const stored of broken) expect(await verifyPassword('pw', stored), stored).toBe(false);
  });

  it('honour the parameters recorded in the stored string, and say when they are below today’s', async () => {
    const current = await hashPassword('pw');
    expect(needsRehash(current)).toBe(false);
    // A hash made with weaker parameters, built the way an older Qiao would have.
    const salt = Buffer.alloc(16, 7);
    const hash = await new Promise<Buffer>((resolve, reject) =>
      scrypt('pw', salt, 32, { N: 1024, r: 8, p: 1 }, (err, key) => (err ? reject(err) : resolve(key))),
    );
    const older = `scrypt$1024$8$1$${salt.toString('base64url')}$${hash.toString('base64url')}`;
    expect(await verifyPassword('pw', older)).toBe(true);
    expect(await verifyPassword('pW', older)).toBe(false);
    expect(needsRehash(older)).toBe(true);
    expect(needsRehash('garbage')).toBe(true);
  });
});
