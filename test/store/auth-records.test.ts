/**
 * The authorization server's records (src/store/auth-records.ts) on both engines: expiry hides a
 * record from every method, take() and insertNew() are single-winner under concurrency — across two
 * stores on one database, as two server processes would be on PostgreSQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { storesClosedAfterEach, testEngines } from '../helpers/engines.js';

const { engines, cleanup } = testEngines();
const open = storesClosedAfterEach();
afterAll(cleanup);

for (const engine of engines) {
  describe.skipIf(engine.skip !== undefined)(`auth records on ${engine.name}`, () => {
    if (engine.skip) console.warn(engine.skip);

    it('stores, replaces, lists and deletes records; expired ones are absent', async () => {
      const { auth } = await open(engine.fresh());
      await auth.put('client', 'app-b', '{"id":"app-b"}');
      await auth.put('client', 'app-a', '{"id":"app-a"}');
      await auth.put('client', 'app-a', '{"id":"app-a","v":2}');
      await auth.put('client', 'gone', '{}', Date.now() - 1);
      expect(await auth.get('client', 'app-a')).toBe('{"id":"app-a","v":2}');
      expect(await auth.get('client', 'gone')).toBeUndefined();
      expect(await auth.get('user', 'app-a')).toBeUndefined();
      expect((await auth.list('client')).map((r) => r.key)).toEqual(['app-a', 'app-b']);
      expect(await auth.delete('client', 'app-b')).toBe(true);
      expect(await auth.delete('client', 'app-b')).toBe(false);
      expect(await auth.purgeExpired()).toBe(1);
      expect((await auth.list('client')).map((r) => r.key)).toEqual(['app-a']);
    });

    it('take() hands a record out once, never an expired one', async () => {
      const { auth } = await open(engine.fresh());
      await auth.put('code', 'c1', 'ctx', Date.now() + 60_000);
      await auth.put('code', 'old', 'ctx', Date.now() - 1);
      expect(await auth.take('code', 'c1')).toBe('ctx');
      expect(await auth.take('code', 'c1')).toBeUndefined();
      expect(await auth.take('code', 'old')).toBeUndefined();
    });

    it('insertNew() is refused while an unexpired record has the key, allowed once it expired', async () => {
      const { auth } = await open(engine.fresh());
      expect(await auth.insertNew('jti', 'app/1', '', Date.now() + 60_000)).toBe(true);
      expect(await auth.insertNew('jti', 'app/1', '', Date.now() + 60_000)).toBe(false);
      await auth.put('jti', 'app/2', '', Date.now() - 1);
      expect(await auth.insertNew('jti', 'app/2', '', Date.now() + 60_000)).toBe(true);
    });

    it('has exactly one winner when two stores race to take a code or record a jti', async () => {
      const connection = engine.fresh();
      const [a, b] = [await open(connection), await open(connection)];
      for (let round = 0; round < 20; round++) {
        await a.auth.put('code', `c${round}`, 'ctx', Date.now() + 60_000);
        const takes = await Promise.all([a, b, a, b].map((s) => s.auth.take('code', `c${round}`)));
        expect(takes.filter((t) => t === 'ctx')).toHaveLength(1);
        const inserts = await Promise.all([a, b, a, b].map((s) => s.auth.insertNew('jti', `j${round}`, '', Date.now() + 60_000)));
        expect(inserts.filter(Boolean)).toHaveLength(1);
      }
    });

    it('a write through one store is read at once through another', async () => {
      const connection = engine.fresh();
      const [a, b] = [await open(connection), await open(connection)];
      await a.auth.put('revoked', 'jti-1', '1', Date.now() + 60_000);
      expect(await b.auth.get('revoked', 'jti-1')).toBe('1');
      await b.auth.delete('revoked', 'jti-1');
      expect(await a.auth.get('revoked', 'jti-1')).toBeUndefined();
    });
  });
}
