/**
 * What differs between the SQL engines, in one place: the query compiler (placeholders, quoting) and
 * full-text search. Everything else in sql/ is one copy of the SQL, shared by SQLite and PostgreSQL.
 *
 * Full text: _text and _content match resources holding every searched word as a word prefix. Words
 * are cut the same way on both engines, by `textWords` below (the rule of SQLite FTS5's unicode61
 * tokenizer: letters, digits and private-use characters; anything else separates), so both engines
 * find the same resources. SQLite keeps them in an FTS5 table; PostgreSQL in tsvector columns built
 * from these very words (array_to_tsvector), never re-parsed by a text-search configuration.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { queryBuilder, type Dialect } from './builder.js';
import type { Tables } from './schema.js';

export interface SqlDialect {
  name: Dialect;
  /** Compiles query objects to this engine's SQL text and bound parameters. */
  qb: Kysely<Tables>;
  /** `rid` is a resource whose `column` text holds every word, each as a prefix. */
  textMatch(rid: RawBuilder<unknown>, column: 'narrative' | 'content', words: string[]): RawBuilder<unknown>;
}

/** Longest word kept: PostgreSQL refuses tsvector lexemes over 2 KiB, and no one searches for such words. */
const MAX_WORD = 255;

/** The words of normalised text (see the file comment). */
export function textWords(norm: string): string[] {
  return norm.split(/[^\p{L}\p{N}\p{Co}]+/u).filter((w) => w !== '' && w.length <= MAX_WORD);
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  qb: queryBuilder('sqlite'),
  textMatch(rid, column, words) {
    // Each word as a quoted prefix term, so user text never acts as FTS5 query syntax.
    const match = `{${column}} : ` + words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');
    return sql`${rid} IN (SELECT rowid FROM search_text WHERE search_text MATCH ${match})`;
  },
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  qb: queryBuilder('postgres'),
  textMatch(rid, column, words) {
    // A tsquery of quoted prefix lexemes ('word':* & ...): words hold no quotes or operators (textWords).
    const query = words.map((w) => `'${w}':*`).join(' & ');
    return sql`${rid} IN (SELECT t.rid FROM search_text AS t WHERE ${sql.ref(`t.${column}`)} @@ ${query}::tsquery)`;
  },
};
