/** Query objects shared by the SQL adapters: history pages and criteria lookups. */
import type { Kysely } from 'kysely';
import type { HistoryQuery } from '../store.js';
import type { Tables } from './schema.js';

const VERSION_COLUMNS = ['seq', 'type', 'id', 'version', 'last_updated', 'method', 'deleted', 'content'] as const;

/** One page of history, newest first (http.html#history), fetching one extra row to know if more follow. */
export function historyPageQuery(qb: Kysely<Tables>, q: HistoryQuery) {
  let query = qb.selectFrom('resource_version').select(VERSION_COLUMNS);
  if (q.type) query = query.where('type', '=', q.type);
  if (q.id) query = query.where('id', '=', q.id);
  if (q.since) query = query.where('last_updated', '>=', q.since);
  if (q.before) query = query.where('last_updated', '<=', q.before);
  if (q.excludeTypes?.length) query = query.where('type', 'not in', q.excludeTypes);
  if (q.cursor !== undefined) query = query.where('seq', '<', q.cursor);
  return query.orderBy('seq', 'desc').limit(q.count + 1);
}

export function historyCountQuery(qb: Kysely<Tables>, q: HistoryQuery) {
  let query = qb.selectFrom('resource_version').select((eb) => eb.fn.countAll<number>().as('n'));
  if (q.type) query = query.where('type', '=', q.type);
  if (q.id) query = query.where('id', '=', q.id);
  if (q.since) query = query.where('last_updated', '>=', q.since);
  if (q.before) query = query.where('last_updated', '<=', q.before);
  if (q.excludeTypes?.length) query = query.where('type', 'not in', q.excludeTypes);
  return query;
}
