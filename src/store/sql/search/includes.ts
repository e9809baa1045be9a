/**
 * _include and _revinclude (search.html#include) as SQL over the reference index: the live resources
 * the page's resources refer to, and the live resources that refer to them. Links to other servers
 * (absolute URLs not on our base) are never followed.
 */
import { sql } from 'kysely';
import type { IncludeClause } from '../../../search/types.js';
import { localRow, type Sql } from './predicates.js';

const VERSION = sql`t.rid, v.type, v.id, v.version, v.last_updated, v.method, v.deleted, v.content`;

/**
 * Resources referred to from the rows `rids` through the clause's parameter (or any, for `*`). The
 * caller passes only rows of the clause's source type. Why no `s.type = ?` here: with it, SQLite picks
 * a (type, param, ...) index and scans every reference of the type instead of the page's own rows.
 */
export function includeSql(clause: IncludeClause, rids: number[], ownBase: string): Sql {
  const param = clause.param === '*' ? sql`` : sql` AND s.param = ${clause.param.code}`;
  const target = clause.targetType ? sql` AND s.target_type = ${clause.targetType}` : sql``;
  return sql`SELECT DISTINCT ${VERSION} FROM search_reference AS s
    JOIN resource AS t ON t.type = s.target_type AND t.id = s.target_id
    JOIN resource_version AS v ON v.seq = t.seq
    WHERE s.rid IN (${sql.join(rids)})${param}${target} AND t.deleted = 0 AND ${localRow('s', ownBase)}`;
}

/** Resources of the clause's source type that refer to one of `targets` (Type/id) through its parameter. */
export function revincludeSql(clause: IncludeClause, targets: { type: string; id: string }[], ownBase: string): Sql {
  const param = clause.param === '*' ? sql`` : sql` AND s.param = ${clause.param.code}`;
  const ids = [...new Set(targets.map((t) => t.id))];
  const types = [...new Set(targets.map((t) => t.type))];
  return sql`SELECT DISTINCT ${VERSION}, s.target_type AS target_type, s.target_id AS target_id FROM search_reference AS s
    JOIN resource AS t ON t.rid = s.rid
    JOIN resource_version AS v ON v.seq = t.seq
    WHERE s.type = ${clause.sourceType}${param} AND s.target_id IN (${sql.join(ids)}) AND s.target_type IN (${sql.join(types)}) AND t.deleted = 0 AND ${localRow('s', ownBase)}`;
}
