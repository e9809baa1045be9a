/**
 * Audit retention on every engine: purgeBefore removes AuditEvents written before the cutoff with all
 * their versions and index rows, and nothing else; pruneAuditEvents computes the cutoff from days.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pruneAuditEvents } from '../../src/audit/retention.js';
import { matchIds } from '../../src/interactions/conditional.js';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';
import { testEngines } from '../helpers/engines.js';
import { PG_URL } from '../helpers/postgres.js';

const { engines, cleanup } = testEngines();
const stores: ResourceStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
});
afterAll(cleanup);

const DAY = 24 * 60 * 60 * 1000;
const find = (store: ResourceStore, type: string, query: string) => matchIds(store, type, query, 'http://qiao.test/fhir', 100);

function auditEvent(n: number) {
  return {
    resourceType: 'AuditEvent',
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    action: 'R',
    recorded: new Date().toISOString(),
    agent: [{ requestor: true, who: { reference: `Practitioner/p${n}` } }],
    source: { observer: { display: 'test' } },
    entity: [{ what: { reference: 'Patient/a' } }],
  };
}

/** Index rows left for a type, counted straight in the database. */
async function indexRows(connection: string, type: string): Promise<number> {
  const tables = ['search_string', 'search_token', 'search_date', 'search_reference', 'search_uri'];
  if (connection.startsWith('sqlite:')) {
    const db = new Database(connection.slice('sqlite:'.length), { readonly: true });
    try {
      return tables.reduce((n, t) => n + (db.prepare(`SELECT count(*) AS n FROM ${t} WHERE type = ?`).get(type) as { n: number }).n, 0);
    } finally {
      db.close();
    }
  }
  const schema = new URL(connection).searchParams.get('schema')!;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    let n = 0;
    for (const t of tables) n += Number((await client.query(`SELECT count(*) AS n FROM "${schema}".${t} WHERE type = $1`, [type])).rows[0].n);
    return n;
  } finally {
    await client.end();
  }
}

for (const engine of engines) {
  describe.skipIf(engine.skip !== undefined)(`audit retention on ${engine.name}`, () => {
    it('removes old AuditEvents with their versions and index rows, and nothing else', async () => {
      const connection = engine.fresh('retention');
      const store = await openStore(connection);
      stores.push(store);
      await store.transaction(async (tx) => {
        for (let i = 0; i < 3; i++) await tx.write('AuditEvent', `old-${i}`, auditEvent(i), 'POST');
        await tx.write('Patient', 'a', { resourceType: 'Patient' }, 'PUT');
      });
      await store.transaction((tx) => tx.write('AuditEvent', 'old-0', auditEvent(9), 'PUT'));
      expect(await find(store, 'AuditEvent', 'action=R')).toHaveLength(3);
      expect(await indexRows(connection, 'AuditEvent')).toBeGreaterThan(0);

      // Retention of 30 days, as seen 29 days from now: nothing is old enough yet.
      expect(await pruneAuditEvents(store, 30, Date.now() + 29 * DAY)).toBe(0);
      expect(await find(store, 'AuditEvent', 'action=R')).toHaveLength(3);

      // ... and 31 days from now: all of them are.
      expect(await pruneAuditEvents(store, 30, Date.now() + 31 * DAY)).toBe(3);
      expect(await find(store, 'AuditEvent', 'action=R')).toHaveLength(0);
      expect(await store.read('AuditEvent', 'old-0')).toBeUndefined();
      expect(await store.vread('AuditEvent', 'old-0', 1)).toBeUndefined();
      expect((await store.history({ type: 'AuditEvent', count: 10 })).versions).toHaveLength(0);
      expect(await indexRows(connection, 'AuditEvent')).toBe(0);
      // Other types are untouched.
      expect((await store.read('Patient', 'a'))?.versionId).toBe(1);
      expect(await indexRows(connection, 'Patient')).toBeGreaterThanOrEqual(0);
      // The store keeps working: a new AuditEvent is written and found.
      await store.transaction((tx) => tx.write('AuditEvent', 'new', auditEvent(1), 'POST'));
      expect(await find(store, 'AuditEvent', 'action=R')).toEqual(['new']);
    });

    it('works through more than one batch', async () => {
      const store = await openStore(engine.fresh('retention-batches'));
      stores.push(store);
      await store.transaction(async (tx) => {
        for (let i = 0; i < 1203; i++) await tx.write('AuditEvent', `e${i}`, auditEvent(i), 'POST');
      });
      expect(await store.purgeBefore('AuditEvent', new Date(Date.now() + DAY).toISOString())).toBe(1203);
      expect((await store.history({ type: 'AuditEvent', count: 1 })).total).toBe(0);
    });
  });
}
