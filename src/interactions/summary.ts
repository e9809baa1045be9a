/**
 * _summary and _elements (search.html#summary, #elements): a subset of each returned resource, marked
 * SUBSETTED in meta.tag. Summary elements are those the resource's StructureDefinition marks isSummary.
 */
import { definitions } from '../fhir/definitions.js';
import type { Resource } from '../fhir/types.js';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
const ALWAYS = new Set(['resourceType', 'id', 'meta']);

const summaryCache = new Map<string, Set<string>>();

/** Top-level elements of a type marked isSummary (or mandatory), as JSON property prefixes. */
function summaryElements(type: string): Set<string> {
  let set = summaryCache.get(type);
  if (!set) {
    set = new Set();
    for (const e of definitions().structureDefinition(type)?.snapshot?.element ?? []) {
      const parts = e.path.split('.');
      if (parts.length !== 2 || !(e.isSummary || (e.min ?? 0) > 0)) continue;
      set.add(parts[1].replace('[x]', ''));
    }
    summaryCache.set(type, set);
  }
  return set;
}

function keep(resource: Resource, wanted: (key: string) => boolean): Resource {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resource)) if (ALWAYS.has(k) || wanted(k)) out[k] = v;
  const meta = (out.meta ?? {}) as { tag?: unknown[] };
  out.meta = { ...meta, tag: [...(meta.tag ?? []), SUBSETTED] };
  return out as Resource;
}

/** Matches a choice element's JSON name (valueQuantity) to its base name (value). */
function baseName(key: string, names: Set<string>): boolean {
  if (names.has(key)) return true;
  for (const n of names) if (key.startsWith(n) && /^[A-Z]/.test(key.slice(n.length))) return true;
  return false;
}

export function subset(resource: Resource, summary: string | undefined, elements: string[] | undefined): Resource {
  if (summary === 'true') {
    const names = summaryElements(resource.resourceType);
    return keep(resource, (k) => baseName(k, names));
  }
  if (summary === 'text') {
    const names = new Set([...summaryElements(resource.resourceType)].filter((n) => {
      const e = definitions().structureDefinition(resource.resourceType)?.snapshot?.element?.find((x) => x.path === `${resource.resourceType}.${n}`);
      return (e?.min ?? 0) > 0;
    }));
    return keep(resource, (k) => k === 'text' || baseName(k, names));
  }
  if (summary === 'data') return keep(resource, (k) => k !== 'text');
  if (elements?.length) {
    const names = new Set(elements);
    return keep(resource, (k) => baseName(k, names));
  }
  return resource;
}
