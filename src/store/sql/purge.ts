/**
 * Query objects that remove resources outright — every version and every index row, leaving no
 * tombstone — for audit retention (audit/retention.ts), which is not a FHIR interaction: records past
 * their retention period must be gone, not deleted-with-history. Shared by both adapters; each runs
 * them in one transaction per batch.
 */
import type { CompiledSql } from './builder.js';
import { compileQuery } from './builder.js';
import type { SqlDialect } from './dialect.js';

const INDEX_TABLES = ['search_string', 'search_token', 'search_date', 'search_number', 'search_quantity', 'search_reference', 'search_uri'] as const;

/** Up to `limit` resources of `type` whose current version was written before `before` (ISO instant). */
export function purgeCandidates(d: SqlDialect, type: string, before: string, limit: number): CompiledSql {
  return compileQuery(d.qb.selectFrom('resource').select(['rid', 'id']).where('type', '=', type).where('last_updated', '<', before).orderBy('rid').limit(limit));
}

/** The statements removing those resources (rid, id) of `type`, with their versions and index rows. */
export function purgeStatements(d: SqlDialect, type: string, rows: readonly { rid: number; id: string }[]): CompiledSql[] {
  const rids = rows.map((r) => Number(r.rid));
  const ids = rows.map((r) => r.id);
  return [
    ...INDEX_TABLES.map((t) => compileQuery(d.qb.deleteFrom(t).where('rid', 'in', rids))),
    compileQuery(d.qb.deleteFrom('search_text').where(d.name === 'sqlite' ? 'rowid' : 'rid', 'in', rids)),
    compileQuery(d.qb.deleteFrom('resource_version').where('type', '=', type).where('id', 'in', ids)),
    compileQuery(d.qb.deleteFrom('resource').where('rid', 'in', rids)),
  ];
}
