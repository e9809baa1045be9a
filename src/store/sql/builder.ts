/**
 * Kysely used as a query *compiler* only: queries are built as typed objects and compiled to SQL text
 * plus bound parameters; each adapter executes them on its own driver. Dialect differences live here.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
} from 'kysely';
import type { Tables } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export function queryBuilder(dialect: Dialect): Kysely<Tables> {
  return new Kysely<Tables>({
    dialect:
      dialect === 'sqlite'
        ? {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new SqliteIntrospector(db),
            createQueryCompiler: () => new SqliteQueryCompiler(),
          }
        : {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new PostgresIntrospector(db),
            createQueryCompiler: () => new PostgresQueryCompiler(),
          },
  });
}

export interface CompiledSql {
  sql: string;
  parameters: readonly unknown[];
}

export function compileQuery(q: Compilable): CompiledSql {
  const c = q.compile();
  return { sql: c.sql, parameters: c.parameters };
}
