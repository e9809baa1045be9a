/**
 * Reference strings (references.html#literal) split into what the reference index keeps: a local
 * `Type/id[/_history/v]`, an absolute URL that ends in `Type/id[/_history/v]` (kept whole in `url` too:
 * whether its base is this server is the query layer's call), or an opaque URL (urn:uuid:, urn:oid:,
 * anything else). `#id` references point into `contained` and are not indexed.
 */
import { definitions } from '../../fhir/definitions.js';
import type { Resource } from '../../fhir/types.js';

export interface ParsedReference {
  type: string | null;
  id: string | null;
  version: string | null;
  url: string | null;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;
const ABSOLUTE_TAIL = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

let resourceTypes: Set<string> | undefined;
function isResourceType(type: string): boolean {
  return (resourceTypes ??= new Set(definitions().resourceTypes())).has(type);
}

/** Splits a reference string; undefined for `#contained` references and empty strings. */
export function parseReference(ref: string): ParsedReference | undefined {
  if (ref.length === 0 || ref.charCodeAt(0) === 35 /* # */) return undefined;
  let m = RELATIVE.exec(ref);
  if (m && isResourceType(m[1])) return { type: m[1], id: m[2], version: m[3] ?? null, url: null };
  if (!m && ref.includes('://')) {
    m = ABSOLUTE_TAIL.exec(ref);
    if (m && isResourceType(m[1])) return { type: m[1], id: m[2], version: m[3] ?? null, url: ref };
  }
  return { type: null, id: null, version: null, url: ref };
}

/**
 * The type of the resource a Reference points to, as far as it can be told without fetching it: from
 * the reference string, or from the contained resource a `#id` names; null when unknown (urn:uuid:,
 * logical references). Used for `.where(resolve() is Patient)`.
 */
export function referencedType(reference: unknown, root: Resource): string | null {
  if (typeof reference !== 'object' || reference === null) return null;
  const ref = (reference as { reference?: unknown }).reference;
  if (typeof ref !== 'string') return null;
  if (ref.charCodeAt(0) === 35) {
    const id = ref.slice(1);
    const contained = root.contained;
    if (!Array.isArray(contained)) return null;
    for (const c of contained as Resource[]) if (c && c.id === id) return c.resourceType;
    return null;
  }
  return parseReference(ref)?.type ?? null;
}
