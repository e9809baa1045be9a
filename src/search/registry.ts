/**
 * The search parameters of each resource type: the official SearchParameters of FHIR R4 (from the
 * definitions registry) plus custom ones registered at run time (SearchParameter resources created
 * through the API). Resolved once per type and cached; registering a parameter clears the cache.
 */
import { definitions, type SearchParameter } from '../fhir/definitions.js';
import type { SearchParamDef } from './types.js';

const cache = new Map<string, Map<string, SearchParamDef>>();
const custom = new Map<string, SearchParamDef>();
let generation = 0;

/** Changes whenever the set of search parameters changes: what is derived from them is stale when it differs. */
export function registryGeneration(): number {
  return generation;
}

export function toSearchParamDef(sp: SearchParameter): SearchParamDef {
  return {
    code: sp.code,
    type: sp.type,
    url: sp.url,
    base: sp.base ?? [],
    expression: sp.expression,
    target: sp.target,
    modifier: sp.modifier,
    component: sp.component,
  };
}

/** The search parameters of a resource type, by code. The first definition of a code wins, custom ones last. */
export function searchParams(type: string): Map<string, SearchParamDef> {
  let params = cache.get(type);
  if (!params) {
    params = new Map();
    for (const sp of definitions().searchParameters(type)) if (!params.has(sp.code)) params.set(sp.code, toSearchParamDef(sp));
    for (const def of custom.values()) {
      if (def.base.includes(type) || def.base.includes('Resource') || def.base.includes('DomainResource')) params.set(def.code, def);
    }
    cache.set(type, params);
  }
  return params;
}

export function searchParam(type: string, code: string): SearchParamDef | undefined {
  return searchParams(type).get(code);
}

/** Adds (or replaces, by url) a custom SearchParameter; it takes effect for searches and new writes. */
export function registerSearchParameter(sp: SearchParameter): void {
  custom.set(sp.url, toSearchParamDef(sp));
  cache.clear();
  generation++;
}

export function unregisterSearchParameter(url: string): void {
  if (custom.delete(url)) {
    cache.clear();
    generation++;
  }
}
