/** One batch of ResourceStore.purgeBefore on the SQLite writer connection, inside the caller's transaction. */
import type Database from 'better-sqlite3';
import { sqliteDialect } from '../sql/dialect.js';
import { purgeCandidates, purgeStatements } from '../sql/purge.js';

/** Resources removed per transaction: writers wait at most a few tens of ms. */
export const PURGE_BATCH = 500;

export function purgeBatch(db: Database.Database, type: string, before: string): number {
  const candidates = purgeCandidates(sqliteDialect, type, before, PURGE_BATCH);
  const rows = db.prepare(candidates.sql).all(...candidates.parameters) as { rid: number; id: string }[];
  if (!rows.length) return 0;
  for (const q of purgeStatements(sqliteDialect, type, rows)) db.prepare(q.sql).run(...q.parameters);
  return rows.length;
}
