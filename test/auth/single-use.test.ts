/** Codes, refresh tokens and launch contexts as single-use, expiring database records; revocations; assertion replay. */
import { afterEach, describe, expect, it } from 'vitest';
import { AssertionReplay, Revocations } from '../../src/auth/revocations.js';
import { secretKey } from '../../src/auth/secrets.js';
import { SingleUseGrants } from '../../src/auth/single-use.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';

const stores: ResourceStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
async function store(): Promise<ResourceStore> {
  const s = await openStore('sqlite::memory:');
  stores.push(s);
  return s;
}

describe('single-use grants', () => {
  it('redeem once; a second or concurrent redemption gets nothing', async () => {
    const { auth } = await store();
    const codes = new SingleUseGrants<{ client: string }>(auth, 'code', 60);
    const { secret } = await codes.issue({ client: 'app' });
    const results = await Promise.all([codes.redeem(secret), codes.redeem(secret), codes.redeem(secret)]);
    expect(results.filter((r) => r !== undefined)).toEqual([{ client: 'app' }]);
    expect(await codes.redeem(secret)).toBeUndefined();
  });

  it('an expired grant cannot be redeemed', async () => {
    const { auth } = await store();
    const codes = new SingleUseGrants<string>(auth, 'code', 60);
    const before = Date.now();
    const { secret, expiresAt } = await codes.issue('ctx', 0.02);
    expect(expiresAt - before).toBeGreaterThanOrEqual(20);
    expect(expiresAt - before).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 40));
    expect(await codes.redeem(secret)).toBeUndefined();
  });

  it('stores only a hash of the secret, never the secret itself', async () => {
    const { auth } = await store();
    const codes = new SingleUseGrants<string>(auth, 'code', 60);
    const { secret } = await codes.issue('ctx');
    const keys = (await auth.list('code')).map((r) => r.key);
    expect(keys).toEqual([secretKey(secret)]);
    expect(keys).not.toContain(secret);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('peek leaves the grant in place; revoke removes it', async () => {
    const { auth } = await store();
    const launches = new SingleUseGrants<{ patient: string }>(auth, 'launch', 3600);
    const { secret } = await launches.issue({ patient: 'p1' });
    expect(await launches.peek(secret)).toEqual({ patient: 'p1' });
    expect(await launches.peek(secret)).toEqual({ patient: 'p1' });
    expect(await launches.revoke(secret)).toBe(true);
    expect(await launches.peek(secret)).toBeUndefined();
  });
});

describe('revocations and assertion replay', () => {
  it('a revoked jti is revoked until its expiry, others are not', async () => {
    const { auth } = await store();
    const revocations = new Revocations(auth);
    await revocations.revoke('jti-1', Date.now() + 60_000);
    await revocations.revoke('jti-old', Date.now() - 1);
    expect(await revocations.isRevoked('jti-1')).toBe(true);
    expect(await revocations.isRevoked('jti-2')).toBe(false);
    expect(await revocations.isRevoked('jti-old')).toBe(false);
  });

  it('a client assertion jti is accepted once per client', async () => {
    const { auth } = await store();
    const replay = new AssertionReplay(auth);
    const exp = Date.now() + 60_000;
    expect(await replay.seen('app-1', 'j1', exp)).toBe(false);
    expect(await replay.seen('app-1', 'j1', exp)).toBe(true);
    expect(await replay.seen('app-2', 'j1', exp)).toBe(false);
  });
});
