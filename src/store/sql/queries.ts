/** Query objects shared by the SQL adapters: history pages and criteria lookups. */
import type { Kysely } from 'kysely';
import type { Criteria, HistoryQuery } from '../store.js';
import type { Tables } from './schema.js';

const VERSION_COLUMNS = ['seq', 'type', 'id', 'version', 'last_updated', 'method', 'deleted', 'content'] as const;

/** One page of history, newest first (http.html#history), fetching one extra row to know if more follow. */
export function historyPageQuery(qb: Kysely<Tables>, q: HistoryQuery) {
  let query = qb.selectFrom('resource_version').select(VERSION_COLUMNS);
  if (q.type) query = query.where('type', '=', q.type);
  if (q.id) query = query.where('id', '=', q.id);
  if (q.since) query = query.where('last_updated', '>=', q.since);
  if (q.before) query = query.where('last_updated', '<=', q.before);
  if (q.cursor !== undefined) query = query.where('seq', '<', q.cursor);
  return query.orderBy('seq', 'desc').limit(q.count + 1);
}

export function historyCountQuery(qb: Kysely<Tables>, q: HistoryQuery) {
  let query = qb.selectFrom('resource_version').select((eb) => eb.fn.countAll<number>().as('n'));
  if (q.type) query = query.where('type', '=', q.type);
  if (q.id) query = query.where('id', '=', q.id);
  if (q.since) query = query.where('last_updated', '>=', q.since);
  if (q.before) query = query.where('last_updated', '<=', q.before);
  return query;
}

/** Ids of current resources matching every criterion (a conjunction). */
export function findIdsQuery(qb: Kysely<Tables>, c: Criteria, limit: number) {
  let query = qb.selectFrom('resource as r').select('r.id').where('r.type', '=', c.type).where('r.deleted', '=', 0);
  if (c.ids) query = query.where('r.id', 'in', c.ids.length ? c.ids : ['\u0000']);
  for (const t of c.tokens ?? []) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('search_token as t')
          .select('t.rid')
          .whereRef('t.rid', '=', 'r.rid')
          .where('t.type', '=', c.type)
          .where('t.param', '=', t.param)
          .$if(t.code !== undefined, (w) => w.where('t.code', '=', t.code!))
          .$if(t.system !== undefined, (w) => (t.system === null ? w.where('t.system', 'is', null) : w.where('t.system', '=', t.system!))),
      ),
    );
  }
  return query.limit(limit);
}
