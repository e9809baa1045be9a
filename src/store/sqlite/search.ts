/**
 * Runs a search on one SQLite connection: the page query, the count when asked for, and includes.
 * Statements are compiled from query objects (sql/search/) and prepared once per distinct SQL text.
 */
import type Database from 'better-sqlite3';
import type { IncludeClause } from '../../search/types.js';
import { queryBuilder } from '../sql/builder.js';
import type { SearchContext } from '../sql/search/conditions.js';
import { includeSql, revincludeSql } from '../sql/search/includes.js';
import { countSql, pageSql } from '../sql/search/page-query.js';
import type { Sql } from '../sql/search/predicates.js';
import type { Cursor, SearchPage, SearchRequest, StoredVersion } from '../store.js';
import { toStored, type VersionRow } from './statements.js';

const qb = queryBuilder('sqlite');
/** Rounds of `:iterate` before stopping (a guard against reference cycles growing a bundle without end). */
const MAX_ITERATIONS = 4;
/** At most this many included resources per page. */
const MAX_INCLUDED = 5000;

/** A version row with its resource key and the page's sort values (s0, s1, ...). */
type Row = Omit<VersionRow, 'seq'> & { rid: number; [sortColumn: `s${number}`]: string | number | null };

export class SqliteSearch {
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}

  private all<T>(query: Sql): T[] {
    const { sql, parameters } = query.compile(qb);
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= 500) this.statements.clear();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st.all(...parameters) as T[];
  }

  run(req: SearchRequest): SearchPage {
    const { query } = req;
    let n = 0;
    const ctx: SearchContext = { baseUrl: req.baseUrl, alias: () => `a${n++}` };
    const wantTotal = query.total === 'accurate' || query.total === 'estimate' || query.summary === 'count' || query.count === 0;
    if (query.summary === 'count' || query.count === 0) {
      return { matches: [], included: [], more: false, total: this.count(req, ctx) };
    }
    const rows = this.all<Row>(pageSql({ query, cursor: req.cursor, backwards: req.backwards, limit: query.count + 1 }, ctx));
    const more = rows.length > query.count;
    const page = rows.slice(0, query.count);
    if (req.backwards) page.reverse();
    const cursorOf = (row: Row): Cursor => ({ values: query.sort.map((_, i) => row[`s${i}`] ?? null), rid: row.rid });
    const result: SearchPage = {
      matches: page.map(toStored),
      included: this.includes(req, page),
      more,
      first: page.length ? cursorOf(page[0]) : undefined,
      last: page.length ? cursorOf(page[page.length - 1]) : undefined,
    };
    if (wantTotal) result.total = this.count(req, ctx);
    else if (!req.cursor && !more) result.total = page.length;
    return result;
  }

  private count(req: SearchRequest, ctx: SearchContext): number {
    return this.all<{ n: number }>(countSql(req.query, ctx))[0].n;
  }

  private includes(req: SearchRequest, page: Row[]): StoredVersion[] {
    const { include, revinclude } = req.query;
    if ((!include.length && !revinclude.length) || !page.length) return [];
    const seen = new Set(page.map((r) => r.rid));
    const out: Row[] = [];
    let frontier = page;
    for (let round = 0; round <= MAX_ITERATIONS && frontier.length && out.length < MAX_INCLUDED; round++) {
      const clauses = (list: IncludeClause[]) => list.filter((c) => round === 0 || c.iterate);
      const found: Row[] = [];
      for (const c of clauses(include)) {
        const rids = frontier.filter((r) => c.sourceType === '*' || r.type === c.sourceType).map((r) => r.rid);
        if (rids.length) found.push(...this.all<Row>(includeSql(c, rids, req.baseUrl)));
      }
      for (const c of clauses(revinclude)) {
        const targets = new Set(frontier.map((r) => `${r.type}/${r.id}`));
        const refs = this.all<Row & { target_type: string; target_id: string }>(revincludeSql(c, frontier, req.baseUrl));
        found.push(...refs.filter((r) => targets.has(`${r.target_type}/${r.target_id}`)));
      }
      frontier = [];
      for (const row of found) {
        if (seen.has(row.rid)) continue;
        seen.add(row.rid);
        out.push(row);
        frontier.push(row);
      }
    }
    return out.slice(0, MAX_INCLUDED).map(toStored);
  }
}
