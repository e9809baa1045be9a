/**
 * Writes one version with its search index rows in a single statement (one round trip): data-modifying
 * CTEs insert the version, upsert the current-version row, replace the resource's index rows, and
 * insert each table's new rows from parallel arrays (unnest). Why one statement: a Synthea resource has
 * a dozen index rows in seven tables; a statement per row would cost a round trip each.
 *
 * The tables and columns are those of SQLite's index writer; only the batching differs.
 */
import type { IndexRows } from '../../search/types.js';
import { textWords } from '../sql/dialect.js';

type Row = Record<string, unknown>;

interface TableSpec {
  table: string;
  rows: keyof Omit<IndexRows, 'text' | 'content'>;
  /** [column, PostgreSQL element type, IndexRows field] */
  columns: [string, string, string][];
}

const TABLES: TableSpec[] = [
  { table: 'search_string', rows: 'strings', columns: [['param', 'text', 'param'], ['norm', 'text', 'norm'], ['exact', 'text', 'exact']] },
  { table: 'search_token', rows: 'tokens', columns: [['param', 'text', 'param'], ['system', 'text', 'system'], ['code', 'text', 'code'], ['text', 'text', 'text']] },
  { table: 'search_date', rows: 'dates', columns: [['param', 'text', 'param'], ['start', 'int8', 'start'], ['"end"', 'int8', 'end']] },
  { table: 'search_number', rows: 'numbers', columns: [['param', 'text', 'param'], ['value', 'float8', 'value'], ['low', 'float8', 'low'], ['high', 'float8', 'high']] },
  {
    table: 'search_quantity',
    rows: 'quantities',
    columns: [
      ['param', 'text', 'param'], ['value', 'float8', 'value'], ['low', 'float8', 'low'], ['high', 'float8', 'high'],
      ['system', 'text', 'system'], ['code', 'text', 'code'], ['unit', 'text', 'unit'],
      ['canonical_value', 'float8', 'canonicalValue'], ['canonical_low', 'float8', 'canonicalLow'],
      ['canonical_high', 'float8', 'canonicalHigh'], ['canonical_code', 'text', 'canonicalCode'],
    ],
  },
  {
    table: 'search_reference',
    rows: 'references',
    columns: [
      ['param', 'text', 'param'], ['target_type', 'text', 'targetType'], ['target_id', 'text', 'targetId'],
      ['target_version', 'text', 'targetVersion'], ['url', 'text', 'url'],
      ['identifier_system', 'text', 'identifierSystem'], ['identifier_value', 'text', 'identifierValue'],
    ],
  },
  { table: 'search_uri', rows: 'uris', columns: [['param', 'text', 'param'], ['value', 'text', 'value']] },
];

/** Statement parameters before the index arrays: $1 type, and the version's own ($2..) in write statements. */
function indexCtes(ridExpr: string, firstParam: number, replace: boolean): { ctes: string[]; next: number } {
  const ctes: string[] = [];
  let n = firstParam;
  if (replace) {
    for (const t of [...TABLES.map((t) => t.table), 'search_text']) ctes.push(`d_${t} AS (DELETE FROM ${t} WHERE rid = ${ridExpr})`);
  }
  for (const t of TABLES) {
    const cols = [...t.columns.map((c) => c[0]), 'grp'];
    const arrays = [...t.columns.map((c) => `$${n++}::${c[1]}[]`), `$${n++}::int4[]`];
    ctes.push(`i_${t.table} AS (INSERT INTO ${t.table} (rid, type, ${cols.join(', ')}) SELECT ${ridExpr}, $1::text, u.* FROM unnest(${arrays.join(', ')}) AS u)`);
  }
  const [narrative, content, has] = [n++, n++, n++];
  ctes.push(
    `i_search_text AS (INSERT INTO search_text (rid, narrative, content) SELECT ${ridExpr}, array_to_tsvector($${narrative}::text[]), array_to_tsvector($${content}::text[]) WHERE $${has}::boolean)`,
  );
  return { ctes, next: n };
}

/** Parameters for indexCtes, in order. */
function indexValues(rows: IndexRows | undefined): unknown[] {
  const values: unknown[] = [];
  for (const t of TABLES) {
    const list = (rows?.[t.rows] ?? []) as unknown as Row[];
    for (const c of t.columns) values.push(list.map((r) => r[c[2]] ?? null));
    values.push(list.map((r) => r.group ?? null));
  }
  const words = (text: string | null | undefined) => (text ? [...new Set(textWords(text))] : []);
  values.push(words(rows?.text), words(rows?.content), rows ? rows.text !== null || rows.content !== null : false);
  return values;
}

// $7 travels once, as text: stored as sent (content) and parsed into jsonb (document).
const VERSION_CTES = `v AS (INSERT INTO resource_version (type, id, version, last_updated, method, deleted, content, document)
    VALUES ($1::text, $2::text, $3::int4, $4::text, $5::text, $6::int2, $7::text, $7::text::jsonb) RETURNING seq),
  r AS (INSERT INTO resource (type, id, version, seq, deleted, last_updated) SELECT $1::text, $2::text, $3::int4, v.seq, $6::int2, $4::text FROM v
    ON CONFLICT (type, id) DO UPDATE SET version = excluded.version, seq = excluded.seq, deleted = excluded.deleted, last_updated = excluded.last_updated
    RETURNING rid)`;

function writeStatement(replace: boolean): string {
  const { ctes } = indexCtes('(SELECT rid FROM r)', 8, replace);
  return `WITH ${VERSION_CTES},\n  ${ctes.join(',\n  ')}\nSELECT rid FROM r`;
}

export interface VersionWrite {
  type: string;
  id: string;
  version: number;
  lastUpdated: string;
  method: string;
  json: string | null;
  /** Index rows of the new version (none for a tombstone). */
  rows?: IndexRows;
  /** Does the resource have index rows to replace (an earlier version)? */
  replace: boolean;
}

const STATEMENTS = { create: writeStatement(false), replace: writeStatement(true), reindex: reindexStatement() };

/** A named (prepared once per connection) statement writing one version and its index rows. */
export function versionWrite(w: VersionWrite): { name: string; text: string; values: unknown[] } {
  const values = [w.type, w.id, w.version, w.lastUpdated, w.method, w.json === null ? 1 : 0, w.json, ...indexValues(w.rows)];
  return w.replace ? { name: 'qiao_write_replace', text: STATEMENTS.replace, values } : { name: 'qiao_write_create', text: STATEMENTS.create, values };
}

function reindexStatement(): string {
  // $1 type, $2 rid; the index arrays follow.
  const { ctes } = indexCtes('$2::int8', 3, true);
  return `WITH ${ctes.join(',\n  ')}\nSELECT 1`;
}

/** A named statement replacing the index rows of one current resource (reindex). */
export function indexReplace(rid: number, type: string, rows: IndexRows): { name: string; text: string; values: unknown[] } {
  return { name: 'qiao_reindex', text: STATEMENTS.reindex, values: [type, rid, ...indexValues(rows)] };
}
