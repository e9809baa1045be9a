/**
 * Opens the store named by a connection string, migrating its schema: `sqlite:./data/qiao.db`,
 * `sqlite::memory:`, or `postgres://user@host:5432/db[?schema=name&pool=n]` (also `postgresql://`).
 */
import { badRequest } from '../fhir/errors.js';
import { extractIndexRows } from '../search/extract/extract.js';
import type { ResourceStore } from './store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PostgresStore } from './postgres/pg-store.js';

export async function openStore(connection: string): Promise<ResourceStore> {
  if (connection.startsWith('sqlite:')) {
    return SqliteStore.open({ filename: connection.slice('sqlite:'.length), extractor: extractIndexRows });
  }
  if (connection.startsWith('postgres://') || connection.startsWith('postgresql://')) {
    return PostgresStore.open({ connection, extractor: extractIndexRows });
  }
  throw badRequest(`Unsupported database '${connection.split(':')[0]}': use sqlite:PATH or postgres://user@host:5432/db`);
}
