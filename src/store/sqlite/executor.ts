/** Runs the shared SQL (history, search) on one SQLite connection, preparing each distinct SQL text once. */
import type Database from 'better-sqlite3';
import type { CompiledSql } from '../sql/builder.js';
import { sqliteDialect } from '../sql/dialect.js';
import type { SqlExecutor } from '../sql/executor.js';

/** Prepared statements kept per connection; the cache starts over beyond this (search shapes vary without end). */
const MAX_STATEMENTS = 500;

export class SqliteExecutor implements SqlExecutor {
  readonly dialect = sqliteDialect;
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}

  async all<T>(query: CompiledSql): Promise<T[]> {
    let st = this.statements.get(query.sql);
    if (!st) {
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      st = this.db.prepare(query.sql);
      this.statements.set(query.sql, st);
    }
    return st.all(...query.parameters) as T[];
  }
}
