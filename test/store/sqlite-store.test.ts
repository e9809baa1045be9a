/** What only the SQLite adapter has: its migrations from older schemas and its refusal of newer ones. (The store contract: store-contract.test.ts.) */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { matchIds } from '../../src/interactions/conditional.js';
import { extractIndexRows } from '../../src/search/extract/extract.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import type { ResourceStore } from '../../src/store/store.js';

const stores: ResourceStore[] = [];
function fileStore(filename = join(mkdtempSync(join(tmpdir(), 'qiao-store-')), 'q.db')) {
  const s = SqliteStore.open({ filename, extractor: extractIndexRows });
  stores.push(s);
  return { store: s, filename };
}
/** Ids of live resources matching a search query (the conditional-criteria path through store.search). */
const find = (store: ResourceStore, type: string, query: string) => matchIds(store, type, query, 'http://qiao.test/fhir', 10);
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
});

describe('SqliteStore', () => {
  it('refuses a database whose schema is newer than this code', async () => {
    const { store, filename } = fileStore();
    await store.close();
    const raw = new Database(filename);
    raw.prepare(`INSERT INTO schema_migrations (version, description, applied_at) VALUES (999, 'future', 'now')`).run();
    raw.close();
    expect(() => SqliteStore.open({ filename, extractor: extractIndexRows })).toThrow(/newer than this Qiao understands/);
  });
  it('migrates a version-1 database: resources keep their versions, identifier tokens carry over', async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'qiao-store-')), 'v1.db');
    const raw = new Database(filename);
    raw.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT NOT NULL)`);
    raw.exec(MIGRATIONS[0].sql);
    raw.prepare(`INSERT INTO schema_migrations VALUES (1, 'v1', 'then')`).run();
    const json = JSON.stringify({ resourceType: 'Patient', id: 'old', meta: { versionId: '2', lastUpdated: '2025-01-02T00:00:00.000Z' } });
    raw.prepare(`INSERT INTO resource_version (seq, type, id, version, last_updated, method, deleted, content) VALUES (1, 'Patient', 'old', 1, '2025-01-01T00:00:00.000Z', 'PUT', 0, '{}')`).run();
    raw.prepare(`INSERT INTO resource_version (seq, type, id, version, last_updated, method, deleted, content) VALUES (2, 'Patient', 'old', 2, '2025-01-02T00:00:00.000Z', 'PUT', 0, ?)`).run(json);
    raw.prepare(`INSERT INTO resource (type, id, version, seq, deleted) VALUES ('Patient', 'old', 2, 2, 0)`).run();
    raw.prepare(`INSERT INTO token_index (type, id, param, system, code) VALUES ('Patient', 'old', 'identifier', 'urn:sys', 'v1')`).run();
    raw.close();
    const { store } = fileStore(filename);
    expect((await store.read('Patient', 'old'))?.versionId).toBe(2);
    expect(await find(store, 'Patient', 'identifier=urn:sys|v1')).toEqual(['old']);
    await store.transaction((tx) => tx.write('Patient', 'old', { resourceType: 'Patient' }, 'PUT'));
    expect(await find(store, 'Patient', 'identifier=v1')).toEqual([]);
  });

});
