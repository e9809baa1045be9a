/**
 * The database engines a test runs on: SQLite always, PostgreSQL when QIAO_TEST_PG is set (otherwise
 * it carries the reason it is skipped). Each fresh() is the connection string of a new, empty
 * database — a file in a temporary directory, or a schema of its own — that cleanup() removes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { ResourceStore } from '../../src/store/store.js';
import { dropPgSchema, freshPgDatabase, PG_SKIP_REASON, PG_URL } from './postgres.js';

export interface TestEngine {
  name: 'SQLite' | 'PostgreSQL';
  /** Why the engine is skipped, when it is. */
  skip?: string;
  /** A new, empty database; `label` only makes SQLite file names readable. */
  fresh(label?: string): string;
}

export function testEngines(): { engines: TestEngine[]; cleanup(): Promise<void> } {
  const dirs: string[] = [];
  const schemas: string[] = [];
  const sqlite: TestEngine = {
    name: 'SQLite',
    fresh(label = 'q') {
      const dir = mkdtempSync(join(tmpdir(), 'qiao-test-'));
      dirs.push(dir);
      return `sqlite:${join(dir, `${label}-${randomBytes(4).toString('hex')}.db`)}`;
    },
  };
  const postgres: TestEngine = {
    name: 'PostgreSQL',
    skip: PG_URL ? undefined : PG_SKIP_REASON,
    fresh() {
      const { url, schema } = freshPgDatabase();
      schemas.push(schema);
      return url;
    },
  };
  return {
    engines: [sqlite, postgres],
    async cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      for (const schema of schemas.splice(0)) await dropPgSchema(schema);
    },
  };
}

/**
 * An `open(connection)` whose stores are closed after each test (a store a test closed itself is
 * skipped quietly), for suites that open stores of their own.
 */
export function storesClosedAfterEach(): (connection: string) => Promise<ResourceStore> {
  const stores: ResourceStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  });
  return async (connection) => {
    const store = await openStore(connection);
    stores.push(store);
    return store;
  };
}
