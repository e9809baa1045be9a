/**
 * Versioned schema migrations for SQLite. Each runs once, in order, inside a transaction; the applied
 * versions are recorded in schema_migrations. A database newer than this code is refused.
 */
import type Database from 'better-sqlite3';

export const MIGRATIONS: { version: number; description: string; sql: string }[] = [
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
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT NOT NULL)`);
  const row = db.prepare(`SELECT MAX(version) AS v FROM schema_migrations`).get() as { v: number | null };
  const current = row.v ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The database schema is version ${current}, newer than this Qiao understands (${SCHEMA_VERSION}). Upgrade Qiao before using this database.`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare(`INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)`).run(
        m.version,
        m.description,
        new Date().toISOString(),
      );
    })();
  }
}
