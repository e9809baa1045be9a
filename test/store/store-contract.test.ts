/**
 * The store contract, on every engine: versions, tombstones, history, atomicity, isolation and what one
 * connection sees of another's commits. SQLite always; PostgreSQL when QIAO_TEST_PG is set, each store
 * in a schema of its own.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { matchIds } from '../../src/interactions/conditional.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';
import { testEngines } from '../helpers/engines.js';

const { engines, cleanup } = testEngines();
const stores: ResourceStore[] = [];

/** A store on a new database, or on the one a connection string names (another connection to it). */
async function opened(connection: string) {
  const store = await openStore(connection);
  stores.push(store);
  return { store, connection };
}

/** Ids of live resources matching a search query (the conditional-criteria path through store.search). */
const find = (store: ResourceStore, type: string, query: string) => matchIds(store, type, query, 'http://qiao.test/fhir', 10);
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
});
afterAll(cleanup);

for (const engine of engines) {
  const open = (connection?: string) => opened(connection ?? engine.fresh());
  describe.skipIf(engine.skip !== undefined)(`the store contract on ${engine.name}`, () => {
    if (engine.skip) console.warn(engine.skip);

    it('writes a new version on every write and keeps history, with server-managed meta', async () => {
      const { store } = await open();
      await store.transaction((tx) => tx.write('Patient', 'a', { resourceType: 'Patient', meta: { versionId: '99' } }, 'PUT'));
      await store.transaction((tx) => tx.write('Patient', 'a', { resourceType: 'Patient', gender: 'male' }, 'PUT'));
      const current = await store.read('Patient', 'a');
      expect(current?.versionId).toBe(2);
      const parsed = JSON.parse(current!.json!);
      expect(parsed.meta.versionId).toBe('2');
      expect(parsed.meta.lastUpdated).toBe(current!.lastUpdated);
      expect(Object.keys(parsed).slice(0, 3)).toEqual(['resourceType', 'id', 'meta']);
      const v1 = await store.vread('Patient', 'a', 1);
      expect(JSON.parse(v1!.json!).meta.versionId).toBe('1');
    });

    it('deletes as a versioned tombstone that history keeps', async () => {
      const { store } = await open();
      await store.transaction((tx) => tx.write('Patient', 'a', { resourceType: 'Patient' }, 'PUT'));
      await store.transaction((tx) => tx.write('Patient', 'a', null, 'DELETE'));
      const current = await store.read('Patient', 'a');
      expect(current).toMatchObject({ versionId: 2, deleted: true, method: 'DELETE' });
      expect(current!.json).toBeUndefined();
      const page = await store.history({ type: 'Patient', id: 'a', count: 10 });
      expect(page.versions.map((v) => [v.versionId, v.deleted])).toEqual([[2, true], [1, false]]);
      expect(await find(store, 'Patient', '_id=a')).toEqual([]);
    });

    it('rolls back every write of a failed transaction', async () => {
      const { store } = await open();
      await expect(
        store.transaction(async (tx) => {
          await tx.write('Patient', 'a', { resourceType: 'Patient', identifier: [{ system: 's', value: 'v' }] }, 'POST');
          await tx.write('Patient', 'b', { resourceType: 'Patient' }, 'POST');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.read('Patient', 'a')).toBeUndefined();
      expect(await store.read('Patient', 'b')).toBeUndefined();
      expect(await find(store, 'Patient', 'identifier=s|v')).toEqual([]);
      expect((await store.history({ count: 10 })).total).toBe(0);
    });

    it('serialises concurrent transactions so none sees another half-done', async () => {
      const { store } = await open();
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.transaction(async (tx) => {
            const cur = await tx.read('Basic', 'counter');
            await new Promise((r) => setTimeout(r, 1));
            await tx.write('Basic', 'counter', { resourceType: 'Basic', code: { text: String(cur ? cur.versionId + 1 : 1) } }, 'PUT');
          }),
        ),
      );
      const cur = await store.read('Basic', 'counter');
      expect(cur?.versionId).toBe(20);
      expect(JSON.parse(cur!.json!).code.text).toBe('20');
    });

    it('pages history newest first with a cursor that stays valid while writes continue', async () => {
      const { store } = await open();
      for (let i = 0; i < 7; i++) await store.transaction((tx) => tx.write('Patient', `p${i}`, { resourceType: 'Patient' }, 'POST'));
      const first = await store.history({ count: 3 });
      expect(first.versions.map((v) => v.id)).toEqual(['p6', 'p5', 'p4']);
      await store.transaction((tx) => tx.write('Patient', 'late', { resourceType: 'Patient' }, 'POST'));
      const second = await store.history({ count: 3, cursor: first.next });
      expect(second.versions.map((v) => v.id)).toEqual(['p3', 'p2', 'p1']);
      const third = await store.history({ count: 3, cursor: second.next });
      expect(third.versions.map((v) => v.id)).toEqual(['p0']);
      expect(third.next).toBeUndefined();
    });

    it('filters history by _since and finds by identifier tokens', async () => {
      const { store } = await open();
      await store.transaction((tx) => tx.write('Patient', 'old', { resourceType: 'Patient' }, 'POST'));
      const since = new Date(Date.now() + 5).toISOString();
      await new Promise((r) => setTimeout(r, 10));
      await store.transaction((tx) =>
        tx.write('Patient', 'new', { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: '7' }] }, 'POST'),
      );
      const page = await store.history({ since, count: 10 });
      expect(page.versions.map((v) => v.id)).toEqual(['new']);
      expect(await find(store, 'Patient', 'identifier=urn:mrn|7')).toEqual(['new']);
      expect(await find(store, 'Patient', 'identifier=7')).toEqual(['new']);
      expect(await find(store, 'Patient', 'identifier=other|7')).toEqual([]);
    });

    it('keeps committed data across reopening the database', async () => {
      const { store, connection } = await open();
      await store.transaction((tx) => tx.write('Patient', 'a', { resourceType: 'Patient' }, 'PUT'));
      await store.close();
      const reopened = (await open(connection)).store;
      expect((await reopened.read('Patient', 'a'))?.versionId).toBe(1);
    });

    it('shows every committed write to the reads that follow it, within one event-loop turn too', async () => {
      const { store } = await open();
      await store.transaction((tx) => tx.write('Patient', 'a', { resourceType: 'Patient' }, 'PUT'));
      // Reads share a snapshot within a turn; a commit in the same turn must end it.
      expect((await store.read('Patient', 'a'))?.versionId).toBe(1);
      await store.transaction((tx) => tx.write('Patient', 'a', { resourceType: 'Patient', gender: 'male' }, 'PUT'));
      expect((await store.read('Patient', 'a'))?.versionId).toBe(2);
      expect((await store.history({ type: 'Patient', id: 'a', count: 10 })).total).toBe(2);
    });

    it('shows writes made by another connection (another process, on PostgreSQL) from the next turn on', async () => {
      const { store, connection } = await open();
      await store.transaction((tx) => tx.write('Patient', 'a', { resourceType: 'Patient' }, 'PUT'));
      expect((await store.read('Patient', 'a'))?.versionId).toBe(1);
      const { store: other } = await open(connection);
      await other.transaction((tx) => tx.write('Patient', 'a', { resourceType: 'Patient', gender: 'female' }, 'PUT'));
      await new Promise((resolve) => setImmediate(resolve));
      expect((await store.read('Patient', 'a'))?.versionId).toBe(2);
    });
  });
}
