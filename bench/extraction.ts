/**
 * Search index extraction cost per resource: src/search/extract/extract.ts `extractIndexRows` over every
 * resource of the benchmark's Bundles, in the benchmark's own process (no server, no database), so the
 * figure is the CPU each write spends on extraction alone.
 *
 * One untimed pass first (it compiles each type's extraction plan and warms the JIT; its time is printed
 * as the cold pass), then BENCH_EXTRACT_PASSES timed passes (default 5). Each pass runs type by type
 * and times every type's resources as one batch, so per-type figures carry no per-call timer overhead;
 * the printed figures are the median over the timed passes.
 *
 * The resources are as in the transaction Bundles: references between a patient's own resources are
 * still `urn:uuid:` fullUrls (the server rewrites them to `Type/id` before extracting), and there is
 * no id or meta yet. Neither changes what the extractors do in any way that matters for the cost.
 */
import type { Resource } from '../src/fhir/types.js';
import { extractIndexRows } from '../src/search/extract/extract.js';
import type { IndexRows } from '../src/search/types.js';
import type { PreparedBundle } from './synthea.js';

const PASSES = Math.max(1, Number(process.env.BENCH_EXTRACT_PASSES ?? 5));

function rowCount(rows: IndexRows): number {
  return rows.strings.length + rows.tokens.length + rows.dates.length + rows.numbers.length + rows.quantities.length + rows.references.length + rows.uris.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs the extraction benchmark and prints its lines with `out`. */
export function extractionBench(bundles: PreparedBundle[], out: (line: string) => void): void {
  const byType = new Map<string, Resource[]>();
  for (const b of bundles) {
    for (const e of (JSON.parse(b.json) as { entry?: { resource?: Resource }[] }).entry ?? []) {
      const r = e.resource;
      if (!r?.resourceType) continue;
      let list = byType.get(r.resourceType);
      if (!list) byType.set(r.resourceType, (list = []));
      list.push(r);
    }
  }
  const types = [...byType.keys()];
  const total = types.reduce((n, t) => n + byType.get(t)!.length, 0);
  if (total === 0) {
    out('extract no resources, skipped');
    return;
  }

  // Cold pass: compiles the plans; also counts the rows (they are the same on every pass).
  const rowsByType = new Map<string, number>();
  let sink = 0;
  const c0 = performance.now();
  for (const t of types) {
    let rows = 0;
    for (const r of byType.get(t)!) rows += rowCount(extractIndexRows(r));
    rowsByType.set(t, rows);
  }
  const coldMs = performance.now() - c0;

  const msByType = new Map<string, number[]>(types.map((t) => [t, []]));
  for (let pass = 0; pass < PASSES; pass++) {
    for (const t of types) {
      const list = byType.get(t)!;
      const start = performance.now();
      for (const r of list) sink += extractIndexRows(r).tokens.length;
      msByType.get(t)!.push(performance.now() - start);
    }
  }
  if (sink < 0) out('unreachable'); // keeps the results observable

  const passMs = Array.from({ length: PASSES }, (_, i) => types.reduce((s, t) => s + msByType.get(t)![i], 0));
  const ms = median(passMs);
  const rows = [...rowsByType.values()].reduce((a, b) => a + b, 0);
  out(
    `extract index rows: ${total} resources in ${(ms / 1000).toFixed(2)} s = ${((1000 * ms) / total).toFixed(1)} us/resource ` +
      `(${(rows / total).toFixed(1)} rows/resource; median of ${PASSES} passes, cold first pass ${(coldMs / 1000).toFixed(2)} s)`,
  );
  const perType = types
    .map((t) => ({ t, n: byType.get(t)!.length, us: (1000 * median(msByType.get(t)!)) / byType.get(t)!.length, rows: rowsByType.get(t)! / byType.get(t)!.length }))
    .sort((a, b) => b.us - a.us);
  for (const { t, n, us, rows: r } of perType.slice(0, 5)) {
    out(`extract   slowest  ${t.padEnd(22)} ${us.toFixed(1).padStart(7)} us/resource  ${r.toFixed(1).padStart(5)} rows/resource  (${n} resources)`);
  }
}
