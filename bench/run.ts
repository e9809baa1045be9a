/**
 * Qiao's benchmark (`npm run bench`). Servers run in child processes (bench/server-process.ts) so the
 * load generator in this process never shares their event loop. Measures, in one run:
 *
 * 1. ingest: every transaction Bundle POSTed to a fresh Qiao (SQLite file), with 1 connection (cold: the
 *    validators compile on first use during the run); then, per connection count, on another fresh Qiao
 *    after a $validate warm-up (steady state; the ratio target uses this one);
 * 2. baseline A: the same resources inserted with raw better-sqlite3 (bench/raw-sqlite.ts);
 * 3. read-by-id: random GET [base]/Type/id of ingested resources, 1 and 32 connections (autocannon);
 * 4. baseline B: a bare node:http server answering the same GETs from a Map;
 * 5. peak RSS of the Qiao server process;
 * 6. search mix (bench/search-mix.ts): ten FHIR searches at 1 and 16 connections on a fresh Qiao with the
 *    first 50 patients, then with all of them (same query values), and the ratios between the two sizes.
 * Before any server starts, the search index extraction cost per resource (bench/extraction.ts).
 *
 * Data: Synthea's export at ../shared/data/synthea-r4 (prepared by bench/synthea.ts), else the seeded
 * generator (bench/generate.ts). Environment knobs:
 *   BENCH_PATIENTS=n        patient Bundles to load (default: all)
 *   BENCH_READ_SECONDS=s    duration of each read measurement (default 10)
 *   BENCH_INGEST_CONNECTIONS=1,2   ingest runs (default 1,2)
 *   BENCH_GENERATE=1        use the generator even when Synthea's data is present
 *   BENCH_SEED=n            generator seed (default 42)
 *   BENCH_PROFILE=dir       CPU-profile the Qiao child during ingest (1 connection) and reads, write
 *                           .cpuprofile files to dir and print a summary of where the time goes
 *   BENCH_SEARCH=0          skip the search mix
 *   BENCH_SEARCH_SECONDS=s  duration of each search measurement (default 5)
 *   BENCH_EXTRACT_PASSES=n  timed passes of the extraction measurement (default 5)
 *   BENCH_ONLY=search|extract   run only that phase (development)
 *   BENCH_KEEP=1            keep the temporary database directory
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractionBench } from './extraction.js';
import { generateSyntheaLike, rng } from './generate.js';
import { formatSummary, summarise, type CpuProfile } from './profile-summary.js';
import { rawSqliteIngest } from './raw-sqlite.js';
import { searchMix } from './search-mix.js';
import type { FromChild, ToChild } from './server-process.js';
import { findSyntheaDir, loadSyntheaBundles, prepareBundles, type PreparedBundle, type PrepareStats } from './synthea.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench -> repository root. */
const repoRoot = path.resolve(here, '../..');
const env = process.env;
const READ_SECONDS = Number(env.BENCH_READ_SECONDS ?? 10);
const INGEST_CONNECTIONS = (env.BENCH_INGEST_CONNECTIONS ?? '1,2').split(',').map(Number).filter((n) => n > 0);
const PROFILE_DIR = env.BENCH_PROFILE ? path.resolve(env.BENCH_PROFILE) : undefined;
const INGEST_TARGET = 0.25;
const READ_TARGET = 0.5;
const SEARCH = env.BENCH_SEARCH !== '0';
const SEARCH_SECONDS = Number(env.BENCH_SEARCH_SECONDS ?? 5);
const ONLY = env.BENCH_ONLY;

// ---------------------------------------------------------------------------------------------------
// Output helpers

const out = (line: string) => console.log(line);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).replace(/,/g, '');
const pct = (r: number) => `${(100 * r).toFixed(1)}%`;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function fileSize(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) if (existsSync(f)) total += statSync(f).size;
  return total;
}

// ---------------------------------------------------------------------------------------------------
// Child processes

class Child {
  private constructor(
    readonly proc: ChildProcess,
    readonly url: string,
    readonly fhirBase: string,
  ) {}

  static start(args: string[]): Promise<Child> {
    const proc = fork(path.join(here, 'server-process.js'), args, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`server child exited early (${code})`));
      proc.once('exit', onExit);
      proc.once('message', (m: FromChild) => {
        proc.off('exit', onExit);
        if (m.type === 'ready') resolve(new Child(proc, m.url, m.fhirBase));
        else reject(new Error(`unexpected message from child: ${JSON.stringify(m)}`));
      });
    });
  }

  /** Sends a message and waits for the reply of the given type. */
  ask<T extends FromChild['type']>(msg: ToChild, reply: T): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => {
      const on = (m: FromChild) => {
        if (m.type === reply) {
          this.proc.off('message', on);
          resolve(m as Extract<FromChild, { type: T }>);
        } else if (m.type === 'error') {
          this.proc.off('message', on);
          reject(new Error(m.message));
        }
      };
      this.proc.on('message', on);
      this.proc.send(msg);
    });
  }

  /** The child's CPU time so far (user + system), ms. */
  async cpuMs(): Promise<number> {
    const s = await this.ask({ type: 'stats' }, 'stats');
    return s.userCpuMs + s.systemCpuMs;
  }

  /** Runs `fn` and reports the server CPU time it cost, ms. */
  async measured<T>(fn: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
    const before = await this.cpuMs();
    const result = await fn();
    return { result, cpuMs: (await this.cpuMs()) - before };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      this.proc.once('exit', () => resolve());
      this.proc.send({ type: 'close' } satisfies ToChild);
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Ingest through the HTTP API

interface IngestResult {
  resources: number;
  bundles: number;
  failed: number;
  firstError?: string;
  seconds: number;
  latencies: number[];
  /** Per Bundle (in input order), the `Type/id` each entry got, from the response `location`s. */
  locations: (string | undefined)[][];
}

function post(agent: Agent, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `Patient/123/_history/1` or an absolute URL -> `Patient/123`. */
function typeAndId(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const m = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(location);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

async function ingest(fhirBase: string, bundles: PreparedBundle[], connections: number): Promise<IngestResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const result: IngestResult = { resources: 0, bundles: 0, failed: 0, seconds: 0, latencies: [], locations: new Array(bundles.length) };
  const one = async (i: number) => {
    const b = bundles[i];
    const start = performance.now();
    const res = await post(agent, fhirBase, b.json);
    result.latencies.push(performance.now() - start);
    if (res.status !== 200) {
      result.failed++;
      result.firstError ??= `${b.name}: HTTP ${res.status} ${res.text.slice(0, 400)}`;
      result.locations[i] = [];
      return;
    }
    const entries = (JSON.parse(res.text) as { entry?: { response?: { location?: string } }[] }).entry ?? [];
    result.locations[i] = entries.map((e) => typeAndId(e.response?.location));
    result.resources += entries.length;
    result.bundles++;
  };
  const t0 = performance.now();
  // Shared Bundles (Organizations, Practitioners) must exist before any patient refers to them.
  let next = 0;
  while (next < bundles.length && bundles[next].kind === 'shared') await one(next++);
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < bundles.length) await one(next++);
    }),
  );
  result.seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return result;
}

/**
 * Warm-up before a steady-state ingest: one resource of each type in the data through `$validate`
 * (nothing is written), so that compiling each type's validator on first use — a one-time cost of a
 * fresh process — is measured on its own line instead of inside the ingest throughput.
 */
async function warmUp(fhirBase: string, bundles: PreparedBundle[]): Promise<{ types: number; ms: number }> {
  const byType = new Map<string, unknown>();
  for (const b of bundles) {
    for (const e of (JSON.parse(b.json) as { entry: { resource: { resourceType: string } }[] }).entry) {
      if (!byType.has(e.resource.resourceType)) byType.set(e.resource.resourceType, e.resource);
    }
    if (byType.size > 40) break;
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const t0 = performance.now();
  for (const [type, resource] of byType) {
    const res = await post(agent, `${fhirBase}/${type}/$validate`, JSON.stringify(resource));
    if (res.status !== 200) throw new Error(`warm-up: $validate of a ${type} answered ${res.status}`);
  }
  agent.destroy();
  return { types: byType.size, ms: performance.now() - t0 };
}

/** Prints an ingest line; returns resources/s and CPU µs per resource. */
function printIngest(label: string, r: { resources: number; seconds: number; latencies: number[] }, cpuMs: number): { rate: number; cpuUs: number } {
  const rate = r.resources / r.seconds;
  const cpuUs = (1000 * cpuMs) / r.resources;
  out(
    `ingest  ${label.padEnd(24)} ${r.resources} resources in ${r.seconds.toFixed(1)} s = ${fmt(rate)} resources/s  ` +
      `p50 ${fmt(percentile(r.latencies, 50))} ms  p99 ${fmt(percentile(r.latencies, 99))} ms (bundles)  cpu ${fmt(cpuUs)} us/resource`,
  );
  return { rate, cpuUs };
}

// ---------------------------------------------------------------------------------------------------
// Reads with autocannon

interface ReadResult {
  requests: number;
  /** Server CPU µs per request (filled in by the caller). */
  cpuUs?: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function readById(base: string, paths: string[], connections: number, seconds: number, seed: number): Promise<ReadResult> {
  const random = rng(seed);
  const origin = new URL(base);
  const prefix = origin.pathname.replace(/\/$/, '');
  // autocannon's own latency histogram has whole-millisecond resolution; record the exact times.
  const times: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin.origin,
        connections,
        duration: seconds,
        headers: { accept: 'application/fhir+json' },
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => ({ ...req, path: `${prefix}/${paths[Math.floor(random() * paths.length)]}` }),
          },
        ],
      },
      (err: unknown, result: autocannon.Result) => (err ? reject(err as Error) : resolve(result)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
  return { requests: r['2xx'], rps: r['2xx'] / r.duration, p50: percentile(times, 50), p99: percentile(times, 99), non2xx: r.non2xx, errors: r.errors };
}

function printRead(label: string, connections: number, r: ReadResult): void {
  const bad = r.non2xx || r.errors ? `  (non-2xx ${r.non2xx}, errors ${r.errors})` : '';
  out(`read    ${label.padEnd(6)} ${String(connections).padStart(2)} conn  ${fmt(r.rps)} requests/s  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms  server cpu ${fmt(r.cpuUs ?? NaN)} us/request${bad}`);
}

// ---------------------------------------------------------------------------------------------------

async function loadData(): Promise<{ bundles: PreparedBundle[]; source: string; stats: PrepareStats }> {
  const maxPatients = env.BENCH_PATIENTS ? Number(env.BENCH_PATIENTS) : undefined;
  const stats: PrepareStats = { sharedResources: 0, rewrittenReferences: 0, droppedSharedCopies: 0 };
  const dir = env.BENCH_GENERATE ? undefined : findSyntheaDir(repoRoot);
  if (dir) return { bundles: await loadSyntheaBundles(dir, { maxPatients }, stats), source: dir, stats };
  const seed = Number(env.BENCH_SEED ?? 42);
  const data = generateSyntheaLike({ seed, patients: maxPatients ?? 150 });
  return { bundles: [...prepareBundles(data.shared, data.patients, {}, stats)], source: `generator (seed ${seed})`, stats };
}

/** Bodies for the bare server: each ingested resource's JSON as Qiao stores it (id, meta first). */
function bareBodies(bundles: PreparedBundle[], locations: (string | undefined)[][]): [string, string][] {
  const bodies: [string, string][] = [];
  const lastUpdated = new Date().toISOString();
  bundles.forEach((b, i) => {
    const locs = locations[i];
    if (!locs?.length) return;
    const entries = (JSON.parse(b.json) as { entry: { resource: Record<string, unknown> }[] }).entry;
    entries.forEach((e, j) => {
      const key = locs[j];
      if (!key) return;
      const { resourceType, id: _id, meta, ...rest } = e.resource;
      bodies.push([key, JSON.stringify({ resourceType, id: key.split('/')[1], meta: { ...(meta as object), versionId: '1', lastUpdated }, ...rest })]);
    });
  });
  return bodies;
}

async function profiled<T>(child: Child, name: string, fn: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return fn();
  await child.ask({ type: 'profile-start' }, 'profile-started');
  const result = await fn();
  const file = path.join(PROFILE_DIR, `${name}.cpuprofile`);
  await child.ask({ type: 'profile-stop', file }, 'profile-stopped');
  out(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), `${name} (${file})`));
  return result;
}

/** GET-by-id measurements at 1 and 32 connections, with the server's CPU cost per request. */
async function readPhase(label: string, server: Child, paths: string[]): Promise<Map<number, ReadResult>> {
  const results = new Map<number, ReadResult>();
  await readById(server.fhirBase, paths, 32, 2, 1); // warm-up
  for (const c of [1, 32]) {
    const { result, cpuMs } = await server.measured(() => profiled(server, `read-${label}-${c}conn`, () => readById(server.fhirBase, paths, c, READ_SECONDS, c)));
    result.cpuUs = (1000 * cpuMs) / result.requests;
    results.set(c, result);
    printRead(label, c, result);
  }
  return results;
}

function ratioLine(what: string, value: number, target: number): void {
  out(`ratio   ${what} = ${pct(value)} (target >= ${pct(target)})${value >= target ? '' : '  MISSED'}`);
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const t0 = performance.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'qiao-bench-'));
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const children: Child[] = [];
  try {
    const { bundles, source, stats } = await loadData();
    const resources = bundles.reduce((n, b) => n + b.entries, 0);
    const bytes = bundles.reduce((n, b) => n + b.json.length, 0);
    out(`qiao benchmark  node ${process.version}  ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})  load average ${load()}`);
    out(
      `data    ${source}: ${bundles.length} bundles, ${resources} resources, ${(bytes / 1048576).toFixed(1)} MiB JSON ` +
        `(${stats.sharedResources} shared via PUT, ${stats.rewrittenReferences} references rewritten, ${stats.droppedSharedCopies} duplicate shared entries dropped)`,
    );

    // 0. Index extraction cost, in this process, before any server starts.
    if (!ONLY || ONLY === 'extract') extractionBench(bundles, out);
    (globalThis as { gc?: () => void }).gc?.();
    const searchPhase = () =>
      searchMix({
        bundles,
        start: async () => {
          const c = await Child.start(['qiao', path.join(tmp, 'qiao-search.db')]);
          children.push(c);
          return c;
        },
        ingest,
        load: readById,
        out,
        seconds: SEARCH_SECONDS,
      });
    if (ONLY === 'search') await searchPhase();
    if (ONLY) return;

    // 1. Ingest, 1 connection, on the server that then serves the reads.
    const qiao = await Child.start(['qiao', path.join(tmp, 'qiao-1.db')]);
    children.push(qiao);
    const { result: first, cpuMs: firstCpu } = await qiao.measured(() => profiled(qiao, 'ingest-1conn', () => ingest(qiao.fhirBase, bundles, 1)));
    const coldIngest = printIngest('qiao 1 conn cold', first, firstCpu);
    if (first.failed) out(`ingest  qiao 1 conn: ${first.failed} of ${bundles.length} bundles FAILED; first: ${first.firstError}`);
    out(`size    qiao database ${(fileSize(path.join(tmp, 'qiao-1.db')) / 1048576).toFixed(1)} MiB`);

    // 2. Baseline A: raw better-sqlite3, right after, so both see similar machine conditions.
    (globalThis as { gc?: () => void }).gc?.();
    const rawFile = path.join(tmp, 'raw.db');
    const cpu0 = process.cpuUsage();
    const raw = rawSqliteIngest(rawFile, bundles);
    const cpu1 = process.cpuUsage(cpu0);
    const rawIngest = printIngest('raw-sqlite (baseline A)', raw, (cpu1.user + cpu1.system) / 1000);
    out(`size    raw-sqlite database ${(fileSize(rawFile) / 1048576).toFixed(1)} MiB`);

    // 3. Read-by-id on Qiao.
    const paths = first.locations.flat().filter((p): p is string => p !== undefined);
    const qiaoReads = paths.length > 0 ? await readPhase('qiao', qiao, paths) : new Map<number, ReadResult>();
    if (paths.length === 0) out('read    qiao: no resource ingested, skipped');

    // 5. Peak RSS of the Qiao server.
    const s = await qiao.ask({ type: 'stats' }, 'stats');
    out(`memory  qiao server peak RSS ${fmt(s.maxRssKiB / 1024)} MiB (at end: RSS ${fmt(s.rssBytes / 1048576)} MiB, heap used ${fmt(s.heapUsedBytes / 1048576)} MiB)`);
    await qiao.close();

    // 4. Baseline B: bare node:http.
    let bareReads = new Map<number, ReadResult>();
    if (paths.length > 0) {
      const bare = await Child.start(['bare']);
      children.push(bare);
      await bare.ask({ type: 'bodies', bodies: bareBodies(bundles, first.locations) }, 'loaded');
      bareReads = await readPhase('bare', bare, paths);
      await bare.close();
    }

    // 1b. Steady-state ingest: a fresh process and database, warmed up first (see warmUp), per connection count.
    const warmIngest = new Map<number, { rate: number; cpuUs: number }>();
    for (const c of INGEST_CONNECTIONS) {
      const q = await Child.start(['qiao', path.join(tmp, `qiao-warm-${c}.db`)]);
      children.push(q);
      const warm = await warmUp(q.fhirBase, bundles);
      out(`warmup  qiao: ${warm.types} resource types through $validate in ${fmt(warm.ms)} ms (one-time validator compilation, not written)`);
      const { result: r, cpuMs } = await q.measured(() => ingest(q.fhirBase, bundles, c));
      warmIngest.set(c, printIngest(`qiao ${c} conn warm`, r, cpuMs));
      if (r.failed) out(`ingest  qiao ${c} conn: ${r.failed} bundles FAILED; first: ${r.firstError}`);
      const st = await q.ask({ type: 'stats' }, 'stats');
      out(`memory  qiao server (${c} conn ingest) peak RSS ${fmt(st.maxRssKiB / 1024)} MiB`);
      await q.close();
    }

    // Ratios: throughput (the targets), and CPU cost, which other load on the machine disturbs less.
    if (first.failed) out(`ratio   WARNING: ${first.failed} bundles failed on qiao; the ingest ratios compare different work`);
    const qiaoIngest = warmIngest.get(1) ?? coldIngest;
    ratioLine(`ingest qiao/raw-sqlite (1 conn${warmIngest.has(1) ? ', warm' : ', cold'})`, qiaoIngest.rate / rawIngest.rate, INGEST_TARGET);
    out(`ratio   ingest qiao/raw-sqlite (1 conn, cold: validators compiled during the run) = ${pct(coldIngest.rate / rawIngest.rate)}`);
    out(`ratio   ingest cpu per resource raw-sqlite/qiao = ${pct(rawIngest.cpuUs / qiaoIngest.cpuUs)} (same measure, by CPU time)`);
    for (const c of [1, 32]) {
      const q = qiaoReads.get(c);
      const b = bareReads.get(c);
      if (!q || !b) continue;
      ratioLine(`read ${String(c).padStart(2)} conn qiao/bare`, q.rps / b.rps, READ_TARGET);
      out(`ratio   read ${String(c).padStart(2)} conn cpu per request bare/qiao = ${pct(b.cpuUs! / q.cpuUs!)} (same measure, by CPU time)`);
    }
    // 6. Search mix, on its own fresh server.
    if (SEARCH) await searchPhase();
    out(`total   benchmark wall time ${((performance.now() - t0) / 1000).toFixed(0)} s, load average ${load()}`);
  } finally {
    await Promise.all(children.map((c) => c.close()));
    if (!env.BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
    else out(`kept    ${tmp}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
