/** Opens the store named by a connection string: `sqlite:./data/qiao.db`, `sqlite::memory:`. */
import { badRequest } from '../fhir/errors.js';
import { extractIndexRows } from '../search/extract/extract.js';
import type { ResourceStore } from './store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export function openStore(connection: string): ResourceStore {
  if (connection.startsWith('sqlite:')) {
    return SqliteStore.open({ filename: connection.slice('sqlite:'.length), extractor: extractIndexRows });
  }
  throw badRequest(`Unsupported database '${connection.split(':')[0]}': use sqlite:PATH (PostgreSQL arrives with its adapter)`);
}
