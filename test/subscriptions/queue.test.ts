/**
 * The notification queue (src/store/notification-queue.ts) on both engines: rows commit or roll back
 * with the write's transaction, claims lease rows so that two stores on one database (two server
 * processes) never both get one, retries wait for their time, and rows survive closing the store.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { storesClosedAfterEach, testEngines } from '../helpers/engines.js';

const { engines, cleanup } = testEngines();
const open = storesClosedAfterEach();
afterAll(cleanup);

const row = (id: string) => ({ subscription: 'sub1', type: 'Observation', id, version: 1, payload: 'full-resource' });

for (const engine of engines) {
  describe.skipIf(engine.skip !== undefined)(`notification queue on ${engine.name}`, () => {
    if (engine.skip) console.warn(engine.skip);

    it('queues in the transaction: committed rows stay, rolled-back rows never appear', async () => {
      const db = engine.fresh();
      const store = await open(db);
      await store.transaction((tx) => tx.enqueueNotifications([row('a'), row('b')]));
      await expect(
        store.transaction(async (tx) => {
          await tx.enqueueNotifications([row('c')]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await store.notifications.pending()).toBe(2);
      await store.close();
      const again = await open(db);
      const claimed = await again.notifications.claim(10, 60_000);
      expect(claimed.map((n) => n.id)).toEqual(['a', 'b']);
      expect(claimed[0]).toMatchObject({ subscription: 'sub1', type: 'Observation', version: 1, payload: 'full-resource', attempts: 0 });
    });

    it('leases claimed rows: a second claimer gets none until the lease or a retry releases them', async () => {
      const db = engine.fresh();
      const one = await open(db);
      const two = engine.name === 'PostgreSQL' ? await open(db) : one;
      await one.transaction((tx) => tx.enqueueNotifications([row('a'), row('b'), row('c'), row('d')]));
      const [x, y] = await Promise.all([one.notifications.claim(3, 60_000), two.notifications.claim(3, 60_000)]);
      const ids = [...x, ...y].map((n) => n.id).sort();
      expect(ids).toEqual(['a', 'b', 'c', 'd']);
      expect(await one.notifications.claim(10, 60_000)).toEqual([]);
      const a = [...x, ...y].find((n) => n.id === 'a')!;
      await one.notifications.retry(a.nid, 1, Date.now() + 60_000, 'HTTP 500');
      expect(await two.notifications.claim(10, 60_000)).toEqual([]);
      await one.notifications.retry(a.nid, 2, Date.now() - 1, 'HTTP 503');
      expect(await two.notifications.claim(10, 60_000)).toMatchObject([{ id: 'a', attempts: 2, lastError: 'HTTP 503' }]);
      for (const n of [...x, ...y]) await one.notifications.remove(n.nid);
      expect(await one.notifications.pending()).toBe(0);
    });

    it('lets a row whose lease ran out be claimed again (its worker died)', async () => {
      const store = await open(engine.fresh());
      await store.transaction((tx) => tx.enqueueNotifications([row('a')]));
      expect(await store.notifications.claim(10, 1)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.notifications.claim(10, 60_000)).toHaveLength(1);
    });
  });
}
