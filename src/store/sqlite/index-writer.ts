/**
 * Writes a resource's search index rows (search/types.ts IndexRows) into the typed index tables, and
 * removes them when a new version replaces the old one. Runs inside the write transaction, so the
 * index always describes exactly the committed current versions. Statements are prepared once.
 */
import type Database from 'better-sqlite3';
import type { IndexRows } from '../../search/types.js';

export interface IndexWriter {
  remove(rid: number): void;
  insert(rid: number, type: string, rows: IndexRows): void;
}

const TABLES = ['search_string', 'search_token', 'search_date', 'search_number', 'search_quantity', 'search_reference', 'search_uri'];

export function prepareIndexWriter(db: Database.Database): IndexWriter {
  const removes = TABLES.map((t) => db.prepare(`DELETE FROM ${t} WHERE rid = ?`));
  const removeText = db.prepare(`DELETE FROM search_text WHERE rowid = ?`);
  const string = db.prepare(`INSERT INTO search_string (rid, type, param, norm, exact, grp) VALUES (?, ?, ?, ?, ?, ?)`);
  const token = db.prepare(`INSERT INTO search_token (rid, type, param, system, code, text, grp) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const date = db.prepare(`INSERT INTO search_date (rid, type, param, start, end, grp) VALUES (?, ?, ?, ?, ?, ?)`);
  const number = db.prepare(`INSERT INTO search_number (rid, type, param, value, low, high, grp) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const quantity = db.prepare(
    `INSERT INTO search_quantity (rid, type, param, value, low, high, system, code, unit, canonical_value, canonical_low, canonical_high, canonical_code, grp)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const reference = db.prepare(
    `INSERT INTO search_reference (rid, type, param, target_type, target_id, target_version, url, identifier_system, identifier_value, grp)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const uri = db.prepare(`INSERT INTO search_uri (rid, type, param, value, grp) VALUES (?, ?, ?, ?, ?)`);
  const text = db.prepare(`INSERT INTO search_text (rowid, narrative, content) VALUES (?, ?, ?)`);

  return {
    remove(rid) {
      for (const r of removes) r.run(rid);
      removeText.run(rid);
    },
    insert(rid, type, rows) {
      for (const r of rows.strings) string.run(rid, type, r.param, r.norm, r.exact, r.group ?? null);
      for (const r of rows.tokens) token.run(rid, type, r.param, r.system, r.code, r.text ?? null, r.group ?? null);
      for (const r of rows.dates) date.run(rid, type, r.param, r.start, r.end, r.group ?? null);
      for (const r of rows.numbers) number.run(rid, type, r.param, r.value, r.low, r.high, r.group ?? null);
      for (const r of rows.quantities) {
        quantity.run(rid, type, r.param, r.value, r.low, r.high, r.system, r.code, r.unit, r.canonicalValue, r.canonicalLow, r.canonicalHigh, r.canonicalCode, r.group ?? null);
      }
      for (const r of rows.references) {
        reference.run(rid, type, r.param, r.targetType, r.targetId, r.targetVersion, r.url, r.identifierSystem, r.identifierValue, r.group ?? null);
      }
      for (const r of rows.uris) uri.run(rid, type, r.param, r.value, r.group ?? null);
      if (rows.text !== null || rows.content !== null) text.run(rid, rows.text ?? '', rows.content ?? '');
    },
  };
}
