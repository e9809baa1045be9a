/**
 * Finding SearchParamDefs for the parser: on a set of searched types (system search: the parameter
 * must exist on every type, which leaves the Resource-level ones when all types are searched), on
 * possible reference targets (at least one must have it), and composite components by canonical.
 */
import { definitions, type SearchParameter } from '../../fhir/definitions.js';
import { searchParam, searchParams, toSearchParamDef } from '../registry.js';
import type { SearchParamDef } from '../types.js';
import { invalidParam } from './errors.js';

export function isResourceType(type: string): boolean {
  return definitions().isResourceType(type);
}

/** The searched types; an empty list (system search without _type) means every type. */
export function typesOrAll(types: string[]): string[] {
  return types.length > 0 ? types : definitions().resourceTypes();
}

/**
 * The parameter `code` as every one of `types` defines it; undefined when one of them lacks it.
 * When the types define it with different parameter types the query is ambiguous: a 400.
 */
export function paramOnAll(types: string[], code: string, name: string): SearchParamDef | undefined {
  let found: SearchParamDef | undefined;
  for (const type of typesOrAll(types)) {
    const def = searchParam(type, code);
    if (!def) return undefined;
    if (found && found.type !== def.type) {
      throw invalidParam(name, `'${code}' is a ${found.type} parameter on one searched type and a ${def.type} parameter on ${type}`);
    }
    found ??= def;
  }
  return found;
}

/**
 * The types among `types` that define `code`, and its definition there (the first, when several
 * types define it the same way); undefined when none does. Differing parameter types are a 400.
 */
export function paramOnSome(types: string[], code: string, name: string): { def: SearchParamDef; types: string[] } | undefined {
  let found: SearchParamDef | undefined;
  const having: string[] = [];
  for (const type of types) {
    const def = searchParam(type, code);
    if (!def) continue;
    if (found && found.type !== def.type) {
      throw invalidParam(name, `'${code}' is a ${found.type} parameter on ${having[0]} and a ${def.type} parameter on ${type}; name the type with a :Type modifier`);
    }
    found ??= def;
    having.push(type);
  }
  return found && { def: found, types: having };
}

/** The types a reference parameter may point to (every type when its definition does not say). */
export function referenceTargets(def: SearchParamDef): string[] {
  return def.target && def.target.length > 0 ? def.target : definitions().resourceTypes();
}

const components = new Map<string, SearchParamDef | null>();

/** A composite's component parameter, by the canonical its definition gives (custom ones first). */
export function componentDef(composite: SearchParamDef, canonical: string): SearchParamDef | undefined {
  for (const type of composite.base) {
    for (const def of searchParams(type).values()) if (def.url === canonical) return def;
  }
  let def = components.get(canonical);
  if (def === undefined) {
    const resource = definitions().byCanonical(canonical);
    def = resource?.resourceType === 'SearchParameter' ? toSearchParamDef(resource as SearchParameter) : null;
    components.set(canonical, def);
  }
  return def ?? undefined;
}
