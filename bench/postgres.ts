/**
 * The benchmark on PostgreSQL (called from bench/run.ts when BENCH_PG, else QIAO_TEST_PG, names a server).
 * The same scenarios as on SQLite, with the same data and connection counts: ingest at 1 connection on
 * a fresh server (cold), then read-by-id at 1 and 32 connections on it; a steady-state ingest per
 * connection count after the $validate warm-up; the search mix. Every Qiao server gets a fresh schema
 * `qiao_bench_<pid>_<n>` of that database, dropped (DROP SCHEMA ... CASCADE) once the server has closed,
 * so runs never see each other's data and the database does not fill up. The connection string's own
 * `pool` parameter, if any, is kept (Qiao's default is 10 connections); a `schema` parameter is replaced.
 */
import pg from 'pg';
import type { EngineFigures } from './compare.js';
import { searchMix } from './search-mix.js';
import { Child, fmt, ingest, printIngest, profiled, readById, readPhase, warmUp, type Knobs } from './scenarios.js';
import type { PreparedBundle } from './synthea.js';

/** The PostgreSQL server to benchmark on. */
export interface PgTarget {
  url: string;
  /** The URL without its password, for output. */
  shown: string;
  version: string;
}

const SETTING = 'BENCH_PG (a postgres:// URL; default QIAO_TEST_PG)';

/** BENCH_PG, else QIAO_TEST_PG: the server, or why the PostgreSQL figures are skipped. */
export async function pgTarget(env: NodeJS.ProcessEnv): Promise<{ target: PgTarget } | { skipped: string }> {
  const url = env.BENCH_PG || env.QIAO_TEST_PG;
  if (env.BENCH_PG === '0') return { skipped: 'BENCH_PG=0' };
  if (!url) return { skipped: `neither BENCH_PG nor QIAO_TEST_PG is set (e.g. BENCH_PG=postgres://postgres@127.0.0.1:5432/test)` };
  if (!/^postgres(ql)?:\/\//.test(url)) return { skipped: `${SETTING} is '${url}', not a postgres:// URL` };
  const shown = url.replace(/:[^:@/]*@/, ':***@');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return { target: { url, shown, version: rows[0].version.split(' on ')[0] } };
  } catch (err) {
    return { skipped: `cannot connect to ${shown}: ${(err as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Fresh schemas on the target, each dropped after use; dropAll() for whatever is left (errors, Ctrl-C). */
export class PgSchemas {
  private n = 0;
  private readonly live = new Set<string>();
  constructor(readonly target: PgTarget) {}

  /** A connection string for a new schema (Qiao's migrations create it on first use). */
  fresh(): { url: string; schema: string } {
    const schema = `qiao_bench_${process.pid}_${++this.n}`;
    this.live.add(schema);
    const url = new URL(this.target.url);
    url.searchParams.set('schema', schema);
    return { url: url.toString(), schema };
  }

  private async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.target.url });
    await client.connect();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Bytes of the schema's tables with their indexes and TOAST. */
  async size(schema: string): Promise<number> {
    const rows = await this.query<{ bytes: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'm', 'p')`,
      [schema],
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  async drop(schema: string): Promise<void> {
    // The name is ours (qiao_bench_<pid>_<n>), never user input; identifiers cannot be bound parameters.
    await this.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    this.live.delete(schema);
  }

  async dropAll(): Promise<void> {
    for (const schema of [...this.live]) await this.drop(schema);
  }
}

export interface PgBenchOptions {
  bundles: PreparedBundle[];
  schemas: PgSchemas;
  knobs: Knobs;
  /** Every child started, so run.ts can close them on errors. */
  children: Child[];
  ingestConnections: number[];
  search: boolean;
  searchSeconds: number;
  /** Only the search mix (BENCH_ONLY=search). */
  searchOnly: boolean;
  out(line: string): void;
}

const LABEL = 'qiao postgres';

/** A Qiao child on a fresh schema; close() closes it and drops the schema. */
async function startOnFreshSchema(o: PgBenchOptions): Promise<{ child: Child; schema: string; close(): Promise<void> }> {
  const { url, schema } = o.schemas.fresh();
  const child = await Child.start(['qiao', url]);
  o.children.push(child);
  return {
    child,
    schema,
    close: async () => {
      await child.close();
      await o.schemas.drop(schema);
    },
  };
}

async function memoryLine(o: PgBenchOptions, child: Child, what: string): Promise<void> {
  const s = await child.ask({ type: 'stats' }, 'stats');
  o.out(`memory  ${LABEL} server ${what}peak RSS ${fmt(s.maxRssKiB / 1024)} MiB (at end: RSS ${fmt(s.rssBytes / 1048576)} MiB, heap used ${fmt(s.heapUsedBytes / 1048576)} MiB)`);
}

/** Runs the PostgreSQL scenarios, printing lines labelled `qiao postgres` / `[postgres]`; returns the figures. */
export async function postgresBench(o: PgBenchOptions): Promise<EngineFigures> {
  const figures: EngineFigures = { ingestWarm: new Map(), reads: new Map(), problems: [] };
  const { bundles, knobs } = o;
  if (!o.searchOnly) {
    // Ingest at 1 connection on a fresh server (validators compiled during the run), then reads on it.
    const cold = await startOnFreshSchema(o);
    try {
      const { result: first, cpuMs } = await cold.child.measured(() => profiled(knobs, cold.child, 'pg-ingest-1conn', () => ingest(cold.child.fhirBase, bundles, 1)));
      figures.ingestCold = printIngest(`${LABEL} 1 conn cold`, first, cpuMs);
      if (first.failed) figures.problems.push(`ingest 1 conn cold: ${first.failed} of ${bundles.length} bundles FAILED; first: ${first.firstError}`);
      if (first.failed) o.out(`ingest  ${LABEL} 1 conn: ${first.failed} of ${bundles.length} bundles FAILED; first: ${first.firstError}`);
      o.out(`size    ${LABEL} schema ${((await o.schemas.size(cold.schema)) / 1048576).toFixed(1)} MiB (tables, indexes and TOAST)`);
      const paths = first.locations.flat().filter((p): p is string => p !== undefined);
      if (paths.length > 0) figures.reads = await readPhase(knobs, LABEL, cold.child, paths);
      else o.out(`read    ${LABEL}: no resource ingested, skipped`);
      for (const [c, r] of figures.reads) if (r.non2xx || r.errors) figures.problems.push(`read ${c} conn: non-2xx ${r.non2xx}, errors ${r.errors}`);
      await memoryLine(o, cold.child, '');
    } finally {
      await cold.close();
    }

    // Steady-state ingest per connection count, each on a fresh server and schema after the warm-up.
    for (const c of o.ingestConnections) {
      const warm = await startOnFreshSchema(o);
      try {
        const w = await warmUp(warm.child.fhirBase, bundles);
        o.out(`warmup  ${LABEL}: ${w.types} resource types through $validate in ${fmt(w.ms)} ms (one-time validator compilation, not written)`);
        const { result: r, cpuMs } = await warm.child.measured(() => ingest(warm.child.fhirBase, bundles, c));
        figures.ingestWarm.set(c, printIngest(`${LABEL} ${c} conn warm`, r, cpuMs));
        if (r.failed) figures.problems.push(`ingest ${c} conn warm: ${r.failed} bundles FAILED; first: ${r.firstError}`);
        if (r.failed) o.out(`ingest  ${LABEL} ${c} conn: ${r.failed} bundles FAILED; first: ${r.firstError}`);
        await memoryLine(o, warm.child, `(${c} conn ingest) `);
      } finally {
        await warm.close();
      }
    }
  }

  if (o.search) {
    // search-mix.ts prints `search  ...` and `ratio   search ...`; these say which engine they are.
    const tagged = (line: string) => o.out(line.replace(/^(search|ratio)( +)/, '$1$2[postgres] '));
    figures.search = await searchMix({
      bundles,
      start: async () => {
        const s = await startOnFreshSchema(o);
        return { fhirBase: s.child.fhirBase, measured: (fn) => s.child.measured(fn), close: s.close };
      },
      ingest,
      load: readById,
      out: tagged,
      seconds: o.searchSeconds,
    });
    for (const e of figures.search.errors) figures.problems.push(`search (${e.size}) ${e.label}: ${e.status ? `HTTP ${e.status} ` : ''}${e.body.slice(0, 200)}`);
  }
  return figures;
}
