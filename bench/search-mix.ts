/**
 * The benchmark's search mix (called from bench/run.ts). On a dedicated fresh Qiao server: load the
 * shared Bundles (Organizations, Practitioners) and the first 50 patient Bundles, pick query values from
 * that data through the API, run the mix; load the remaining patients and run the same mix, with the
 * same values, again. Selective queries (one patient's data, one name) should cost the same at both
 * sizes; the closing ratio lines show whether they do (a drop suggests a missing index).
 *
 * Each query rotates over up to VALUES different values (a seeded random pick per request), so one
 * cached row does not flatter it, and is measured with autocannon at 1 and 16 connections. Before the
 * measurement every value is requested once: that warms the server, counts the entries returned, and
 * catches errors (a query answered with 4xx/5xx is reported and not measured).
 */
import { authHeaders } from './bearer.js';
import { rng } from './generate.js';
import type { PreparedBundle } from './synthea.js';

/** What the mix needs from bench/run.ts (its server child, ingest and autocannon helpers). */
export interface SearchServer {
  fhirBase: string;
  measured<T>(fn: () => Promise<T>): Promise<{ result: T; cpuMs: number }>;
  close(): Promise<void>;
}
export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}
export interface SearchMixOptions {
  bundles: PreparedBundle[];
  /** Starts a fresh Qiao server child on an empty database. */
  start(): Promise<SearchServer>;
  ingest(fhirBase: string, bundles: PreparedBundle[], connections: number): Promise<{ resources: number; seconds: number; failed: number; firstError?: string }>;
  /** GETs `[base]/<path>` for random paths of the list with autocannon; latencies exact (not autocannon's ms histogram). */
  load(fhirBase: string, paths: string[], connections: number, seconds: number, seed: number): Promise<LoadResult>;
  out(line: string): void;
  /** Duration of each measurement, seconds. */
  seconds: number;
}

/** Patients loaded before the first run of the mix; all query values come from them. */
const FIRST_PATIENTS = 50;
/** Values rotated over per query. */
const VALUES = 20;
const CONNECTIONS = [1, 16];
const SEED = 7;
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

interface Query {
  label: string;
  /** Whether the result stays the same as the database grows (so the cost should too). */
  selective: boolean;
  /** Paths relative to the FHIR base, e.g. `Patient?name=Smith`. */
  paths: string[];
}

interface Sample {
  entries: number;
  included: number;
  total?: number;
}

export interface Measured {
  result: LoadResult;
  cpuUs: number;
}

/** The mix's figures per database size, keyed `<query label>|<connections>`, and the errors seen. */
export interface SearchMixResult {
  sizes: { patients: number; results: Map<string, Measured> }[];
  errors: SearchError[];
}

export interface SearchError {
  size: string;
  label: string;
  path: string;
  status: number;
  body: string;
}

// ---------------------------------------------------------------------------------------------------
// Plain HTTP helpers (value picking and samples; not measured)

type Json = Record<string, unknown>;
interface SearchBundle {
  resourceType: string;
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: { resource?: Json; search?: { mode?: string } }[];
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: { accept: 'application/fhir+json', ...authHeaders(url) } });
  return { status: res.status, text: await res.text() };
}

/** Every match of a search, following `next` links. Throws on an error status (these are setup searches). */
async function searchAll(fhirBase: string, path: string): Promise<Json[]> {
  const found: Json[] = [];
  let url: string | undefined = `${fhirBase}/${path}`;
  while (url) {
    const res = await get(url);
    if (res.status !== 200) throw new Error(`search mix setup: GET ${url} answered HTTP ${res.status}: ${res.text.slice(0, 500)}`);
    const bundle = JSON.parse(res.text) as SearchBundle;
    for (const e of bundle.entry ?? []) if (e.resource && (e.search?.mode ?? 'match') === 'match') found.push(e.resource);
    url = bundle.link?.find((l) => l.relation === 'next')?.url;
  }
  return found;
}

/** `Type?k=v&k=v`, values percent-encoded. */
function query(type: string, params: [string, string][]): string {
  return `${type}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const unique = (paths: string[]) => [...new Set(paths)];

/** A copy sorted by a string key (plain code-unit order, the same everywhere). */
function sortedBy<T>(items: T[], key: (item: T) => string): T[] {
  return items.map((item) => ({ item, k: key(item) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.item);
}

// ---------------------------------------------------------------------------------------------------
// Picking the query values from the loaded data

interface Coding {
  system?: string;
  code?: string;
}
interface Quantity {
  value?: number;
  system?: string;
  code?: string;
}

function loincCode(obs: Json): string | undefined {
  return ((obs.code as { coding?: Coding[] } | undefined)?.coding ?? []).find((c) => c.system === LOINC && c.code)?.code;
}

function ucumQuantity(obs: Json): Required<Quantity> | undefined {
  const q = obs.valueQuantity as Quantity | undefined;
  return q && typeof q.value === 'number' && q.system === UCUM && q.code ? (q as Required<Quantity>) : undefined;
}

/** `2015-03-02T...` -> `2015-03-02`, and the same day one year later. */
function yearFrom(dateTime: string): [string, string] {
  const day = dateTime.slice(0, 10);
  return [day, `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`.replace(/-02-29$/, '-02-28')];
}

/**
 * A threshold for `value-quantity=gt<v>` returning about 5% of a code's observations (at least one):
 * the largest observed value with at least that many observations above it.
 */
function threshold(values: number[]): number | undefined {
  const desc = [...values].sort((a, b) => b - a);
  const want = Math.max(1, Math.ceil(0.05 * desc.length));
  for (let i = 0; i < desc.length; i++) {
    if (i >= want && desc[i] < desc[i - 1]) return desc[i];
  }
  return undefined;
}

async function pickQueries(fhirBase: string, out: (line: string) => void): Promise<Query[]> {
  const random = rng(SEED);
  const all = (await searchAll(fhirBase, 'Patient?_count=1000&_elements=name,birthDate,identifier')).map((p) => {
    const names = (p.name as { use?: string; family?: string }[] | undefined) ?? [];
    const identifier = ((p.identifier as { system?: string; value?: string }[] | undefined) ?? []).find((i) => i.system && i.value);
    return {
      id: p.id as string,
      family: (names.find((n) => n.use === 'official') ?? names[0])?.family,
      birthDate: p.birthDate as string | undefined,
      identifier: identifier ? `${identifier.system}|${identifier.value}` : undefined,
    };
  });
  if (all.length === 0) throw new Error('search mix setup: no Patient in the server');
  // Sorted by what the data says (not by server-assigned ids or the server's result order, which differ
  // between runs and engines) before the seeded shuffle, so every run and engine picks the same patients.
  const picked = shuffled(sortedBy(all, (p) => `${p.identifier ?? ''}|${p.family ?? ''}|${p.birthDate ?? ''}`), random).slice(0, VALUES);

  // Per patient, one of its LOINC-coded observations (with a value, when it has any): its code, and a
  // one-year window from its date.
  const patientCode: string[] = [];
  const patientCodeDate: string[] = [];
  const quantityCodes = new Map<string, number>();
  for (const p of picked) {
    const obs = await searchAll(fhirBase, `Observation?patient=Patient/${p.id}&_count=1000`);
    for (const o of obs) {
      const code = loincCode(o);
      if (code && ucumQuantity(o)) quantityCodes.set(code, (quantityCodes.get(code) ?? 0) + 1);
    }
    const coded = sortedBy(
      obs.filter((o) => loincCode(o) && typeof o.effectiveDateTime === 'string'),
      (o) => `${o.effectiveDateTime as string}|${loincCode(o)}|${ucumQuantity(o)?.value ?? ''}`,
    );
    const pool = coded.filter((o) => ucumQuantity(o));
    const pool2 = pool.length > 0 ? pool : coded;
    if (pool2.length === 0) continue;
    const o = pool2[Math.floor(random() * pool2.length)];
    const code = `${LOINC}|${loincCode(o)}`;
    const [from, to] = yearFrom(o.effectiveDateTime as string);
    patientCode.push(query('Observation', [['patient', `Patient/${p.id}`], ['code', code]]));
    patientCodeDate.push(query('Observation', [['patient', `Patient/${p.id}`], ['code', code], ['date', `ge${from}`], ['date', `lt${to}`]]));
  }

  // The most frequent quantity codes among those patients, each with a threshold leaving about 5%.
  const valueQuantity: string[] = [];
  const codes = [...quantityCodes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  for (const code of codes) {
    if (valueQuantity.length >= VALUES) break;
    const quantities = (await searchAll(fhirBase, query('Observation', [['code', `${LOINC}|${code}`], ['_count', '1000']])))
      .map(ucumQuantity)
      .filter((q): q is Required<Quantity> => q !== undefined);
    if (quantities.length < 20) continue;
    const unit = quantities[0].code;
    const t = threshold(quantities.filter((q) => q.code === unit).map((q) => q.value));
    if (t === undefined) continue;
    valueQuantity.push(query('Observation', [['code', `${LOINC}|${code}`], ['value-quantity', `gt${t}|${UCUM}|${unit}`]]));
  }

  const families = unique(picked.map((p) => p.family).filter((f): f is string => !!f));
  const queries: Query[] = [
    { label: 'Patient name', selective: true, paths: families.map((f) => query('Patient', [['name', f]])) },
    { label: 'Patient birthdate', selective: true, paths: unique(picked.filter((p) => p.birthDate).map((p) => query('Patient', [['birthdate', p.birthDate!]]))) },
    { label: 'Patient identifier', selective: true, paths: picked.filter((p) => p.identifier).map((p) => query('Patient', [['identifier', p.identifier!]])) },
    { label: 'Observation patient+code', selective: true, paths: patientCode },
    { label: 'Observation patient+code+date', selective: true, paths: patientCodeDate },
    { label: 'Observation code+value-quantity', selective: false, paths: valueQuantity },
    {
      label: 'Encounter patient+_include',
      selective: true,
      paths: picked.map((p) => query('Encounter', [['patient', `Patient/${p.id}`], ['_include', 'Encounter:participant'], ['_include', 'Encounter:service-provider']])),
    },
    { label: 'Condition subject:Patient.name', selective: true, paths: families.map((f) => query('Condition', [['subject:Patient.name', f]])) },
    { label: 'Observation _summary=count', selective: false, paths: ['Observation?_summary=count'] },
    { label: 'Observation _count=1000', selective: false, paths: ['Observation?_count=1000'] },
  ];
  for (const q of queries) {
    if (q.paths.length === 0) out(`search  ${q.label}: no values found in the data, skipped`);
    else out(`search    ${q.label.padEnd(32)} ${String(q.paths.length).padStart(2)} values, e.g. GET ${decodeURIComponent(q.paths[0])}`);
  }
  return queries.filter((q) => q.paths.length > 0);
}

// ---------------------------------------------------------------------------------------------------
// Running the mix

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).replace(/,/g, '');

/** Requests every value once: entries per value, or the first error. */
async function sample(fhirBase: string, q: Query): Promise<{ samples: Sample[]; error?: { path: string; status: number; body: string } }> {
  const samples: Sample[] = [];
  for (const path of q.paths) {
    const res = await get(`${fhirBase}/${path}`);
    if (res.status < 200 || res.status >= 300) return { samples, error: { path, status: res.status, body: res.text.slice(0, 600) } };
    const b = JSON.parse(res.text) as SearchBundle;
    const entries = b.entry?.length ?? 0;
    samples.push({ entries, included: (b.entry ?? []).filter((e) => e.search?.mode === 'include').length, total: b.total });
  }
  return { samples };
}

function describe(samples: Sample[]): string {
  const [s] = samples;
  let text = `entries ${s.entries}`;
  if (s.included) text += ` (${s.included} included)`;
  if (s.total !== undefined && s.total !== s.entries - s.included) text += ` total ${s.total}`;
  if (samples.length > 1) {
    const counts = samples.map((x) => x.entries);
    const [min, max] = [Math.min(...counts), Math.max(...counts)];
    text += `  (${samples.length} values: ${min === max ? min : `${min}-${max}`} entries)`;
  }
  return text;
}

async function runMix(
  o: SearchMixOptions,
  server: SearchServer,
  queries: Query[],
  size: string,
  errors: SearchError[],
): Promise<Map<string, Measured>> {
  const results = new Map<string, Measured>();
  for (const q of queries) {
    const { samples, error } = await sample(server.fhirBase, q);
    if (error) {
      errors.push({ size, label: q.label, ...error });
      o.out(`search  ${q.label.padEnd(32)} ERROR HTTP ${error.status} for GET ${decodeURIComponent(error.path)}: ${error.body}  (not measured)`);
      continue;
    }
    for (const c of CONNECTIONS) {
      const { result, cpuMs } = await server.measured(() => o.load(server.fhirBase, q.paths, c, o.seconds, c));
      const m = { result, cpuUs: (1000 * cpuMs) / Math.max(1, result.requests) };
      results.set(`${q.label}|${c}`, m);
      let bad = result.non2xx || result.errors ? `  (non-2xx ${result.non2xx}, errors ${result.errors})` : '';
      // Requests still in flight when the measurement stops are not counted, but their server CPU is.
      if (result.requests < 20) bad += `  (only ${result.requests} requests: figures rough, cpu per request overstated)`;
      if (result.non2xx) errors.push({ size, label: `${q.label} (${c} conn, during the measurement)`, path: '', status: 0, body: `${result.non2xx} non-2xx answers` });
      o.out(
        `search  ${q.label.padEnd(32)} ${String(c).padStart(2)} conn  ${fmt(result.rps, result.rps < 10 ? 1 : 0).padStart(5)} requests/s  p50 ${fmt(result.p50, 2)} ms  p99 ${fmt(result.p99, 2)} ms  ` +
          `${describe(samples)}  server cpu ${fmt(m.cpuUs)} us/request${bad}`,
      );
    }
  }
  return results;
}

/** Runs the whole search phase: two sizes, then the ratio lines. */
export async function searchMix(o: SearchMixOptions): Promise<SearchMixResult> {
  const shared = o.bundles.filter((b) => b.kind === 'shared');
  const patients = o.bundles.filter((b) => b.kind === 'patient');
  const steps = [
    { bundles: [...shared, ...patients.slice(0, FIRST_PATIENTS)], patients: Math.min(FIRST_PATIENTS, patients.length) },
    ...(patients.length > FIRST_PATIENTS ? [{ bundles: patients.slice(FIRST_PATIENTS), patients: patients.length }] : []),
  ];
  const errors: SearchError[] = [];
  const sizes: SearchMixResult['sizes'] = [];
  const server = await o.start();
  try {
    let resources = 0;
    let queries: Query[] | undefined;
    for (const step of steps) {
      const r = await o.ingest(server.fhirBase, step.bundles, 2);
      resources += r.resources;
      if (r.failed) o.out(`search  ingest: ${r.failed} bundles FAILED; first: ${r.firstError}`);
      const size = `${step.patients} patients`;
      o.out(
        `search  size ${size} (${resources} resources, ${r.resources} loaded in ${r.seconds.toFixed(1)} s): ` +
          `query values picked from the first ${Math.min(FIRST_PATIENTS, patients.length)} patients, each query rotating over its values, ${o.seconds} s per measurement`,
      );
      queries ??= await pickQueries(server.fhirBase, o.out);
      sizes.push({ patients: step.patients, results: await runMix(o, server, queries, size, errors) });
    }
    if (sizes.length === 2 && queries) {
      const [small, large] = sizes;
      for (const q of queries) {
        for (const c of CONNECTIONS) {
          const a = small.results.get(`${q.label}|${c}`);
          const b = large.results.get(`${q.label}|${c}`);
          if (!a || !b) continue;
          printRatio(o, q, c, large.patients, small.patients, b.result.rps / a.result.rps, a.cpuUs / b.cpuUs);
        }
      }
    }
    for (const e of errors) o.out(`search  ERROR (${e.size}) ${e.label}: ${e.status ? `HTTP ${e.status} for GET ${decodeURIComponent(e.path)}: ` : ''}${e.body}`);
  } finally {
    await server.close();
  }
  return { sizes, errors };
}

function printRatio(o: SearchMixOptions, q: Query, c: number, large: number, small: number, rps: number, cpu: number): void {
  const note = q.selective ? '' : '  (not selective: the result grows with the data)';
  o.out(
    `ratio   search ${q.label} ${c} conn ${large}/${small} patients = ${(100 * rps).toFixed(0)}% ` +
      `(server cpu per request ${small}/${large} = ${(100 * cpu).toFixed(0)}%)${note}`,
  );
}
