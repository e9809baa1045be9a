/**
 * Baseline A: the same resources written with better-sqlite3 directly, no FHIR logic. It does the least
 * any store of these Bundles must: parse the Bundle text, serialise each resource back to JSON text and
 * insert (type, id, json), one transaction per Bundle, with Qiao's durability settings (WAL,
 * synchronous=FULL). POST entries get a fresh UUID like a server-assigned id; PUT entries keep theirs.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { PreparedBundle } from './synthea.js';

export interface RawIngestResult {
  resources: number;
  seconds: number;
  /** Per-Bundle wall time, ms. */
  latencies: number[];
}

interface Entry {
  resource?: { resourceType?: string; id?: string };
  request?: { method?: string; url?: string };
}

export function rawSqliteIngest(file: string, bundles: PreparedBundle[]): RawIngestResult {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -65536');
  db.exec(`CREATE TABLE resource (type TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (type, id))`);
  const insert = db.prepare(`INSERT OR REPLACE INTO resource (type, id, json) VALUES (?, ?, ?)`);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const latencies: number[] = [];
  let resources = 0;
  const t0 = performance.now();
  for (const b of bundles) {
    const start = performance.now();
    const entries = (JSON.parse(b.json) as { entry?: Entry[] }).entry ?? [];
    begin.run();
    for (const e of entries) {
      const r = e.resource!;
      const id = e.request?.method === 'PUT' ? e.request.url!.split('/')[1] : randomUUID();
      r.id = id;
      insert.run(r.resourceType, id, JSON.stringify(r));
    }
    commit.run();
    resources += entries.length;
    latencies.push(performance.now() - start);
  }
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return { resources, seconds, latencies };
}
