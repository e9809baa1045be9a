/**
 * Reference rewriting inside a transaction (http.html#trules): every `reference` anywhere in a resource
 * (nested, in extensions, in contained resources) that names an entry's fullUrl becomes the entry's new
 * `Type/id`; conditional references (`Patient?identifier=...`) become the single match. The narrative's
 * links to fullUrls are rewritten too.
 */
import { badRequest, preconditionFailed } from '../../fhir/errors.js';
import type { Resource } from '../../fhir/types.js';
import type { StoreReader } from '../../store/store.js';
import { matchIds } from '../conditional.js';

export type ReferenceMap = Map<string, string>;

/** Collects the distinct references of a resource that need resolving (conditional or urn:). */
export function visitReferences(node: unknown, visit: (ref: string, holder: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) visitReferences(item, visit);
  } else if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const key in obj) {
      const value = obj[key];
      if (key === 'reference' && typeof value === 'string') visit(value, obj);
      else if (typeof value === 'object' && value !== null) visitReferences(value, visit);
    }
  }
}

export async function rewriteReferences(
  resource: Resource,
  map: ReferenceMap,
  reader: StoreReader,
  where: string,
  baseUrl: string,
): Promise<void> {
  const conditional: { ref: string; holder: Record<string, unknown> }[] = [];
  visitReferences(resource, (ref, holder) => {
    const target = map.get(ref);
    if (target !== undefined) holder.reference = target;
    else if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
      throw badRequest(`Reference '${ref}' matches no fullUrl in this transaction`, where);
    } else if (/^[A-Z][A-Za-z]+\?/.test(ref)) conditional.push({ ref, holder });
  });
  for (const { ref, holder } of conditional) holder.reference = await resolveConditional(ref, map, reader, where, baseUrl);
  rewriteNarrative(resource, map);
}

async function resolveConditional(ref: string, map: ReferenceMap, reader: StoreReader, where: string, baseUrl: string): Promise<string> {
  const known = map.get(ref);
  if (known) return known;
  const q = ref.indexOf('?');
  const type = ref.slice(0, q);
  const ids = await matchIds(reader, type, ref.slice(q + 1), baseUrl);
  if (ids.length !== 1) {
    throw preconditionFailed(`Conditional reference '${ref}' matched ${ids.length === 0 ? 'no' : 'more than one'} resource (${where})`);
  }
  const target = `${type}/${ids[0]}`;
  map.set(ref, target);
  return target;
}

function rewriteNarrative(resource: Resource, map: ReferenceMap): void {
  const text = resource.text as { div?: string } | undefined;
  if (!text || typeof text.div !== 'string' || !text.div.includes('urn:')) return;
  text.div = text.div.replace(/urn:(uuid|oid):[A-Za-z0-9.-]+/g, (m) => map.get(m) ?? m);
}
