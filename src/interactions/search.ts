/**
 * search-type: GET [base]/[type]?... (search.html). For now the parameters the store indexes — `_id`
 * and `identifier` — with `_count`; other parameters are ignored and left out of the self link, as the
 * spec allows. The search issue replaces this with the full search engine.
 */
import type { Bundle, Resource } from '../fhir/types.js';
import { badRequest } from '../fhir/errors.js';
import type { Criteria } from '../store/store.js';
import { parseCriteria } from './conditional.js';
import { assertResourceType } from './resource-result.js';
import type { FhirRequest, FhirResult, InteractionContext } from './types.js';

export const SUPPORTED_SEARCH_PARAMS = ['_id', 'identifier'] as const;
const MAX_COUNT = 1000;

export async function search(req: FhirRequest, ctx: InteractionContext, type: string): Promise<FhirResult> {
  assertResourceType(type);
  const applied = req.query.filter(([k]) => (SUPPORTED_SEARCH_PARAMS as readonly string[]).includes(k));
  let count = 20;
  for (const [k, v] of req.query) {
    if (k !== '_count') continue;
    if (!/^\d{1,6}$/.test(v)) throw badRequest(`_count must be a non-negative integer, not '${v.slice(0, 40)}'`, '_count');
    count = Math.min(Number(v), MAX_COUNT);
  }
  const criteria: Criteria = applied.length ? parseCriteria(type, new URLSearchParams(applied).toString()) : { type };
  const ids = await ctx.reader.findIds(criteria, count);
  const entry = [];
  for (const id of ids) {
    const v = await ctx.reader.read(type, id);
    if (v && !v.deleted) entry.push({ fullUrl: `${ctx.baseUrl}/${type}/${id}`, resource: JSON.parse(v.json!) as Resource, search: { mode: 'match' as const } });
  }
  const self = new URLSearchParams([...applied, ['_count', String(count)]]);
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: `${ctx.baseUrl}/${type}?${self}` }], entry };
  return { status: 200, resource: bundle };
}
