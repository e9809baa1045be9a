/**
 * A prebuilt index of the definitions packages: canonical URL -> file, for the conformance resources
 * of hl7.fhir.r4.examples and the ValueSets of hl7.fhir.r4.expansions. Why: without it, the first
 * lookup of a canonical the package does not hold (every profile or extension from another IG, such as
 * US Core's in Synthea data) has to read ~3,000 files to be sure (measured: 630 ms on the first write).
 * `npm run build` writes it to dist/definitions-index.json (run this file with node); when it is
 * missing or stale, the registry indexes the packages itself on first need.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

export interface DefinitionsIndex {
  /** Package versions the index was built from; a mismatch makes it stale. */
  versions: { examples: string; expansions: string };
  /** Canonical URL -> file name in hl7.fhir.r4.examples. */
  canonical: Record<string, string>;
  /** ValueSet URL -> file name in hl7.fhir.r4.expansions. */
  expansion: Record<string, string>;
}

export const CANONICAL_KINDS = ['StructureDefinition', 'ValueSet', 'CodeSystem', 'ConceptMap', 'OperationDefinition', 'SearchParameter', 'NamingSystem', 'CompartmentDefinition'];

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function packageVersion(dir: string): string {
  return readJson<{ version: string }>(join(dir, 'package.json')).version;
}

export function buildDefinitionsIndex(examplesDir: string, expansionsDir: string): DefinitionsIndex {
  const canonical: Record<string, string> = {};
  const files = readdirSync(examplesDir).sort();
  // Kind by kind, as the registry's own on-demand index does, so both pick the same file for a URL.
  for (const kind of CANONICAL_KINDS) {
    for (const file of files) {
      if (!file.startsWith(kind + '-') || !file.endsWith('.json')) continue;
      const url = readJson<{ url?: unknown }>(join(examplesDir, file)).url;
      if (typeof url === 'string' && !(url in canonical)) canonical[url] = file;
    }
  }
  const expansion: Record<string, string> = {};
  for (const file of readdirSync(expansionsDir).sort()) {
    if (!file.startsWith('ValueSet-') || !file.endsWith('.json')) continue;
    const url = readJson<{ url?: unknown }>(join(expansionsDir, file)).url;
    if (typeof url === 'string' && !(url in expansion)) expansion[url] = file;
  }
  return { versions: { examples: packageVersion(examplesDir), expansions: packageVersion(expansionsDir) }, canonical, expansion };
}

/** The index file: dist/definitions-index.json at the root of this package, from src/ or dist/src/. */
export function definitionsIndexFile(): string {
  return join(packageRoot(), 'dist', 'definitions-index.json');
}

/** The prebuilt index, when present and built from the installed package versions. */
export function loadDefinitionsIndex(examplesDir: string, expansionsDir: string, file = definitionsIndexFile()): DefinitionsIndex | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const index = readJson<DefinitionsIndex>(file);
    const fresh = index.versions?.examples === packageVersion(examplesDir) && index.versions?.expansions === packageVersion(expansionsDir);
    return fresh ? index : undefined;
  } catch {
    return undefined; // unreadable: index on demand instead
  }
}

export function writeDefinitionsIndex(examplesDir: string, expansionsDir: string, file = definitionsIndexFile()): DefinitionsIndex {
  const index = buildDefinitionsIndex(examplesDir, expansionsDir);
  writeFileSync(file, JSON.stringify(index));
  return index;
}
