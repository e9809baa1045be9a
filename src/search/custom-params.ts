/**
 * Custom SearchParameters (search.html#custom): SearchParameter resources written through the API take
 * effect for searches and for the indexing of later writes; `qiao reindex` / $reindex backfill what
 * was written before. This module checks such a resource before it is stored (a parameter that cannot
 * work is a 400, not a silent no-op) and keeps the registry in step with the stored ones.
 */
import { definitions, type SearchParameter } from '../fhir/definitions.js';
import { badRequest, notSupported } from '../fhir/errors.js';
import { compile } from '../fhir/fhirpath.js';
import type { Resource } from '../fhir/types.js';
import { registerSearchParameter, unregisterSearchParameter } from './registry.js';

const TYPES = new Set(['number', 'date', 'string', 'token', 'reference', 'quantity', 'uri']);
const CODE = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** Bases that stand for every resource type. */
const ALL = new Set(['Resource', 'DomainResource']);

/** Is this one of FHIR's own parameters (already in the registry, e.g. a stored copy of the definitions)? */
function isOfficial(sp: Partial<SearchParameter>): boolean {
  return typeof sp.url === 'string' && definitions().byCanonical(sp.url)?.resourceType === 'SearchParameter';
}

/** Throws a 400 naming the element when a custom SearchParameter could not be searched or indexed. */
export function checkSearchParameter(sp: Partial<SearchParameter>): void {
  if (typeof sp.url !== 'string' || sp.url === '') throw badRequest('A SearchParameter needs a url (its identity for searches and updates)', 'SearchParameter.url');
  if (isOfficial(sp)) return;
  if (typeof sp.code !== 'string' || !CODE.test(sp.code)) throw badRequest(`SearchParameter.code '${String(sp.code)}' is not a valid parameter name`, 'SearchParameter.code');
  if (sp.code.startsWith('_')) throw badRequest(`SearchParameter.code '${sp.code}': names starting with _ belong to the FHIR specification`, 'SearchParameter.code');
  if (sp.type === 'composite' || sp.type === 'special') throw notSupported(`Custom ${sp.type} SearchParameters are not supported`, 'SearchParameter.type');
  if (!TYPES.has(sp.type as string)) throw badRequest(`SearchParameter.type '${String(sp.type)}' is not a search parameter type`, 'SearchParameter.type');
  for (const [i, base] of (sp.base ?? []).entries()) {
    if (!ALL.has(base) && !definitions().isResourceType(base)) throw badRequest(`SearchParameter.base '${base}' is not a resource type`, `SearchParameter.base[${i}]`);
  }
  if (typeof sp.expression !== 'string' || sp.expression.trim() === '') throw badRequest('A SearchParameter needs an expression (FHIRPath) to index', 'SearchParameter.expression');
  try {
    compile(sp.expression);
  } catch (err) {
    throw badRequest(`SearchParameter.expression is not valid FHIRPath: ${(err as Error).message.split('\n')[0]}`, 'SearchParameter.expression');
  }
}

/** Stored SearchParameter id -> its url, so that a delete (a tombstone, without the resource) can unregister it. */
const urlsById = new Map<string, string>();

/**
 * Brings the registry in step with a committed write of SearchParameter/id: registers it (retired ones
 * are withdrawn), or withdraws it when deleted. A parameter whose url changed drops the old url.
 */
export function syncSearchParameter(id: string, resource: Resource | undefined): void {
  const previous = urlsById.get(id);
  let sp = resource as SearchParameter | undefined;
  // Copies of FHIR's own parameters are stored like any resource but are already in force.
  if (sp && isOfficial(sp)) sp = undefined;
  if (previous !== undefined && previous !== sp?.url) unregisterSearchParameter(previous);
  if (!sp || (sp as { status?: string }).status === 'retired') {
    if (sp?.url) unregisterSearchParameter(sp.url);
    urlsById.delete(id);
    return;
  }
  registerSearchParameter(sp);
  urlsById.set(id, sp.url);
}

/** Brings the registry in step with the complete set of stored SearchParameters (by id): registers them and withdraws the rest. */
export function resyncSearchParameters(stored: Map<string, Resource>): void {
  for (const id of [...urlsById.keys()]) if (!stored.has(id)) syncSearchParameter(id, undefined);
  for (const [id, resource] of stored) syncSearchParameter(id, resource);
}
