/**
 * Turns Synthea's FHIR R4 export into transaction Bundles that a spec-strict server accepts, in load order.
 *
 * Synthea writes one transaction Bundle per patient plus `hospitalInformation*.json` and
 * `practitionerInformation*.json`: Bundles of Organizations and Practitioners (POST entries with
 * `urn:uuid:<id>` fullUrls). Patient Bundles reference those shared resources by `urn:uuid:<id>`, a
 * fullUrl that is not in the patient Bundle itself, and the FHIR transaction rules (http.html#trules)
 * resolve `urn:uuid:` references only against the same Bundle's fullUrls, so a strict server rejects
 * them. This module therefore:
 *
 * 1. turns every entry of the shared Bundles into `PUT Type/<resource.id>` (keeping Synthea's ids) and
 *    records `urn:uuid:<id>` -> `Type/<id>`;
 * 2. in each patient Bundle, rewrites every `reference` (a deep walk over the whole resource, including
 *    extensions and contained resources) that names a shared fullUrl to the literal `Type/<id>`;
 * 3. drops (by default) a patient Bundle's own POST copies of shared resources: some Synthea exports
 *    (e.g. the 2019 sample set) repeat each Organization/Practitioner a patient saw inside the patient
 *    Bundle, with the same id as in the shared file. POSTing those would create a duplicate with a
 *    server-assigned id on every patient; since their references now point at the shared copy, the
 *    entries are redundant. `keepSharedCopies: true` keeps them (and their in-Bundle references).
 *
 * The output is compact JSON text ready to POST to `[base]` as `application/fhir+json`, shared Bundles
 * first, then patients in file-name order (deterministic). Used by the benchmark and reusable by tests.
 */
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The loose JSON shape of a Bundle as found on disk (nothing is assumed valid). */
export interface RawEntry {
  fullUrl?: string;
  resource?: { resourceType?: string; id?: string; [k: string]: unknown };
  request?: { method?: string; url?: string; [k: string]: unknown };
  [k: string]: unknown;
}
export interface RawBundle {
  resourceType?: string;
  type?: string;
  entry?: RawEntry[];
  [k: string]: unknown;
}

/** A transaction Bundle ready to POST. */
export interface PreparedBundle {
  /** Where it came from: a file name, or a generator label. */
  name: string;
  /** 'shared' for the Organization/Practitioner Bundles loaded with PUT, 'patient' otherwise. */
  kind: 'shared' | 'patient';
  /** Compact JSON text of the transaction Bundle. */
  json: string;
  /** Number of entries (resources written). */
  entries: number;
}

export interface PrepareOptions {
  /** Keep patient Bundles' own POST copies of shared resources (default false: drop them). */
  keepSharedCopies?: boolean;
}

export interface PrepareStats {
  sharedResources: number;
  /** References rewritten from `urn:uuid:` to a shared resource's `Type/id`. */
  rewrittenReferences: number;
  /** Patient-Bundle entries dropped because they duplicate a shared resource. */
  droppedSharedCopies: number;
}

/** Maps shared fullUrls (`urn:uuid:<id>`) to their literal references (`Type/<id>`). */
export type SharedReferences = Map<string, string>;

/** Where Synthea's data lives relative to a repository root (`../shared/data/synthea-r4`), if present. */
export function findSyntheaDir(repoRoot: string): string | undefined {
  const dir = path.resolve(repoRoot, '../shared/data/synthea-r4');
  return existsSync(dir) ? dir : undefined;
}

/** Calls `visit` on every object holding a string `reference`, anywhere below `node`. */
export function walkReferences(node: unknown, visit: (holder: { reference: string }) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walkReferences(item, visit);
  } else if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const key in obj) {
      const value = obj[key];
      if (key === 'reference' && typeof value === 'string') visit(obj as { reference: string });
      else if (value !== null && typeof value === 'object') walkReferences(value, visit);
    }
  }
}

/**
 * Converts a shared (hospital or practitioner) Bundle to a transaction of `PUT Type/id` entries and
 * records each entry's fullUrl in `shared`. Entries without a resource id are skipped.
 */
export function sharedToPut(bundle: RawBundle, shared: SharedReferences): RawBundle {
  const entry: RawEntry[] = [];
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    if (!r?.resourceType || !r.id) continue;
    const literal = `${r.resourceType}/${r.id}`;
    if (e.fullUrl) shared.set(e.fullUrl, literal);
    shared.set(`urn:uuid:${r.id}`, literal);
    entry.push({ fullUrl: e.fullUrl ?? `urn:uuid:${r.id}`, resource: r, request: { method: 'PUT', url: literal } });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

/**
 * Rewrites a patient Bundle in place: references to shared resources become `Type/id`, and (unless
 * `keepSharedCopies`) entries that re-create a shared resource are dropped. Returns the counts.
 */
export function rewritePatientBundle(
  bundle: RawBundle,
  shared: SharedReferences,
  options: PrepareOptions = {},
): { rewritten: number; dropped: number } {
  let dropped = 0;
  let entries = bundle.entry ?? [];
  if (!options.keepSharedCopies) {
    const before = entries.length;
    entries = entries.filter((e) => !(e.fullUrl && isSharedCopy(e, shared)));
    dropped = before - entries.length;
    bundle.entry = entries;
  }
  // A fullUrl still present in this Bundle resolves locally; only the others are rewritten.
  const local = new Set<string>();
  for (const e of entries) if (e.fullUrl) local.add(e.fullUrl);
  let rewritten = 0;
  for (const e of entries) {
    walkReferences(e.resource, (holder) => {
      const ref = holder.reference;
      if (!ref.startsWith('urn:') || local.has(ref)) return;
      const literal = shared.get(ref);
      if (literal) {
        holder.reference = literal;
        rewritten++;
      }
    });
  }
  return { rewritten, dropped };
}

function isSharedCopy(e: RawEntry, shared: SharedReferences): boolean {
  const literal = shared.get(e.fullUrl!);
  return literal !== undefined && e.request?.method === 'POST' && literal === `${e.resource?.resourceType}/${e.resource?.id}`;
}

function emptyStats(): PrepareStats {
  return { sharedResources: 0, rewrittenReferences: 0, droppedSharedCopies: 0 };
}

/**
 * Prepares Bundles one at a time; shared Bundles must all pass through `shared` before any patient
 * Bundle goes through `patient`. `stats` accumulates as it goes.
 */
export class SyntheaPreparer {
  readonly references: SharedReferences = new Map();
  constructor(
    readonly options: PrepareOptions = {},
    readonly stats: PrepareStats = emptyStats(),
  ) {}

  shared(name: string, bundle: RawBundle): PreparedBundle {
    const put = sharedToPut(bundle, this.references);
    this.stats.sharedResources += put.entry!.length;
    return { name, kind: 'shared', json: JSON.stringify(put), entries: put.entry!.length };
  }

  patient(name: string, bundle: RawBundle): PreparedBundle {
    const { rewritten, dropped } = rewritePatientBundle(bundle, this.references, this.options);
    this.stats.rewrittenReferences += rewritten;
    this.stats.droppedSharedCopies += dropped;
    return { name, kind: 'patient', json: JSON.stringify(bundle), entries: bundle.entry?.length ?? 0 };
  }
}

/** Prepares Synthea-shaped Bundles held in memory (e.g. the seeded generator's output), shared ones first. */
export function* prepareBundles(
  sharedBundles: Iterable<{ name: string; bundle: RawBundle }>,
  patientBundles: Iterable<{ name: string; bundle: RawBundle }>,
  options: PrepareOptions = {},
  stats: PrepareStats = emptyStats(),
): Generator<PreparedBundle> {
  const preparer = new SyntheaPreparer(options, stats);
  for (const { name, bundle } of sharedBundles) yield preparer.shared(name, bundle);
  for (const { name, bundle } of patientBundles) yield preparer.patient(name, bundle);
}

export interface SyntheaDirOptions extends PrepareOptions {
  /** Load at most this many patient Bundles (in file-name order). */
  maxPatients?: number;
}

/** Lists a Synthea output directory: shared Bundle files (hospitals, then practitioners) and patient files. */
export async function listSyntheaFiles(dir: string): Promise<{ shared: string[]; patients: string[] }> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const hospitals = names.filter((n) => n.startsWith('hospitalInformation'));
  const practitioners = names.filter((n) => n.startsWith('practitionerInformation'));
  const patients = names.filter((n) => !n.startsWith('hospitalInformation') && !n.startsWith('practitionerInformation'));
  return { shared: [...hospitals, ...practitioners], patients };
}

/**
 * Reads a Synthea output directory file by file and yields ready-to-POST transaction Bundles in load
 * order (shared first). Only one raw file is in memory at a time.
 */
export async function* syntheaBundles(
  dir: string,
  options: SyntheaDirOptions = {},
  stats: PrepareStats = emptyStats(),
): AsyncGenerator<PreparedBundle> {
  const files = await listSyntheaFiles(dir);
  const preparer = new SyntheaPreparer(options, stats);
  for (const name of files.shared) yield preparer.shared(name, await readBundle(dir, name));
  for (const name of files.patients.slice(0, options.maxPatients ?? files.patients.length)) {
    yield preparer.patient(name, await readBundle(dir, name));
  }
}

/** All of `syntheaBundles` as a list. */
export async function loadSyntheaBundles(dir: string, options: SyntheaDirOptions = {}, stats?: PrepareStats): Promise<PreparedBundle[]> {
  const out: PreparedBundle[] = [];
  for await (const b of syntheaBundles(dir, options, stats)) out.push(b);
  return out;
}

async function readBundle(dir: string, name: string): Promise<RawBundle> {
  const bundle = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as RawBundle;
  if (bundle.resourceType !== 'Bundle') throw new Error(`${name} is not a Bundle`);
  return bundle;
}
