/**
 * The benchmark's closing comparison of the engines (bench/run.ts): per scenario, one line with the
 * SQLite and the PostgreSQL figures side by side and their ratio. Both come from the same data,
 * connection counts and query mix; the per-phase lines above them have the details (p99, CPU, sizes).
 */
import { fmt, type IngestFigures, type ReadResult } from './scenarios.js';
import type { SearchMixResult } from './search-mix.js';

/** One engine's figures, as run.ts (SQLite) and postgres.ts collect them. */
export interface EngineFigures {
  ingestCold?: IngestFigures;
  /** Steady-state ingest, per connection count. */
  ingestWarm: Map<number, IngestFigures>;
  /** Read-by-id, per connection count. */
  reads: Map<number, ReadResult>;
  search?: SearchMixResult;
  /** Failed Bundles, non-2xx answers: why a figure may compare different work. */
  problems: string[];
}

interface Cell {
  rate: number;
  p50: number;
  cpuUs?: number;
}

const num = (n: number) => fmt(n, n < 10 ? 1 : 0);
const ms = (n: number) => fmt(n, n < 10 ? 2 : 0);

function cell(c: Cell | undefined, unit: string): string {
  if (!c) return '-'.padStart(8).padEnd(37 + 11);
  const cpu = c.cpuUs === undefined ? '' : `  cpu ${fmt(c.cpuUs).padStart(5)} us`;
  return `${num(c.rate).padStart(8)} ${unit.padEnd(11)}  p50 ${ms(c.p50).padStart(5)} ms${cpu.padEnd(14)}`;
}

function row(out: (line: string) => void, label: string, unit: string, a: Cell | undefined, b: Cell | undefined): void {
  const ratio = a && b ? `  postgres/sqlite ${((100 * b.rate) / a.rate).toFixed(0)}%` : '';
  out(`compare ${label.padEnd(54)} sqlite ${cell(a, unit)}  postgres ${cell(b, unit)}${ratio}`);
}

const ingestCell = (f: IngestFigures | undefined): Cell | undefined => f && { rate: f.rate, p50: f.p50, cpuUs: f.cpuUs };
const readCell = (r: ReadResult | undefined): Cell | undefined => r && { rate: r.rps, p50: r.p50, cpuUs: r.cpuUs };

/** Prints the comparison, or why there is none. */
export function printComparison(out: (line: string) => void, sqlite: EngineFigures, postgres: EngineFigures | undefined, skipped?: string): void {
  if (!postgres) {
    out(`compare PostgreSQL figures SKIPPED: ${skipped ?? 'not run'}`);
    return;
  }
  out('compare sqlite vs postgres: same data, connection counts and query mix; throughput, p50 latency, and server cpu of the Qiao process only (not PostgreSQL\'s own processes)');
  if (sqlite.ingestCold || postgres.ingestCold) row(out, 'ingest 1 conn cold', 'resources/s', ingestCell(sqlite.ingestCold), ingestCell(postgres.ingestCold));
  for (const c of new Set([...sqlite.ingestWarm.keys(), ...postgres.ingestWarm.keys()])) {
    row(out, `ingest ${c} conn warm`, 'resources/s', ingestCell(sqlite.ingestWarm.get(c)), ingestCell(postgres.ingestWarm.get(c)));
  }
  for (const c of new Set([...sqlite.reads.keys(), ...postgres.reads.keys()])) {
    row(out, `read ${String(c).padStart(2)} conn`, 'requests/s', readCell(sqlite.reads.get(c)), readCell(postgres.reads.get(c)));
  }
  // The search mix at its largest size (all patients); the per-size lines above have the rest.
  const a = sqlite.search?.sizes.at(-1);
  const b = postgres.search?.sizes.at(-1);
  if (a || b) {
    const keys = [...new Set([...(a?.results.keys() ?? []), ...(b?.results.keys() ?? [])])];
    const patients = a?.patients ?? b?.patients;
    for (const key of keys) {
      const [label, c] = key.split('|');
      const [x, y] = [a?.results.get(key), b?.results.get(key)];
      row(out, `search ${label} ${c.padStart(2)} conn`, 'requests/s', x && { rate: x.result.rps, p50: x.result.p50, cpuUs: x.cpuUs }, y && { rate: y.result.rps, p50: y.result.p50, cpuUs: y.cpuUs });
    }
    out(`compare (search figures at ${patients} patients)`);
  }
  for (const [engine, f] of [['sqlite', sqlite], ['postgres', postgres]] as const) {
    for (const p of f.problems) out(`compare ${engine} PROBLEM: ${p}`);
  }
}
