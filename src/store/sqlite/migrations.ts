/**
 * Versioned schema migrations for SQLite. Each runs once, in order, inside a transaction; the applied
 * versions are recorded in schema_migrations. A database newer than this code is refused.
 */
import type Database from 'better-sqlite3';
import { refuseNewer, type Migration } from '../sql/schema-version.js';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'versioned resources, current-version pointer, token index',
    sql: `
      -- Every version ever written, in commit order (seq); the JSON is stored once, here.
      CREATE TABLE resource_version (
        seq          INTEGER PRIMARY KEY,
        type         TEXT    NOT NULL,
        id           TEXT    NOT NULL,
        version      INTEGER NOT NULL,
        last_updated TEXT    NOT NULL,
        method       TEXT    NOT NULL,
        deleted      INTEGER NOT NULL,
        content      TEXT
      );
      CREATE UNIQUE INDEX resource_version_key ON resource_version(type, id, version);
      CREATE INDEX resource_version_type_seq ON resource_version(type, seq);
      CREATE INDEX resource_version_time ON resource_version(last_updated);

      -- The current version of each resource: a pointer into resource_version.
      CREATE TABLE resource (
        type    TEXT    NOT NULL,
        id      TEXT    NOT NULL,
        version INTEGER NOT NULL,
        seq     INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        PRIMARY KEY (type, id)
      ) WITHOUT ROWID;

      -- Token search index of current versions (conditional create and references need identifier).
      CREATE TABLE token_index (
        type   TEXT NOT NULL,
        id     TEXT NOT NULL,
        param  TEXT NOT NULL,
        system TEXT,
        code   TEXT
      );
      CREATE INDEX token_index_lookup ON token_index(type, param, code, system);
      CREATE INDEX token_index_owner ON token_index(type, id);
    `,
  },
  {
    version: 2,
    description: 'stable integer resource keys; typed search index tables; full-text index',
    sql: `
      -- resource gains rid, a stable integer key the index tables refer to (smaller and faster to join than
      -- type+id), and last_updated for _lastUpdated and sorting.
      CREATE TABLE resource_v2 (
        rid          INTEGER PRIMARY KEY,
        type         TEXT    NOT NULL,
        id           TEXT    NOT NULL,
        version      INTEGER NOT NULL,
        seq          INTEGER NOT NULL,
        deleted      INTEGER NOT NULL,
        last_updated TEXT    NOT NULL
      );
      INSERT INTO resource_v2 (type, id, version, seq, deleted, last_updated)
        SELECT r.type, r.id, r.version, r.seq, r.deleted, v.last_updated
        FROM resource r JOIN resource_version v ON v.seq = r.seq ORDER BY r.seq;
      DROP TABLE resource;
      ALTER TABLE resource_v2 RENAME TO resource;
      CREATE UNIQUE INDEX resource_key ON resource(type, id);
      CREATE INDEX resource_type_updated ON resource(type, last_updated);

      -- One table per kind of indexed value (search/types.ts). Rows describe the current version only.
      -- grp links the components of one composite value.
      CREATE TABLE search_string (rid INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, norm TEXT NOT NULL, exact TEXT NOT NULL, grp INTEGER);
      CREATE INDEX search_string_value ON search_string(type, param, norm);
      CREATE INDEX search_string_owner ON search_string(rid);

      CREATE TABLE search_token (rid INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, system TEXT, code TEXT, text TEXT, grp INTEGER);
      CREATE INDEX search_token_value ON search_token(type, param, code, system);
      CREATE INDEX search_token_owner ON search_token(rid);

      CREATE TABLE search_date (rid INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, grp INTEGER);
      CREATE INDEX search_date_start ON search_date(type, param, start);
      CREATE INDEX search_date_end ON search_date(type, param, end);
      CREATE INDEX search_date_owner ON search_date(rid);

      CREATE TABLE search_number (rid INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL, grp INTEGER);
      CREATE INDEX search_number_value ON search_number(type, param, value);
      CREATE INDEX search_number_owner ON search_number(rid);

      CREATE TABLE search_quantity (
        rid INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
        value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL, system TEXT, code TEXT, unit TEXT,
        canonical_value REAL, canonical_low REAL, canonical_high REAL, canonical_code TEXT, grp INTEGER
      );
      CREATE INDEX search_quantity_value ON search_quantity(type, param, code, value);
      CREATE INDEX search_quantity_canonical ON search_quantity(type, param, canonical_code, canonical_value);
      CREATE INDEX search_quantity_owner ON search_quantity(rid);

      CREATE TABLE search_reference (
        rid INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
        target_type TEXT, target_id TEXT, target_version TEXT, url TEXT, identifier_system TEXT, identifier_value TEXT, grp INTEGER
      );
      CREATE INDEX search_reference_value ON search_reference(type, param, target_id, target_type);
      -- _revinclude and _has start from the target.
      CREATE INDEX search_reference_target ON search_reference(target_id, target_type);
      CREATE INDEX search_reference_url ON search_reference(type, param, url);
      CREATE INDEX search_reference_owner ON search_reference(rid);

      CREATE TABLE search_uri (rid INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, value TEXT NOT NULL, grp INTEGER);
      CREATE INDEX search_uri_value ON search_uri(type, param, value);
      CREATE INDEX search_uri_owner ON search_uri(rid);

      -- _text (narrative) and _content (all text) with FTS5; rowid = rid.
      CREATE VIRTUAL TABLE search_text USING fts5(narrative, content, tokenize = 'unicode61 remove_diacritics 2');

      -- The identifier tokens of version 1 carry over; everything else comes from \`qiao reindex\`.
      INSERT INTO search_token (rid, type, param, system, code)
        SELECT r.rid, t.type, t.param, t.system, t.code FROM token_index t JOIN resource r ON r.type = t.type AND r.id = t.id;
      DROP TABLE token_index;
    `,
  },
  {
    version: 3,
    description: 'full text without positions (FTS5 detail=column)',
    // Why: _text and _content search for words (each a prefix term), never phrases, so term positions
    // are never read; keeping them cost about a quarter of the ingest time (measured on Synthea).
    sql: `
      CREATE VIRTUAL TABLE search_text_v3 USING fts5(narrative, content, tokenize = 'unicode61 remove_diacritics 2', detail = 'column');
      INSERT INTO search_text_v3 (rowid, narrative, content) SELECT rowid, narrative, content FROM search_text;
      DROP TABLE search_text;
      ALTER TABLE search_text_v3 RENAME TO search_text;
    `,
  },
  {
    version: 4,
    description: 'no reference index by target alone',
    // Why: every search that follows references backwards (_has, _revinclude, compartments) knows the
    // referring type and parameter, so (type, param, target_id, target_type) serves it; the index by
    // target alone cost a B-tree update per reference on every write.
    sql: `DROP INDEX search_reference_target;`,
  },
  {
    version: 5,
    description: 'records of the authorization server (store/auth-records.ts)',
    sql: `
      CREATE TABLE auth_record (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER, PRIMARY KEY (kind, key)) WITHOUT ROWID;
      CREATE INDEX auth_record_expiry ON auth_record(expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
  {
    version: 6,
    description: 'durable queue of Subscription notifications (store/notification-queue.ts)',
    sql: `
      CREATE TABLE subscription_notification (
        nid          INTEGER PRIMARY KEY,
        subscription TEXT    NOT NULL,
        type         TEXT    NOT NULL,
        id           TEXT    NOT NULL,
        version      INTEGER NOT NULL,
        payload      TEXT    NOT NULL,
        attempts     INTEGER NOT NULL,
        next_attempt INTEGER NOT NULL,
        lease_until  INTEGER,
        last_error   TEXT,
        created_at   INTEGER NOT NULL
      );
      CREATE INDEX subscription_notification_due ON subscription_notification(next_attempt);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Brings the database to SCHEMA_VERSION; returns the versions applied (none when it was current). */
export function migrate(db: Database.Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT NOT NULL)`);
  const row = db.prepare(`SELECT MAX(version) AS v FROM schema_migrations`).get() as { v: number | null };
  const current = row.v ?? 0;
  refuseNewer(current, SCHEMA_VERSION);
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    applied.push(m.version);
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare(`INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)`).run(
        m.version,
        m.description,
        new Date().toISOString(),
      );
    })();
  }
  return applied;
}
