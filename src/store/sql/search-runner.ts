/**
 * Runs a search on one connection of either engine: the page query, the count when asked for, and
 * includes, all compiled from the shared query objects (sql/search/) and run by the adapter's executor.
 */
import type { AccessAlternative, IncludeClause } from '../../search/types.js';
import { compileQuery, type CompiledSql } from './builder.js';
import { visibleRidsSql } from './search/access.js';
import type { SearchContext } from './search/conditions.js';
import { includeSql, revincludeSql } from './search/includes.js';
import { countSql, pageSql } from './search/page-query.js';
import type { Sql } from './search/predicates.js';
import { historyCountQuery, historyPageQuery } from './queries.js';
import { toStored, type SqlExecutor, type VersionRow } from './executor.js';
import type { Cursor, HistoryPage, HistoryQuery, SearchPage, SearchRequest, StoredVersion } from '../store.js';
/** Rounds of `:iterate` before stopping (a guard against reference cycles growing a bundle without end). */
const MAX_ITERATIONS = 4;
/** At most this many included resources per page. */
const MAX_INCLUDED = 5000;

/** A version row with its resource key and the page's sort values (s0, s1, ...). */
type Row = Omit<VersionRow, 'seq'> & { rid: number; [sortColumn: `s${number}`]: string | number | null };

/** history (http.html#history): one page, newest first, and the total. */
export async function historyPage(exec: SqlExecutor, q: HistoryQuery): Promise<HistoryPage> {
  const rows = await exec.all<VersionRow>(compileQuery(historyPageQuery(exec.dialect.qb, q)));
  const [{ n: total }] = await exec.all<{ n: number }>(compileQuery(historyCountQuery(exec.dialect.qb, q)));
  const more = rows.length > q.count;
  const versions = rows.slice(0, q.count).map(toStored);
  // _count=0 asks for the total only (search.html#count): no entries, no next page.
  return { versions, total: Number(total), next: more && q.count > 0 ? rows[q.count - 1].seq : undefined };
}

export class SqlSearch {
  constructor(private readonly exec: SqlExecutor) {}

  private all<T>(query: Sql): Promise<T[]> {
    return this.exec.all<T>(query.compile(this.exec.dialect.qb) as CompiledSql);
  }

  async run(req: SearchRequest): Promise<SearchPage> {
    const { query } = req;
    let n = 0;
    const ctx: SearchContext = { baseUrl: req.baseUrl, alias: () => `a${n++}`, dialect: this.exec.dialect };
    const wantTotal = query.total === 'accurate' || query.total === 'estimate' || query.summary === 'count' || query.count === 0;
    if (query.summary === 'count' || query.count === 0) {
      return { matches: [], included: [], more: false, total: await this.count(req, ctx) };
    }
    const rows = await this.all<Row>(pageSql({ query, cursor: req.cursor, backwards: req.backwards, limit: query.count + 1 }, ctx));
    const more = rows.length > query.count;
    const page = rows.slice(0, query.count);
    if (req.backwards) page.reverse();
    const cursorOf = (row: Row): Cursor => ({ values: query.sort.map((_, i) => row[`s${i}`] ?? null), rid: row.rid });
    const result: SearchPage = {
      matches: page.map(toStored),
      included: await this.includes(req, page, ctx),
      more,
      first: page.length ? cursorOf(page[0]) : undefined,
      last: page.length ? cursorOf(page[page.length - 1]) : undefined,
    };
    if (wantTotal) result.total = await this.count(req, ctx);
    else if (!req.cursor && !more) result.total = page.length;
    return result;
  }

  private async count(req: SearchRequest, ctx: SearchContext): Promise<number> {
    const [{ n }] = await this.all<{ n: number }>(countSql(req.query, ctx));
    return Number(n);
  }

  private async includes(req: SearchRequest, page: Row[], ctx: SearchContext): Promise<StoredVersion[]> {
    const { include, revinclude, access } = req.query;
    if ((!include.length && !revinclude.length) || !page.length) return [];
    const seen = new Set(page.map((r) => r.rid));
    const out: Row[] = [];
    let frontier = page;
    for (let round = 0; round <= MAX_ITERATIONS && frontier.length && out.length < MAX_INCLUDED; round++) {
      const clauses = (list: IncludeClause[]) => list.filter((c) => round === 0 || c.iterate);
      const found: Row[] = [];
      for (const c of clauses(include)) {
        const rids = frontier.filter((r) => c.sourceType === '*' || r.type === c.sourceType).map((r) => r.rid);
        if (rids.length) found.push(...(await this.all<Row>(includeSql(c, rids, req.baseUrl))));
      }
      for (const c of clauses(revinclude)) {
        const targets = new Set(frontier.map((r) => `${r.type}/${r.id}`));
        const refs = await this.all<Row & { target_type: string; target_id: string }>(revincludeSql(c, frontier, req.baseUrl));
        found.push(...refs.filter((r) => targets.has(`${r.target_type}/${r.target_id}`)));
      }
      // Before iterating on: a resource the token may not read is neither returned nor followed.
      const visible = access?.include ? await this.visible(found, access.include, ctx) : undefined;
      frontier = [];
      for (const row of found) {
        if (seen.has(row.rid) || (visible && !visible.has(row.rid))) continue;
        seen.add(row.rid);
        out.push(row);
        frontier.push(row);
      }
    }
    return out.slice(0, MAX_INCLUDED).map(toStored);
  }

  /** The rids among `rows` that an access filter's alternatives admit. */
  private async visible(rows: Row[], alternatives: AccessAlternative[], ctx: SearchContext): Promise<Set<number>> {
    const rids = [...new Set(rows.map((r) => r.rid))];
    if (!rids.length) return new Set();
    const found = await this.all<{ rid: number }>(visibleRidsSql(rids, alternatives, ctx));
    return new Set(found.map((r) => Number(r.rid)));
  }
}
