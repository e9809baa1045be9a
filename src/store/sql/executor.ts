/**
 * How the shared SQL code (history, search) runs a compiled query on an adapter's connection. Each
 * adapter provides one: SQLite prepares once per distinct SQL text; PostgreSQL sends it to its pool
 * or to the open transaction's client.
 */
import type { CompiledSql } from './builder.js';
import type { SqlDialect } from './dialect.js';
import type { Tables } from './schema.js';
import type { StoredVersion, WriteMethod } from '../store.js';

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  all<T>(query: CompiledSql): Promise<T[]>;
}

export type VersionRow = Tables['resource_version'];

/** A version row (history, search) as the store contract's StoredVersion. */
export function toStored(row: Pick<VersionRow, 'type' | 'id' | 'version' | 'last_updated' | 'method' | 'deleted' | 'content'>): StoredVersion {
  return {
    type: row.type,
    id: row.id,
    versionId: row.version,
    lastUpdated: row.last_updated,
    method: row.method as WriteMethod,
    deleted: row.deleted === 1,
    json: row.content ?? undefined,
  };
}
