/**
 * One page of search results as SQL: the matching current resources, ordered by the _sort keys
 * (resources lacking a value last) and then by rid, after or before a cursor. Keyset paging, not
 * offsets: a page boundary is a position in the order, so pages stay correct while data changes
 * (search.html#paging) and a deep page costs what the first one does.
 */
import { sql } from 'kysely';
import type { Condition, SearchQuery, SortKey } from '../../../search/types.js';
import { accessPredicate } from './access.js';
import { compartmentPredicate } from './compartment.js';
import { conditionPredicate, type SearchContext } from './conditions.js';
import type { Sql } from './predicates.js';
import type { Cursor } from '../../store.js';

export interface PageRequest {
  query: SearchQuery;
  /** Rows after this position (next pages), or before it when `backwards` (previous pages). */
  cursor?: Cursor;
  backwards?: boolean;
  /** How many rows to fetch (the page size plus one, to know whether more follow). */
  limit: number;
}

const SORT_SOURCES: Record<string, { table: string; asc: string; desc: string }> = {
  string: { table: 'search_string', asc: 'MIN(x.norm)', desc: 'MAX(x.norm)' },
  token: { table: 'search_token', asc: 'MIN(x.code)', desc: 'MAX(x.code)' },
  date: { table: 'search_date', asc: 'MIN(x.start)', desc: 'MAX(x."end")' },
  number: { table: 'search_number', asc: 'MIN(x.value)', desc: 'MAX(x.value)' },
  quantity: { table: 'search_quantity', asc: 'MIN(COALESCE(x.canonical_value, x.value))', desc: 'MAX(COALESCE(x.canonical_value, x.value))' },
  reference: { table: 'search_reference', asc: "MIN(COALESCE(x.target_type || '/' || x.target_id, x.url))", desc: "MAX(COALESCE(x.target_type || '/' || x.target_id, x.url))" },
  uri: { table: 'search_uri', asc: 'MIN(x.value)', desc: 'MAX(x.value)' },
};

/** The value a resource sorts by for one key: its smallest value ascending, its largest descending. */
export function sortExpression(key: SortKey): Sql {
  if (key.param.code === '_id') return sql.ref('r.id');
  if (key.param.code === '_lastUpdated') return sql.ref('r.last_updated');
  const source = SORT_SOURCES[key.param.type];
  if (!source) return sql`NULL`;
  // The aggregate's text and table come from the constant table above, never from the request.
  return sql`(SELECT ${sql.raw(key.descending ? source.desc : source.asc)} FROM ${sql.table(source.table)} AS x WHERE x.rid = r.rid AND x.param = ${key.param.code})`;
}

interface OrderPart {
  expr: Sql;
  descending: boolean;
}

/** The full order: for each key, "has no value" first (so those sort last), then the value; then rid. */
function orderParts(sort: SortKey[]): OrderPart[] {
  const parts: OrderPart[] = [];
  sort.forEach((key, i) => {
    const col = sql.ref(`s${i}`);
    parts.push({ expr: sql`(${col} IS NULL)`, descending: false });
    parts.push({ expr: col, descending: key.descending });
  });
  parts.push({ expr: sql.ref('rid'), descending: false });
  return parts;
}

/** Cursor values in order-part order: for each key, [isNull, value]; then rid. */
function cursorParts(c: Cursor): (string | number | null)[] {
  const out: (string | number | null)[] = [];
  for (const v of c.values) out.push(v === null ? 1 : 0, v);
  out.push(c.rid);
  return out;
}

/** Rows strictly after (or before) the cursor in the order: the usual expansion of a row comparison. */
function beyond(parts: OrderPart[], cursor: Cursor, backwards: boolean): Sql {
  const values = cursorParts(cursor);
  const alternatives: Sql[] = [];
  for (let j = 0; j < parts.length; j++) {
    const v = values[j];
    if (v === null) continue; // nothing sorts beyond a missing value within its key (they are all equal)
    const forward = parts[j].descending !== backwards;
    const step = forward ? sql`${parts[j].expr} < ${v}` : sql`${parts[j].expr} > ${v}`;
    const equal = parts.slice(0, j).map((p, i) => (values[i] === null ? sql`${p.expr} IS NULL` : sql`${p.expr} = ${values[i]}`));
    alternatives.push(equal.length ? sql`(${sql.join([...equal, step], sql` AND `)})` : step);
  }
  return alternatives.length ? sql`(${sql.join(alternatives, sql` OR `)})` : sql`1 = 0`;
}

/** The matching rows of the searched types, before ordering and paging. */
export function matchSql(query: SearchQuery, ctx: SearchContext): Sql {
  const where: Sql[] = [sql`r.deleted = 0`];
  // One searched type is a constant, so the driving subquery is uncorrelated and runs once.
  const single = query.types.length === 1;
  const type = single ? sql`${query.types[0]}` : sql.ref('r.type');
  const driver = query.compartment ? -1 : driverIndex(query.conditions);
  // Why the type test is left out when a driver already selects by type: given `r.type = ?`, SQLite
  // scans every resource of the type and tests each against the driver's list, instead of looking the
  // list's rows up by rid.
  const typedDriver = query.compartment !== undefined || (single && driver >= 0 && !ROW_PARAMS.has(query.conditions[driver].param.code));
  if (query.types.length && !typedDriver) where.push(sql`r.type IN (${sql.join(query.types)})`);
  if (query.compartment) where.push(compartmentPredicate(query.compartment, ctx.baseUrl));
  query.conditions.forEach((cond, i) => where.push(conditionPredicate(cond, 'r', type, { ...ctx, probe: i !== driver })));
  // Here, not in pageSql, so that counts (_total, _summary=count) see only what the token may see too.
  if (query.access?.match) where.push(accessPredicate(query.access.match, ctx));
  return sql`${sql.join(where, sql` AND `)}`;
}

/** Parameters answered without an index table of the searched type (their SQL does not select by type). */
const ROW_PARAMS = new Set(['_id', '_lastUpdated', '_list', '_text', '_content']);

/** How selective a condition usually is (lower drives first); see conditions.ts on driving and probing. */
function selectivity(cond: Condition): number {
  const { param, modifier } = cond;
  if (modifier === 'not' || modifier === 'not-in' || modifier === 'missing' || cond.values.some((v) => v.kind === 'missing')) return 99;
  if (cond.has) return 50;
  if (param.code === '_id') return 0;
  if (param.code === '_lastUpdated' || param.code === '_list' || param.code === '_text' || param.code === '_content') return 30;
  if (cond.chain?.length) return 20;
  if (param.type === 'reference') return 1;
  if (param.type === 'token' && /identifier/.test(param.code)) return 2;
  if (param.type === 'string' || param.type === 'uri') return 10;
  if (param.type === 'token' || param.type === 'composite') return 15;
  return 25; // dates, numbers and quantities: ranges
}

/** The condition that drives (the most selective), or -1 when none should (all are negations or _has). */
function driverIndex(conditions: Condition[]): number {
  let best = -1;
  let bestRank = 40;
  conditions.forEach((c, i) => {
    const rank = selectivity(c);
    if (rank < bestRank) [best, bestRank] = [i, rank];
  });
  return best;
}

/**
 * SELECT rid, type, id, version, last_updated, method, deleted, content, s0..sN for one page. Rows
 * come back in page order (reversed again for a backwards page).
 */
export function pageSql(req: PageRequest, ctx: SearchContext): Sql {
  const { query } = req;
  const sortCols = query.sort.map((key, i) => sql`${sortExpression(key)} AS ${sql.raw(`s${i}`)}`);
  const parts = orderParts(query.sort);
  const inner = sql`SELECT r.rid AS rid, r.seq AS seq${sortCols.length ? sql`, ${sql.join(sortCols)}` : sql``} FROM resource AS r WHERE ${matchSql(query, ctx)}`;
  const where = req.cursor ? sql`WHERE ${beyond(parts, req.cursor, req.backwards ?? false)}` : sql``;
  const order = parts.map((p) => (p.descending !== (req.backwards ?? false) ? sql`${p.expr} DESC` : sql`${p.expr} ASC`));
  const sortSelect = query.sort.map((_, i) => sql.ref(`m.s${i}`));
  return sql`SELECT m.rid, v.type, v.id, v.version, v.last_updated, v.method, v.deleted, v.content${sortSelect.length ? sql`, ${sql.join(sortSelect)}` : sql``}
    FROM (SELECT * FROM (${inner}) AS p ${where} ORDER BY ${sql.join(order)} LIMIT ${req.limit}) AS m
    JOIN resource_version AS v ON v.seq = m.seq
    ORDER BY ${sql.join(order)}`;
}

/** SELECT COUNT(*) AS n of the matching rows. */
export function countSql(query: SearchQuery, ctx: SearchContext): Sql {
  return sql`SELECT COUNT(*) AS n FROM resource AS r WHERE ${matchSql(query, ctx)}`;
}
